#!/usr/bin/env bash
# Prints how fast the run page of a 10,000-step run renders (src/test/java/dev/penstock/bench/
# RunPageBench.java): a real server with a run of root → 9,998 squares → sink written into its
# database, GET /runs/{id} timed over loopback (first look, then median of the rounds), its size,
# other table pages, the live stream's first event, the store reads behind the page, and Chromium's
# DOMContentLoaded and load when Debian's chromium and chromium-driver are installed.
# Usage: bench/run-page.sh [width of the fan-out, default 9998] [rounds, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test-compile >/dev/null
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file" >/dev/null
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx512m -cp "target/classes:target/test-classes:$(cat "$classpath_file")" \
  dev.penstock.bench.RunPageBench "$@"
