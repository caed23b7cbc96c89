#!/usr/bin/env bash
# Host mode's isolation: do K healthy instances finish their resyncs within 1.5x their time alone when a throwing, a
# hanging and a failing instance run beside them? The runtime JAR (the README's footprint flags) hosts fake
# integration instances from an instances folder (WEBHOOK mode: a resync runs when asked) against the Port emulator
# JAR on loopback (a fresh one per run), three times:
#   alone: the K healthy instances (fake-01 .. fake-K, ENTITIES persons per department, so a resync takes seconds);
#   with neighbours: the same K plus bad-start (its start hook throws: failed, started again with backoff),
#     bad-hang (its 3rd party never answers its persons: the resync fails on ocean.host.page-timeout, the instance
#     is failed and started again, ocean.host.restart-on-hang) and bad-fail (its 3rd party answers HTTP 500 after
#     100 persons: the kind restarts with backoff until it gives up). Their resyncs are asked first, then the K
#     healthy ones; the hanging one is asked again each time it was started again, so it keeps failing.
# The alone run is made before and after the one with neighbours; the faster counts. Each healthy resync is timed
# from its POST /<id>/resync?wait=true to the answer (the wait at the resync gate included); all K are asked
# together, 0.3 s apart in the same order in every run (the same place in line at the resync gate). /health/live is
# probed every 100 ms throughout.
#
#   benchmarks/host-isolation.sh [K] [entities]      defaults: 4 4000
#
# Prints each healthy instance's time alone and with neighbours, the worst ratio (target <= 1.5), the bad instances'
# state and starts, whether /health/live ever failed, and the DELETE requests each run's emulator received (none
# expected). MAX_CONCURRENT sets ocean.host.max-concurrent-resyncs (default 2), PAGE_TIMEOUT ocean.host.page-timeout
# (default 10 s), GATE_RELEASE ocean.host.gate-release-after (default 1 s; 1 h keeps a resync's place until it ends,
# as before that setting), PORT_RATE_LIMIT the runtime's org write budget (default false, see below), EMULATOR_OPTS the
# emulator's JVM flags. Builds the runtime and emulator JARs first (nothing installed); SKIP_BUILD=1 skips that,
# KEEP_WORK=1 keeps the logs. Needs curl and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
K=${1:-4}
ENTITIES=${2:-4000}
MAX_CONCURRENT=${MAX_CONCURRENT:-2}
PAGE_TIMEOUT=${PAGE_TIMEOUT:-10 s}
GATE_RELEASE=${GATE_RELEASE:-1 s}
# The emulator keeps every entity in memory (K x 20,000 persons with 1 KB bios): with 512 MB its collector made the
# last resyncs of a run several times slower than the first, whatever the runtime did (its GC log is kept in the work
# folder).
EMULATOR_OPTS=${EMULATOR_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m}
# The runtime's org-wide write budget (ocean.port.rate-limit: 35,000 requests per 5 min, a burst of 3,500) binds
# after about 3.5 resyncs of 20,000 entities: the instance that meets it first then writes at 116 requests/s (about
# 10 s instead of 2-3), and which one that is depends on what the others, and the neighbours, wrote before. That is
# the budget being shared (fairly between instances: README, "Port's write budget"), not isolation, so it is off unless
# PORT_RATE_LIMIT=true (the emulator enforces no limit either way).
PORT_RATE_LIMIT=${PORT_RATE_LIMIT:-false}
# shellcheck source=host-common.sh
. benchmarks/host-common.sh

# start_emulator <name>: a fresh Port emulator (each run starts from an empty catalog), its request log on.
start_emulator() {
  local emulator_port
  emulator_port=$(free_port)
  # shellcheck disable=SC2086 # EMULATOR_OPTS is a list of flags
  java $EMULATOR_OPTS -Xlog:gc:file="$work/emulator-gc-$1.log" -jar port-emulator/target/oceanj-port-emulator.jar \
    --port "$emulator_port" >"$work/emulator-$1.log" 2>&1 &
  emulator_pid=$!
  pids+=("$emulator_pid")
  emulator="http://127.0.0.1:$emulator_port"
  await 60 "curl -s -o /dev/null $emulator/v1/blueprints" "the Port emulator"
  curl -s -o /dev/null -X POST "$emulator/_emulator/request-log" -H 'content-type: application/json' \
    -d '{"enabled":true,"bodies":false}'
}

healthy=()
for i in $(seq 1 "$K"); do
  healthy+=("$(printf 'fake-%02d' "$i")")
done

# run <name> <with neighbours: 0|1>: starts the runtime, resyncs the healthy instances at once (the bad ones first),
# writes each healthy one's seconds to $work/<name>.times, and stops the runtime.
run() {
  local name=$1 bad=$2 dir="$work/instances-$1" port n=$K
  mkdir -p "$dir"
  start_emulator "$name"
  for id in "${healthy[@]}"; do
    printf 'OCEAN__INTEGRATION__TYPE=fake\nOCEAN__EVENT_LISTENER__TYPE=WEBHOOK\nOCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=%s\n' \
      "$ENTITIES" >"$dir/$id.env"
  done
  if [ "$bad" = 1 ]; then
    local base_env='OCEAN__INTEGRATION__TYPE=fake\nOCEAN__EVENT_LISTENER__TYPE=WEBHOOK\n'
    printf "${base_env}OCEAN__INTEGRATION__CONFIG__FAIL_ON_START=true\n" >"$dir/bad-start.env"
    printf "${base_env}OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=%s\nOCEAN__INTEGRATION__CONFIG__HANG_KIND=fake-person\n" \
      "$ENTITIES" >"$dir/bad-hang.env"
    printf "${base_env}OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=%s\n" "$ENTITIES" >"$dir/bad-fail.env"
    echo 'OCEAN__INTEGRATION__CONFIG__FAIL_KIND_AFTER={"kind":"fake-person","items":100}' >>"$dir/bad-fail.env"
    n=$((K + 2)) # bad-start never runs
  fi
  port=$(free_port)
  env OCEAN__INSTANCES_DIR="$dir" OCEAN__DATA_DIR="$work/data-$name" APPLICATION__PORT="$port" \
    OCEAN__BASE_URL="http://127.0.0.1:$port" \
    OCEAN__PORT__BASE_URL="$emulator" OCEAN__PORT__CLIENT_ID=emulator-client-id \
    OCEAN__PORT__CLIENT_SECRET=emulator-client-secret OCEAN__HOST__MAX_CONCURRENT_RESYNCS="$MAX_CONCURRENT" \
    OCEAN__HOST__PAGE_TIMEOUT="$PAGE_TIMEOUT" OCEAN__HOST__GATE_RELEASE_AFTER="$GATE_RELEASE" \
    OCEAN__PORT__RATE_LIMIT__ENABLED="$PORT_RATE_LIMIT" \
    OCEAN__HOST__RESTART_MIN_BACKOFF="1 s" \
    OCEAN__HOST__RESTART_MAX_BACKOFF="4 s" OCEAN__TIMEOUTS__RESYNC_WAIT="10 m" \
    java "${FLAGS[@]}" -jar runtime/target/oceanj-runtime.jar >"$work/runtime-$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local base="http://127.0.0.1:$port"
  await_running "$base" "$n" "$work/runtime-$name.log"

  # /health/live every 100 ms until this run ends.
  (while :; do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$base/health/live" || echo 000)
    echo "$code" >>"$work/live-$name"
    sleep 0.1
  done) &
  local prober=$!

  local hanger=
  if [ "$bad" = 1 ]; then
    curl -s -o /dev/null -X POST "$base/bad-fail/resync"
    curl -s -o /dev/null -X POST "$base/bad-hang/resync"
    # Asks the hanging instance again whenever it was started again (WEBHOOK: a restarted instance waits to be asked).
    (while :; do
      curl -s -o /dev/null -X POST "$base/bad-hang/resync" || true
      sleep 1
    done) &
    hanger=$!
    sleep 1
  fi
  local waits=()
  for id in "${healthy[@]}"; do
    curl -s -o "$work/$name-$id.json" -w '%{time_total}\n' -X POST "$base/$id/resync?wait=true" \
      >"$work/$name-$id.time" &
    waits+=($!)
    sleep 0.3 # the same order at the gate in both runs
  done
  for w in "${waits[@]}"; do
    wait "$w"
  done
  [ -n "$hanger" ] && { kill "$hanger"; wait "$hanger" 2>/dev/null || true; }
  : >"$work/$name.times"
  for id in "${healthy[@]}"; do
    local outcome
    outcome=$(jq -r '.outcome // .status // "?"' "$work/$name-$id.json" 2>/dev/null || echo "?")
    echo "$id $(cat "$work/$name-$id.time") $outcome" >>"$work/$name.times"
  done
  if [ "$bad" = 1 ]; then
    curl -s "$base/status" | jq -r '.instances[] | select(.identifier | startswith("bad-"))
      | "  \(.identifier): \(.state) failures-in-a-row=\(.failedStarts // 0) error=\(.error // .last.errors[0]? // "")"' \
      | cut -c1-220 >"$work/bad-status"
    RESTARTS=$(grep -c "Starting integration instance bad-" "$work/runtime-$name.log" || true)
  fi
  kill "$prober"
  wait "$prober" 2>/dev/null || true
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  curl -s "$emulator/_emulator/request-log?since=0" | jq '[.requests[] | select(.method == "DELETE")] | length' \
    >"$work/deletes-$name"
  kill "$emulator_pid"
  wait "$emulator_pid" 2>/dev/null || true
}

# Alone before and after (the machine's load varies): the faster of the two counts, so the ratio errs high.
run alone1 0
run neighbours 1
run alone2 0
join "$work/alone1.times" "$work/alone2.times" | awk '{ print $1, ($2 < $4 ? $2 : $4), $3 }' >"$work/alone.times"

echo "K=$K healthy instances, entityAmount=$ENTITIES, max-concurrent-resyncs=$MAX_CONCURRENT, page-timeout=$PAGE_TIMEOUT," \
  "gate-release-after=$GATE_RELEASE, Port write budget: $PORT_RATE_LIMIT"
printf '%-8s %10s %16s %7s  %s\n' instance "alone (s)" "neighbours (s)" ratio outcome
join "$work/alone.times" "$work/neighbours.times" | awk '{
  r = $4 / $2; if (r > worst) worst = r
  printf "%-8s %10.2f %16.2f %7.2f  %s / %s\n", $1, $2, $4, r, $3, $5
} END { printf "worst ratio: %.2f (target <= 1.5)\n", worst }'
echo "bad neighbours at the end (their instance starts: $RESTARTS):"
cat "$work/bad-status"
for name in alone1 neighbours alone2; do
  total=$(wc -l <"$work/live-$name")
  bad=$(grep -vc '^200$' "$work/live-$name" || true)
  echo "/health/live ($name): $total probes, $bad not 200"
done
echo "DELETE requests the emulator received: alone1 $(cat "$work/deletes-alone1"), neighbours" \
  "$(cat "$work/deletes-neighbours"), alone2 $(cat "$work/deletes-alone2")"
