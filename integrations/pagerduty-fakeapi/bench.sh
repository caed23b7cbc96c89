#!/usr/bin/env bash
# The pagerduty integration's resync benchmark (issue 17 §3): one ONCE resync of the runtime JAR with
# OCEAN__INTEGRATION__TYPE=pagerduty and its shipped mapping (services with analytics, incidents in two resources,
# schedules, oncalls, escalation policies, users) against the fake PagerDuty (its own process), into an empty Port
# emulator (its own process); then the same with the fake integration, for CPU per entity side by side on this
# machine.
#
#   integrations/pagerduty-fakeapi/bench.sh [incidents] [runtime JVM options…]
#   integrations/pagerduty-fakeapi/bench.sh 30000          # the figure in BENCHMARKS.md, with the footprint options
#
# CPU per entity is marginal: (CPU of a run against a fake PagerDuty with `incidents` − CPU of a run against one with
# 30) ÷ (the difference in entities), so the JVM's start-up, Port set-up and the compiler's first work cancel out. The
# fake PagerDuty's sizes are fixed at start, so two fakes run side by side, a small and a big one. Each run is a new
# runtime process with a fresh data-dir (no digest store) against an emptied emulator; its CPU (user + sys) and peak
# RSS come from /usr/bin/time, the rate from the runtime's own summary line. ONLY=pagerduty or ONLY=fake runs one
# side; SKIP_BUILD=1 skips the build; WARM_PORT=0 skips warming the emulator. The fake integration's big run makes
# FAKE_ENTITIES entities (default 100,000, at least as many as the pagerduty run: its run is then long enough for a
# second of the shared machine's noise not to move its figure). The machine is shared.
# RUNTIME_JAR=<path> runs another build of the runtime JAR (e.g. the main branch's, for a before/after).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../resync-bench.sh
. integrations/resync-bench.sh
items=${1:-30000}
small_items=30
shift $(( $# > 1 ? 1 : $# )) || true
jvm=("$@")
[ ${#jvm[@]} -eq 0 ] && jvm=("${footprint[@]}")

setup integrations/pagerduty-fakeapi
small_port=$(free_port)
big_port=$(free_port)

# Both stand-ins take as little of the shared CPU as they can: C1 only, the serial collector (as actors/bench.sh).
# No rate limit and no request log in the fakes: the runtime is measured, not PagerDuty's budget.
stand_in=(-Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
[ "$items" -gt 60000 ] && stand_in=(-Xmx3g)
fake_pd=(--rate-limit 100000000 --analytics-daily-limit 100000000 --request-log-size 0)
java "${stand_in[@]}" -jar integrations/pagerduty-fakeapi/target/oceanj-pagerduty-fakeapi.jar --port "$small_port" \
  --incidents "$small_items" "${fake_pd[@]}" >"$work/fake-small.log" 2>&1 &
small_pid=$!
pids+=("$small_pid")
java "${stand_in[@]}" -jar integrations/pagerduty-fakeapi/target/oceanj-pagerduty-fakeapi.jar --port "$big_port" \
  --incidents "$items" "${fake_pd[@]}" >"$work/fake-big.log" 2>&1 &
big_pid=$!
pids+=("$big_pid")
start_emulator "http://127.0.0.1:$small_port/_control/subscriptions" "http://127.0.0.1:$big_port/_control/subscriptions"

# resync <integration> <amount>: one ONCE run; prints "entities seconds rate cpu rss port_cpu api_cpu" on fd 3.
resync() {
  local type=$1 amount=$2
  local env
  runtime_env "$type"
  # The shipped mapping of either integration (no .port folder next to the resources path).
  env+=(OCEAN__RESOURCES_PATH="$work/none")
  local api_pid=$small_pid
  if [ "$type" = pagerduty ]; then
    local api_port=$small_port
    [ "$amount" = "$items" ] && api_port=$big_port && api_pid=$big_pid
    env+=(OCEAN__INTEGRATION__CONFIG__API_URL="http://127.0.0.1:$api_port" OCEAN__INTEGRATION__CONFIG__TOKEN=fake-pd-token)
  else
    env+=(OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT="$amount")
  fi
  measure "$type $amount"
}

if [ "${WARM_PORT:-1}" = 1 ]; then
  # Port is a warm service: one unmeasured 20,065-entity fake resync warms the emulator's code first.
  resync fake 4000 3>/dev/null
fi
echo "incidents $items (small: $small_items), runtime JVM: ${jvm[*]}"
header
fake_entities=${FAKE_ENTITIES:-$(( items > 100000 ? items : 100000 ))}
compare pagerduty "$small_items" "$items" $(( fake_entities / 5 ))
