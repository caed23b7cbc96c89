#!/usr/bin/env bash
# Cluster mode's aggregate throughput (issue 18 §3): the same 6 fake instances (host mode, one instances folder,
# POLLING: each resyncs once when it starts on its node) on 1, then 2, then 3 nodes of the runtime JAR, into one
# Port emulator JAR on loopback with its rate limits off (the emulator's default: this measures the runtime, not
# Port's budget). The fake's identifiers do not depend on its seed: the 6 instances upsert the same entities, each
# write a real upsert. RATE_LIMITS=port turns on the emulator's Port limits (bulk upserts: 35,000 requests per 5 min,
# burst 3,500) and the last column counts its 429s. Per run: entities upserted (the resyncs' own count), the span from the first to the last write the emulator answered (its
# request log), entities/s over that span, and per node its CPU seconds (/proc utime + stime) from its HTTP server's
# start to the last resync's end, "(+s)" being what it took before (JVM start, the instances' set-up in Port, joining),
# and its peak RSS (VmHWM); cpu_ms/1k is the nodes' resync CPU (the first figures) per 1,000 entities.
#
#   benchmarks/cluster-bench.sh [entityAmount] [node counts]      defaults: 2000 "1 2 3"
#
# entityAmount 2000 → 10,065 entities per instance, 60,390 upserts in all. Builds nothing: expects
# runtime/target/oceanj-runtime.jar and port-emulator/target/oceanj-port-emulator.jar. Needs curl, jq, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
AMOUNT=${1:-2000}
COUNTS=${2:-1 2 3}
INSTANCES=6
FLAGS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
source benchmarks/cluster-common.sh
cpu_s() { awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / t}' "/proc/$1/stat"; }
hwm_mb() { awk '$1 == "VmHWM:" {printf "%d", $2 / 1024}' "/proc/$1/status"; }

emu_port=$(free_port)
emu="http://127.0.0.1:$emu_port"
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx1g -jar port-emulator/target/oceanj-port-emulator.jar \
  --port "$emu_port" --rate-limits "${RATE_LIMITS:-off}" >"$work/emulator.log" 2>&1 &
emu_pid=$!
pids+=($emu_pid)
await 60 "curl -s -o /dev/null $emu/_emulator/counters" "the Port emulator"
mkdir -p "$work/instances"
for i in $(seq 1 $INSTANCES); do
  printf 'OCEAN__INTEGRATION__TYPE=fake\nOCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=%s\n' "$AMOUNT" \
    >"$work/instances/$(printf 'fake-%02d' "$i").env"
done
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs); $INSTANCES fake instances, entityAmount $AMOUNT;" \
  "runtime JVM: ${FLAGS[*]}; emulator rate limits ${RATE_LIMITS:-off}"
printf '%-6s %-9s %-8s %-10s %-12s %-40s %-28s %s\n' nodes entities span_s entities/s cpu_ms/1k "cpu_s per node" "peak RSS MB per node" "writes per node tag"

run() {
  local n=$1 i a=() http=() node_pids=() seeds
  curl -s -X POST "$emu/_emulator/reset" >/dev/null
  curl -s -X POST "$emu/_emulator/request-log" -H 'content-type: application/json' -d '{"enabled":true,"bodies":false}' >/dev/null
  curl -s -X DELETE "$emu/_emulator/request-log" >/dev/null
  for i in $(seq 1 "$n"); do a+=("$(free_port)"); http+=("$(free_port)"); done
  seeds="127.0.0.1:${a[0]}"
  [ "$n" -gt 1 ] && seeds="$seeds,127.0.0.1:${a[1]}"
  start() {
    local i=$1
    env OCEAN__INSTANCES_DIR="$work/instances" OCEAN__EVENT_LISTENER__TYPE=POLLING OCEAN__RESYNC__SKIP_UNCHANGED=false \
      OCEAN__PORT__BASE_URL="$emu" OCEAN__PORT__CLIENT_ID=emulator-client-id OCEAN__PORT__CLIENT_SECRET=emulator-client-secret \
      OCEAN__HTTP__BIND_ADDRESS=127.0.0.1 OCEAN__HTTP__PORT="${http[$((i - 1))]}" OCEAN__DATA_DIR="$work/data-$n-$i" \
      OCEAN__CLUSTER__ENABLED=true OCEAN__CLUSTER__HOST=127.0.0.1 OCEAN__CLUSTER__PORT="${a[$((i - 1))]}" \
      OCEAN__CLUSTER__SEED_NODES="$seeds" OCEAN__CLUSTER__MIN_NR_OF_MEMBERS="$n" OCEAN__CLUSTER__NODE_NAME="node-$i" \
      java "${FLAGS[@]}" -jar runtime/target/oceanj-runtime.jar >"$work/run$n-node-$i.log" 2>&1 &
    node_pids+=($!)
    pids+=($!)
  }
  # node-1 first, until it has set the instances up in Port (nodes started together race on POST /v1/integration
  # and the losers exit on the 409; see BENCHMARKS-cluster.md); no write is made before min-nr-of-members are up.
  start 1
  await 300 "grep -qs 'Cluster mode: node node-1' $work/run$n-node-1.log" "node-1 to set up the instances in Port" \
    || { tail -20 "$work/run$n-node-1.log" >&2; exit 1; }
  for i in $(seq 2 "$n"); do start "$i"; done
  # Each node's CPU once its HTTP server is up (JVM start, instance set-up, joining): subtracted below.
  local cpu0=() p
  for i in $(seq 1 "$n"); do
    await 300 "grep -qs 'HTTP server listening' $work/run$n-node-$i.log" "node-$i's HTTP server" \
      || { tail -20 "$work/run$n-node-$i.log" >&2; exit 1; }
    cpu0+=("$(cpu_s "${node_pids[$((i - 1))]}")")
  done
  # The nodes' logs are the witness: in cluster mode the HTTP server serves the first instance's /status only.
  done_count() {
    cat "$work"/run"$n"-node-*.log | grep -c 'Resync [0-9a-f-]* COMPLETED in' || true
  }
  await 900 "[ \"\$(done_count)\" -ge $INSTANCES ]" "$INSTANCES resyncs completed on $n nodes" \
    || { tail -30 "$work/run$n-node-1.log" >&2; exit 1; }
  local cpus=() hwms=() total_cpu=0
  for i in $(seq 1 "$n"); do
    p=${node_pids[$((i - 1))]}
    cpus+=("$(awk -v a="$(cpu_s "$p")" -v b="${cpu0[$((i - 1))]}" 'BEGIN {printf "%.1f", a - b}')(+${cpu0[$((i - 1))]})")
    hwms+=("$(hwm_mb "$p")")
  done
  total_cpu=$(printf '%s\n' "${cpus[@]}" | awk '{s += $1} END {print s}')   # "12.3(+20.1)" counts as 12.3
  local stats
  stats=$(curl -s "$emu/_emulator/request-log" | jq -r '[.requests[] | select(.method == "POST" and (.route | test("entities")))]
    | "\((map(.at) | max) - (map(.at) | min)) \(group_by(.node) | map("\(.[0].node // "-")=\(length)") | join(","))\(
      if any(.[]; .status == 429) then " 429s=\(map(select(.status == 429)) | length)" else " 429s=0" end)"')
  local entities   # upserted, summed over the nodes' "Resync … COMPLETED in … ms: N upserted" lines
  entities=$(cat "$work"/run"$n"-node-*.log | sed -n 's/.*Resync [0-9a-f-]* COMPLETED in [0-9]* ms: \([0-9]*\) upserted.*/\1/p' \
    | awk '{s += $1} END {print s}')
  local span_ms=${stats%% *} per_node=${stats#* }
  awk -v n="$n" -v e="$entities" -v ms="$span_ms" -v cpu="$total_cpu" -v cpus="${cpus[*]}" -v hwms="${hwms[*]}" -v w="$per_node" \
    'BEGIN { printf "%-6s %-9s %-8.1f %-10.0f %-12.0f %-40s %-28s %s\n", n, e, ms / 1000, e / (ms / 1000), cpu * 1e6 / e, cpus, hwms, w }'
  for p in "${node_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
for n in $COUNTS; do run "$n"; done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
