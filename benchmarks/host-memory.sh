#!/usr/bin/env bash
# Host mode's memory: the runtime JAR (the README's footprint flags) hosting 1, then 21 fake integration instances
# from an instances folder (WEBHOOK mode: no resync until asked, nothing ONCE), against the Port emulator JAR on
# loopback. Each instance runs one resync (all asked at once, at most ocean.host.max-concurrent-resyncs = 2 running),
# then the process idles and its resident memory is read from /proc.
#
#   benchmarks/host-memory.sh [instances] [idle-seconds]     defaults: 21 30
#
# Prints, per run: VmRSS after the idle time, VmHWM (the peak resident memory, the resyncs included), and
# (RSS(N) - RSS(1)) / (N - 1): what each added idle instance costs. Builds the runtime and emulator JARs first
# (nothing installed); SKIP_BUILD=1 skips that. Needs curl and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-21}
IDLE=${2:-30}
MAX_CONCURRENT=${MAX_CONCURRENT:-2}
# shellcheck source=host-common.sh
. benchmarks/host-common.sh

kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

emulator_port=$(free_port)
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m -jar port-emulator/target/oceanj-port-emulator.jar \
  --port "$emulator_port" >"$work/emulator.log" 2>&1 &
pids+=($!)
await 60 "curl -s -o /dev/null http://127.0.0.1:$emulator_port/v1/blueprints" "the Port emulator"

# run <instances>: starts the runtime with that many instances, one resync each, idles; sets RSS and HWM (KiB).
run() {
  local n=$1 dir="$work/instances-$1" port ids=()
  mkdir -p "$dir"
  for i in $(seq 1 "$n"); do
    local id
    id=$(printf 'fake-%02d' "$i")
    ids+=("$id")
    printf 'OCEAN__INTEGRATION__TYPE=fake\nOCEAN__EVENT_LISTENER__TYPE=WEBHOOK\n' >"$dir/$id.env"
  done
  port=$(free_port)
  env OCEAN__INSTANCES_DIR="$dir" OCEAN__DATA_DIR="$work/data-$n" APPLICATION__PORT="$port" \
    OCEAN__BASE_URL="http://127.0.0.1:$port" \
    OCEAN__PORT__BASE_URL="http://127.0.0.1:$emulator_port" OCEAN__PORT__CLIENT_ID=emulator-client-id \
    OCEAN__PORT__CLIENT_SECRET=emulator-client-secret OCEAN__HOST__MAX_CONCURRENT_RESYNCS="$MAX_CONCURRENT" \
    java "${FLAGS[@]}" -jar runtime/target/oceanj-runtime.jar >"$work/runtime-$n.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local base="http://127.0.0.1:$port"
  await_running "$base" "$n" "$work/runtime-$n.log"
  local started=$SECONDS
  for id in "${ids[@]}"; do
    curl -s -o /dev/null -X POST "$base/$id/resync"
  done
  await 600 "[ \"\$(curl -s $base/status | jq '[.instances[]? | select(.last.outcome == \"completed\")] | length')\" = $n ]" \
    "$n resyncs completed" || { tail -20 "$work/runtime-$n.log" >&2; exit 1; }
  local took=$((SECONDS - started))
  sleep "$IDLE"
  RSS=$(kib "$pid" VmRSS)
  HWM=$(kib "$pid" VmHWM)
  THREADS=$(kib "$pid" Threads)
  echo "instances=$n resyncs=${took}s idle=${IDLE}s VmRSS=$((RSS / 1024)) MB VmHWM=$((HWM / 1024)) MB threads=$THREADS" \
    "(max-concurrent-resyncs=$MAX_CONCURRENT)"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

run 1
rss1=$RSS
threads1=$THREADS
run "$N"
awk -v a="$rss1" -v b="$RSS" -v n="$N" -v t1="$threads1" -v t2="$THREADS" 'BEGIN {
  printf "each added idle instance: %.2f MB RSS, %.1f threads ((RSS(%d) - RSS(1)) / %d; target <= 4 MB)\n",
    (b - a) / 1024 / (n - 1), (t2 - t1) / (n - 1), n, n - 1 }'
