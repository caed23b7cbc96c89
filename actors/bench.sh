#!/usr/bin/env bash
# The resync benchmark (issue 4 §7): the fake integration's first resync into an empty Port, then a no-change
# resync, in a runtime process of its own, against a Port in another process.
#
#   actors/bench.sh [emulator|standin] [entityAmount] [extra JVM options…]
#
#   entityAmount 4000 → 20,065 entities (Ocean's measured run), 40000 → 200,065, 200000 → 1,000,065.
#   Example: actors/bench.sh emulator 200000 -Xmx256m
#
# The emulator is warmed first (two unmeasured rounds from another JVM, then emptied), as Port is a warm service;
# WARM_PORT=0 skips that, PORT_WARM_AMOUNT sets its entityAmount (4000). BENCH_OPTS passes options to ResyncBench,
# e.g. BENCH_OPTS="--warmup 1" (emulator only: unmeasured rounds in the runtime's own JVM, Port emptied after each,
# for the steady state of a long-running runtime), BENCH_OPTS="--upsert-concurrency 8", or BENCH_OPTS="--rate-limit port"
# (writes shaped to Port's org budget as the runtime does by default; unlimited otherwise).
# Prints, per resync: entities, seconds, entities/s, the runtime process's CPU seconds (JIT and GC shares) and its
# peak RSS, and the CPU seconds the Port process used meanwhile; then the runtime's CPU seconds by thread group (the JIT
# compiler and GC threads included, read from /proc, unlike the "JIT" figure, which is the compilers' wall time).
# The machine is shared: run the big sizes once.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-emulator}
amount=${2:-4000}
shift $(( $# > 2 ? 2 : $# )) || true
jvm=("$@")
[ ${#jvm[@]} -eq 0 ] && jvm=(-Xmx256m)

# One reactor invocation, so the sibling modules resolve to their freshly built JARs (nothing is installed).
mvn -B -o -q -pl actors,port-emulator -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
cp="actors/target/test-classes:actors/target/classes:$(cat actors/target/bench.cp)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ "$target" = standin ]; then
  # The shared folder sits next to the checkout (or next to the folder holding worktrees).
  shared=${OCEANJ_SHARED_DIR:-}
  for d in ../shared ../../shared; do
    [ -z "$shared" ] && [ -f "$d/tools/port_standin.py" ] && shared=$d
  done
  [ -n "$shared" ] || { echo "port_standin.py not found; set OCEANJ_SHARED_DIR" >&2; exit 2; }
  python3 "$shared/tools/port_standin.py" --port "$port" >/dev/null 2>&1 &
else
  # The emulator stands in for a Port that runs elsewhere, so it should take as little of the shared CPU as it can.
  # Up to 200,065 entities: C1 only and the serial collector (its C2 compiler alone took half a CPU for tens of
  # seconds). Beyond: the JVM's defaults, as C2's code pays off over a million writes and G1 copes with the big live
  # set (with the serial collector its full collections cost more than its work). EMULATOR_JVM overrides.
  small_emulator="-Xmx3g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
  [ "$amount" -gt 40000 ] && small_emulator="-Xmx3g"
  java ${EMULATOR_JVM:-$small_emulator} -jar port-emulator/target/oceanj-port-emulator.jar --port "$port" >/dev/null 2>&1 &
fi
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
up=
for _ in $(seq 1 300); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then up=1; break; fi
  sleep 0.2
done
[ -n "$up" ] || { echo "the Port stand-in did not start on :$port" >&2; exit 2; }
if [ "$target" = emulator ] && [ "${WARM_PORT:-1}" = 1 ]; then
  # Port is a long-running service: warm the emulator's JIT with an unmeasured resync in another JVM, then empty it,
  # so a cold emulator compiling its code does not take the runtime's CPU share during the measured run.
  # Two rounds (the first one's code is still being compiled by the end of it), Port emptied after each.
  java -Xmx512m -cp "$cp" dev.oceanj.actors.bench.ResyncBench --port-url "http://127.0.0.1:$port" \
    --entity-amount "${PORT_WARM_AMOUNT:-4000}" --integration port-warm-up --warmup 1 >/dev/null 2>&1
  curl -s -X POST "http://127.0.0.1:$port/_emulator/reset" >/dev/null
  echo "Port emulator warmed (two rounds of a 20,065-entity resync and its no-change resync, then emptied); WARM_PORT=0 skips this"
fi
echo "Port stand-in: $target on :$port; runtime JVM: ${jvm[*]}; entityAmount $amount"
java "${jvm[@]}" -cp "$cp" dev.oceanj.actors.bench.ResyncBench --port-url "http://127.0.0.1:$port" \
  --entity-amount "$amount" --port-pid "$server" ${BENCH_OPTS:-}
