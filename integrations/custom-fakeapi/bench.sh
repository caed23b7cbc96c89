#!/usr/bin/env bash
# The custom integration's resync benchmark (issue 14 §3): one ONCE resync of the runtime JAR with
# OCEAN__INTEGRATION__TYPE=custom, fetching /items page by page over HTTP from the fake REST API (its own process),
# into an empty Port emulator (its own process); then the same with the fake integration, for CPU per entity side by
# side on this machine.
#
#   integrations/custom-fakeapi/bench.sh [items] [page size] [runtime JVM options…]
#   integrations/custom-fakeapi/bench.sh 100000 1000                 # the issue's figure, with the footprint options
#   ONLY=custom integrations/custom-fakeapi/bench.sh 1000000 1000 -Xmx256m   # the million under -Xmx256m
#
# CPU per entity is marginal: (CPU of a run with `items` − CPU of a run with 100) ÷ (the difference in entities), so
# the JVM's start-up, Port set-up and the compiler's first work cancel out. Each run is a new runtime process with a
# fresh data-dir (no digest store) against an emptied emulator; its CPU (user + sys) and peak RSS come from
# /usr/bin/time, the rate from the runtime's own summary line. ONLY=custom or ONLY=fake runs one side; SKIP_BUILD=1
# skips the build; WARM_PORT=0 skips warming the emulator. The machine is shared: run the big sizes once.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../resync-bench.sh
. integrations/resync-bench.sh
items=${1:-100000}
page=${2:-1000}
shift $(( $# > 2 ? 2 : $# )) || true
jvm=("$@")
[ ${#jvm[@]} -eq 0 ] && jvm=("${footprint[@]}")

setup integrations/custom-fakeapi
api_port=$(free_port)

# Both stand-ins take as little of the shared CPU as they can: C1 only, the serial collector (as actors/bench.sh).
stand_in=(-Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
[ "$items" -gt 200000 ] && stand_in=(-Xmx3g)
java "${stand_in[@]}" -jar integrations/custom-fakeapi/target/oceanj-custom-fakeapi.jar --port "$api_port" \
  --items "$items" --request-log-size 0 >"$work/fake-api.log" 2>&1 &
api_pid=$!
pids+=("$api_pid")
start_emulator "http://127.0.0.1:$api_port/"

# The benchmark's mapping: /items only, every item an entity, as many properties as the fake integration's persons.
mkdir -p "$work/custom/resources"
cp examples/custom/.port/resources/blueprints.json "$work/custom/resources/"
cat >"$work/custom/resources/port-app-config.yml" <<'YAML'
deleteDependentEntities: true
createMissingRelatedEntities: true
resources:
  - kind: /items
    selector:
      query: 'true'
      data_path: .data
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"fakeItem"'
          properties:
            status: .status
            score: .score
            owner: .owner.login
            tags: .tags
            createdAt: .createdAt
YAML

# resync <integration> <amount>: one ONCE run; prints "entities seconds rate cpu rss port_cpu api_cpu" on fd 3.
resync() {
  local type=$1 amount=$2
  local env
  runtime_env "$type"
  if [ "$type" = custom ]; then
    env+=(OCEAN__RESOURCES_PATH="$work/custom/resources"
      OCEAN__INTEGRATION__CONFIG__BASE_URL="http://127.0.0.1:$api_port/offset"
      OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE=offset OCEAN__INTEGRATION__CONFIG__PAGINATION_PARAM=offset
      OCEAN__INTEGRATION__CONFIG__SIZE_PARAM=limit OCEAN__INTEGRATION__CONFIG__PAGE_SIZE="$page")
    curl -s -X POST "http://127.0.0.1:$api_port/_control/items" -d "{\"items\":$amount}" >/dev/null
  else
    env+=(OCEAN__RESOURCES_PATH="$work/none" OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT="$amount")
  fi
  measure "$type $amount"
}

if [ "${WARM_PORT:-1}" = 1 ]; then
  # Port is a warm service: one unmeasured 20,065-entity fake resync warms the emulator's code first.
  resync fake 4000 3>/dev/null
fi
echo "items $items, page size $page, runtime JVM: ${jvm[*]}"
header
compare custom 100 "$items" $(( items / 5 ))
