#!/usr/bin/env bash
# Prints the local executor's per-step floor: launch to outcome of a trivial step, with a fresh
# interpreter per step and with the fork server, beside bare interpreter start and fork floors.
# Usage: bench/step-launch-latency.sh [python] [runs]   (defaults: /usr/bin/python3, 50)
# Needs Java 21 or later: set JAVA_HOME where the default java is older.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -o -q compile >/dev/null
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file" >/dev/null
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Dlogback.configurationFile=bench/logback-bench.xml -cp "target/classes:$(cat "$classpath_file")" \
  bench/StepLaunchLatency.java "$@"
