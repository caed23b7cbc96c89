#!/usr/bin/env bash
# Cluster mode as a user runs it (issue 18 §3): the Port emulator JAR on loopback (request log on), 3 nodes of the
# runtime JAR (POLLING, host mode: 6 fake instances from one instances folder, seeds on 127.0.0.1) until every
# instance's first resync completed; /status's cluster section from each node; kill -9 of the node running the
# first instance; /status from the survivors once its instances resynced elsewhere; the emulator's catalog
# (entities per blueprint and datasource) and its request log (writes and deletes per node tag) before and after.
#
#   benchmarks/cluster-session.sh [entityAmount]      default 100 (5 departments + 5 × 100 persons per instance)
#
# Builds nothing: expects runtime/target/oceanj-runtime.jar and port-emulator/target/oceanj-port-emulator.jar
# (mvn -B -pl runtime,port-emulator -am -DskipTests package). Needs curl, jq, python3. STABLE_AFTER (default 7 s)
# sets the Split Brain Resolver's stable-after; SETTLE (default 90 s) how long to wait for the placement to settle
# (every node's /status agrees, each node owns its share) before the "before" /status; KEEP_LOGS=<dir> keeps the
# processes' logs. Every process it starts is killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
AMOUNT=${1:-100}
STABLE_AFTER=${STABLE_AFTER:-7}
INSTANCES=(fake-01 fake-02 fake-03 fake-04 fake-05 fake-06)
FLAGS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
source benchmarks/cluster-common.sh
say() { printf '\n$ %s\n' "$*"; }

emu_port=$(free_port)
emu="http://127.0.0.1:$emu_port"
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m -jar port-emulator/target/oceanj-port-emulator.jar \
  --port "$emu_port" >"$work/emulator.log" 2>&1 &
pids+=($!)
await 60 "curl -s -o /dev/null $emu/_emulator/counters" "the Port emulator"
curl -s -X POST "$emu/_emulator/request-log" -H 'content-type: application/json' -d '{"enabled":true,"bodies":false}' >/dev/null

mkdir -p "$work/instances"
# The fake integration's identifiers do not depend on its seed: the 6 instances write the same entities, each under
# its own datasource, the last writer's in Port.
for id in "${INSTANCES[@]}"; do
  printf 'OCEAN__INTEGRATION__TYPE=fake\nOCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=%s\n' "$AMOUNT" >"$work/instances/$id.env"
done
a1=$(free_port); a2=$(free_port); a3=$(free_port)
artery=("$a1" "$a2" "$a3")
declare -A HTTP PID
echo "Port emulator on :$emu_port; instances folder: ${INSTANCES[*]} (fake, entityAmount $AMOUNT); artery ports ${artery[*]}"
say "export OCEAN__INSTANCES_DIR=instances OCEAN__EVENT_LISTENER__TYPE=POLLING OCEAN__CLUSTER__ENABLED=true" \
  "OCEAN__CLUSTER__SEED_NODES=127.0.0.1:$a1,127.0.0.1:$a2 OCEAN__CLUSTER__MIN_NR_OF_MEMBERS=3" \
  "OCEAN__CLUSTER__STABLE_AFTER='$STABLE_AFTER s' OCEAN__PORT__BASE_URL=$emu OCEAN__PORT__CLIENT_ID=… OCEAN__PORT__CLIENT_SECRET=…"
start_node() {
  local i=$1 node=node-$1
  HTTP[$node]=$(free_port)
  echo "\$ OCEAN__CLUSTER__PORT=${artery[$((i - 1))]} OCEAN__CLUSTER__NODE_NAME=$node OCEAN__HTTP__PORT=${HTTP[$node]}" \
    "OCEAN__DATA_DIR=.oceanj-$i java ${FLAGS[*]} -jar runtime/target/oceanj-runtime.jar > $node.log 2>&1 &"
  env OCEAN__INSTANCES_DIR="$work/instances" OCEAN__EVENT_LISTENER__TYPE=POLLING \
    OCEAN__PORT__BASE_URL="$emu" OCEAN__PORT__CLIENT_ID=emulator-client-id OCEAN__PORT__CLIENT_SECRET=emulator-client-secret \
    OCEAN__HTTP__BIND_ADDRESS=127.0.0.1 OCEAN__HTTP__PORT="${HTTP[$node]}" OCEAN__DATA_DIR="$work/data-$i" \
    OCEAN__CLUSTER__ENABLED=true OCEAN__CLUSTER__HOST=127.0.0.1 OCEAN__CLUSTER__PORT="${artery[$((i - 1))]}" \
    OCEAN__CLUSTER__SEED_NODES="127.0.0.1:$a1,127.0.0.1:$a2" OCEAN__CLUSTER__MIN_NR_OF_MEMBERS=3 \
    OCEAN__CLUSTER__STABLE_AFTER="$STABLE_AFTER s" OCEAN__CLUSTER__NODE_NAME="$node" \
    java "${FLAGS[@]}" -jar runtime/target/oceanj-runtime.jar >"$work/$node.log" 2>&1 &
  PID[$node]=$!
  pids+=($!)
}
# Every node sets up each instance in Port (POST /v1/integration when Port has none) before it joins the cluster;
# started together, they race and the losers exit on the 409 (see BENCHMARKS-cluster.md). So node-1 first, until it
# reaches cluster mode (the instances exist in Port by then), then the other two.
start_node 1
await 300 "grep -qs 'Cluster mode: node node-1' $work/node-1.log" "node-1 to set up the instances in Port" \
  || { tail -20 "$work/node-1.log" >&2; exit 1; }
start_node 2
start_node 3

# completed <node…>: resyncs those nodes logged as completed. In cluster mode the HTTP server serves the first
# instance's /status (with the cluster section) and no /<identifier>/status (see BENCHMARKS-cluster.md), so the
# nodes' logs are the witness of the other instances' resyncs.
completed() {
  local n=0 node
  for node in "$@"; do n=$((n + $(grep -c 'Resync [0-9a-f-]* COMPLETED in' "$work/$node.log" || true))); done
  echo "$n"
}
placed() {
  curl -s "http://127.0.0.1:${HTTP[$1]}/status" 2>/dev/null \
    | jq '[(.cluster // .instances[0].cluster).instances[]? | select(.node != null)] | length' 2>/dev/null || echo 0
}
catalog() {
  local bp
  for bp in fake-department fake-person fake-office fake-team fake-project; do
    curl -s "$emu/_emulator/entities?blueprint=$bp" \
      | jq -r --arg bp "$bp" '"  \($bp): \(.count) entities; by datasource: " + ([.entities | group_by(."$datasource")[]
          | "\(.[0]."$datasource" | sub("^port-ocean/"; ""))=\(length)"] | join(", "))'
  done
}
requests() {
  curl -s "$emu/_emulator/request-log?since=${1:-0}" | jq -r '.requests | map(select(.method != "GET"))
    | group_by([.node, .method, .route])[] | "  node=\(.[0].node // "-") \(.[0].method) \(.[0].route): \(length) requests (statuses \(map(.status) | unique | map(tostring) | join(",")))"'
}
tails() { local n; for n in "$@"; do echo "--- $n"; tail -30 "$work/$n.log"; done >&2; }
print_status() {
  local node
  for node in "$@"; do
    say "curl -s localhost:${HTTP[$node]}/status | jq -c '.cluster // .instances[0].cluster'        # $node"
    curl -s "http://127.0.0.1:${HTTP[$node]}/status" | jq -c '.cluster // .instances[0].cluster'
  done
}
last_seq() { curl -s "$emu/_emulator/request-log" | jq '[.requests[].seq] | max // 0'; }

all=(node-1 node-2 node-3)
started=$SECONDS
await 400 "[ \"\$(completed ${all[*]})\" -ge ${#INSTANCES[@]} ] && [ \"\$(placed node-1)\" = ${#INSTANCES[@]} ]" \
  "${#INSTANCES[@]} first resyncs completed" \
  || { tails "${all[@]}"; exit 1; }
echo
echo "every instance's first resync completed ($((SECONDS - started)) s after the nodes started)"
# owners <node>: each instance's owner as that node's /status says ("null" for none), one line.
owners() {
  curl -s "http://127.0.0.1:${HTTP[$1]}/status" 2>/dev/null \
    | jq -c '(.cluster // .instances[0].cluster).instances | map_values(.node)' 2>/dev/null || echo '{}'
}
# settled <node…>: every node's /status names the same owner for every instance, and each node owns its share
# (the counts per node differ by at most one).
settled() {
  local first node
  first=$(owners "$1")
  for node in "$@"; do [ "$(owners "$node")" = "$first" ] || return 1; done
  jq -e --argjson n "$#" '[.[]] as $o | ($o | all(. != null)) and ($o | length) > 0
    and ([$o | group_by(.)[] | length] as $c | ($c | length) == $n and (($c | max) - ($c | min)) <= 1)' \
    <<<"$first" >/dev/null
}
# The "before" /status once the placement settled (instances move one per rebalance round after a join).
SETTLE=${SETTLE:-90}
settle_started=$SECONDS
if await "$SETTLE" "settled ${all[*]}" "the placement to settle"; then
  echo "placement settled: every node's /status agrees, each node owns its share ($((SECONDS - settle_started)) s)"
else
  echo "placement NOT settled after $SETTLE s (the nodes' /status disagree or a node owns more than its share):"
  for node in "${all[@]}"; do echo "  $node sees $(owners "$node")"; done
fi
print_status "${all[@]}"
say "catalog before (GET /_emulator/entities?blueprint=…)"
catalog
say "writes and deletes so far, per node tag (GET /_emulator/request-log)"
requests 0
mark=$(last_seq)

victim=$(curl -s "http://127.0.0.1:${HTTP[node-1]}/status" | jq -r --arg id "${INSTANCES[0]}" '(.cluster // .instances[0].cluster).instances[$id].node')
victim=${victim##*node-}
victim=node-${victim%%[^0-9]*}
[ -n "${PID[$victim]:-}" ] || { echo "cannot tell which node runs ${INSTANCES[0]}" >&2; exit 1; }
moved=$(curl -s "http://127.0.0.1:${HTTP[node-1]}/status" | jq -r --arg v "$victim" \
  '[(.cluster // .instances[0].cluster).instances | to_entries[] | select(.value.node | tostring | test($v + "\\b")) | .key] | join(" ")')
say "kill -9 ${PID[$victim]}        # $victim, running ${INSTANCES[0]} (and: $moved)"
kill -9 "${PID[$victim]}"
wait "${PID[$victim]}" 2>/dev/null || true
killed_at=$SECONDS
survivors=()
for n in "${all[@]}"; do [ "$n" = "$victim" ] || survivors+=("$n"); done
want=$(( $(completed "${survivors[@]}") + $(wc -w <<<"$moved") ))
await 400 "[ \"\$(completed ${survivors[*]})\" -ge $want ]" \
  "a new completed resync of each of the killed node's instances on the survivors" \
  || { tails "${survivors[@]}"; exit 1; }
echo
echo "the killed node's instances ($moved) resynced again on the survivors ($((SECONDS - killed_at)) s after the kill)"
print_status "${survivors[@]}"
say "catalog after"
catalog
say "writes and deletes since the kill, per node tag"
requests "$mark"
