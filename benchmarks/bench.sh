#!/usr/bin/env bash
# The live-events bench: fake-person webhooks at a fixed rate into the runtime JAR (WEBHOOKS_ONLY mode, its own
# JVM) writing to the Port emulator (its own JVM); see the README's live-events section.
#
#   benchmarks/bench.sh [rate/s] [seconds] [options…]     e.g. benchmarks/bench.sh 2000 10
#   benchmarks/bench.sh --help                             the options
#
# Builds the runtime JAR and this module first (one reactor invocation, nothing installed); SKIP_BUILD=1 skips that.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -o -q -pl runtime,benchmarks -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=runtime >/dev/null
fi
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.cp)" dev.oceanj.bench.live.LiveEventBench \
  --runtime-jar runtime/target/oceanj-runtime.jar "$@"
