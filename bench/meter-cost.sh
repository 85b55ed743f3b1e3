#!/usr/bin/env bash
# Prints what one metric event costs the hot path (bench/MeterCost.java): two nanoTime calls and a
# Timer.record with histogram buckets on the Prometheus registry, from one thread and several.
# Usage: bench/meter-cost.sh [events] [threads]   (defaults: 5,000,000, 4)
# Needs Java 21 or later: set JAVA_HOME where the default java is older.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -o -q compile >/dev/null
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file" >/dev/null
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:+UseSerialGC -Xmx256m -cp "target/classes:$(cat "$classpath_file")" \
  bench/MeterCost.java "$@"
