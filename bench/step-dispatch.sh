#!/usr/bin/env bash
# Launch-to-outcome latency of a trivial step, fresh process vs fork server (medians); the same
# measurement as bench/step-launch-latency.sh, under the name the fork-server work asked for.
# Usage: bench/step-dispatch.sh [python] [runs]   (defaults: /usr/bin/python3, 50)
exec "$(dirname "$0")/step-launch-latency.sh" "$@"
