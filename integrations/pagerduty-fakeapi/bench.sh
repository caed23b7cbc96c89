#!/usr/bin/env bash
# The pagerduty integration's resync benchmark (issue 17 §3): one ONCE resync of the runtime JAR with
# OCEAN__INTEGRATION__TYPE=pagerduty and its shipped mapping (services with analytics, incidents in two resources,
# schedules, oncalls, escalation policies, users) against the fake PagerDuty (its own process), into an empty Port
# emulator (its own process); then the same with the fake integration, for CPU per entity side by side on this
# machine.
#
#   integrations/pagerduty-fakeapi/bench.sh [incidents] [runtime JVM options…]
#   integrations/pagerduty-fakeapi/bench.sh                # N = 90,000: the figures in BENCHMARKS.md (footprint options)
#   integrations/pagerduty-fakeapi/bench.sh 30000          # a shorter run; its N -> 3N window is noisier
#
# Each side runs at three sizes: start-up (30 incidents; 20 fake departments' worth), N and 3N entities (N =
# `incidents`, 90,000 by default; the fake integration makes the same numbers of entities). The headline CPU per
# entity is N -> 3N: (CPU of the 3N run − CPU of the N run) ÷ (the difference in entities), so the JVM's start-up,
# Port's set-up and the compiler's warm-up (larger for the side with more code on its hot path: an HTTP client, a
# parser, jq) cancel out and only what each further entity costs is left. The rows against start-up (N and 3N
# each minus the start-up run, the figure of earlier runs) are printed too. One fake PagerDuty per size (its size is
# fixed at start). Each run is a new runtime process with a fresh data-dir (no digest store) against an emptied
# emulator; its CPU (user + sys) and peak RSS come from /usr/bin/time, the rate from the runtime's own summary line.
# ONLY=pagerduty or ONLY=fake runs one side; SKIP_BUILD=1 skips the build; WARM_PORT=0 skips warming the emulator.
# RUNTIME_JAR=<path> runs another build of the runtime JAR (e.g. the main branch's, for a before/after). The machine
# is shared: compare figures of one script run.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../resync-bench.sh
. integrations/resync-bench.sh
items=${1:-90000}
small_items=30
big_items=$(( 3 * items ))
shift $(( $# > 1 ? 1 : $# )) || true
jvm=("$@")
[ ${#jvm[@]} -eq 0 ] && jvm=("${footprint[@]}")

setup integrations/pagerduty-fakeapi
# One fake PagerDuty per size (their sizes are fixed at start): start-up (30 incidents), N and 3N.
declare -A api_port api_pids
for n in "$small_items" "$items" "$big_items"; do
  api_port[$n]=$(free_port)
done

# Both stand-ins take as little of the shared CPU as they can: C1 only, the serial collector (as actors/bench.sh).
# No rate limit and no request log in the fakes: the runtime is measured, not PagerDuty's budget.
fake_pd=(--rate-limit 100000000 --analytics-daily-limit 100000000 --request-log-size 0)
for n in "$small_items" "$items" "$big_items"; do
  stand_in=(-Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
  [ "$n" -gt 60000 ] && stand_in=(-Xmx3g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
  java "${stand_in[@]}" -jar integrations/pagerduty-fakeapi/target/oceanj-pagerduty-fakeapi.jar \
    --port "${api_port[$n]}" --incidents "$n" "${fake_pd[@]}" >"$work/fake-$n.log" 2>&1 &
  api_pids[$n]=$!
  pids+=("$!")
done
stand_in=(-Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
start_emulator "http://127.0.0.1:${api_port[$small_items]}/_control/subscriptions" \
  "http://127.0.0.1:${api_port[$items]}/_control/subscriptions" \
  "http://127.0.0.1:${api_port[$big_items]}/_control/subscriptions"

# resync <integration> <amount>: one ONCE run; prints "entities seconds rate cpu rss port_cpu api_cpu" on fd 3.
resync() {
  local type=$1 amount=$2
  local env
  runtime_env "$type"
  # The shipped mapping of either integration (no .port folder next to the resources path).
  env+=(OCEAN__RESOURCES_PATH="$work/none")
  local api_pid=${api_pids[$small_items]}
  if [ "$type" = pagerduty ]; then
    api_pid=${api_pids[$amount]}
    env+=(OCEAN__INTEGRATION__CONFIG__API_URL="http://127.0.0.1:${api_port[$amount]}"
      OCEAN__INTEGRATION__CONFIG__TOKEN=fake-pd-token)
  else
    env+=(OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT="$amount")
  fi
  measure "$type $amount"
}

if [ "${WARM_PORT:-1}" = 1 ]; then
  # Port is a warm service: one unmeasured 20,065-entity fake resync warms the emulator's code first.
  resync fake 4000 3>/dev/null
fi
echo "incidents $small_items, $items and $big_items; runtime JVM: ${jvm[*]}"
header
# Each side at start-up size, N and 3N entities (the fake integration makes 5 persons per ENTITY_AMOUNT, plus 65).
# CPU per entity N -> 3N is the headline: the difference of two long runs, so neither start-up nor the compiler's
# warm-up (larger for the side with more code on its hot path) is spread over the entities.
marginal_compare pagerduty "$small_items" "$items" "$big_items" 20 $(( items / 5 )) $(( big_items / 5 ))
