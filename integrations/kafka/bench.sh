#!/usr/bin/env bash
# The kafka integration's benchmark: a first resync into an empty Port, then a no-change resync, each a ONCE run of
# the runtime JAR in a process of its own, against the Port emulator JAR in another process and a single-node KRaft
# broker (LocalKafka) in a third. The same harness runs the fake integration, so CPU per entity compares like with like.
#
#   integrations/kafka/bench.sh kafka [topics] [partitions] [groups] [JVM options…]   (defaults 1000 1 200)
#   integrations/kafka/bench.sh fake  [entityAmount] [JVM options…]                   (default 400: 2,065 entities)
#
# Prints, per resync: entities written or checked, the resync's own seconds and entities/s (from its summary line),
# and the runtime process's CPU seconds, CPU ms per entity and peak RSS (GNU time), start-up included.
# BENCH_LOGS=<dir> keeps each run's log there.
set -euo pipefail
cd "$(dirname "$0")/../.."
integration=${1:-kafka}
shift || true
if [ "$integration" = kafka ]; then
  topics=${1:-1000}; partitions=${2:-1}; groups=${3:-200}
  shift $(( $# > 3 ? 3 : $# )) || true
else
  amount=${1:-400}
  shift $(( $# > 1 ? 1 : $# )) || true
fi
jvm=("$@")
[ ${#jvm[@]} -eq 0 ] && jvm=(-Xmx256m)

mvn -B -q -pl runtime,integrations/kafka -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

port=$(free_port)
java -Xmx2g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar port-emulator/target/oceanj-port-emulator.jar \
  --port "$port" --client-id bench --client-secret bench >/dev/null 2>&1 &
pids+=($!)
env_common=(OCEAN__PORT__BASE_URL="http://127.0.0.1:$port" OCEAN__PORT__CLIENT_ID=bench OCEAN__PORT__CLIENT_SECRET=bench
  OCEAN__EVENT_LISTENER__TYPE=ONCE OCEAN__DATA_DIR="$work/data" OCEAN__INTEGRATION__IDENTIFIER="bench-$integration")
if [ "$integration" = kafka ]; then
  cp="integrations/kafka/target/test-classes:integrations/kafka/target/classes:$(cat integrations/kafka/target/bench.cp)"
  java -Xmx1g -cp "$cp" dev.oceanj.integrations.kafka.LocalKafka "$topics" "$partitions" "$groups" \
    >"$work/kafka.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 1800); do grep -q '^bootstrap=' "$work/kafka.log" && break; sleep 0.5; done
  bootstrap=$(sed -n 's/^bootstrap=//p' "$work/kafka.log")
  [ -n "$bootstrap" ] || { echo "the broker did not start:"; tail -20 "$work/kafka.log"; exit 2; } >&2
  run_env=("${env_common[@]}" OCEAN__INTEGRATION__TYPE=kafka
    OCEAN__INTEGRATION__CONFIG__CLUSTER_CONF_MAPPING="{\"bench\": {\"bootstrap.servers\": \"$bootstrap\"}}")
  echo "kafka: $topics topics × $partitions partitions, $groups consumer groups, JVM ${jvm[*]}"
else
  run_env=("${env_common[@]}" OCEAN__INTEGRATION__TYPE=fake OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT="$amount")
  echo "fake: entityAmount $amount, JVM ${jvm[*]}"
fi

for run in first no-change; do
  env "${run_env[@]}" /usr/bin/time -f '%U %S %M' -o "$work/time" \
    java "${jvm[@]}" -jar runtime/target/oceanj-runtime.jar >"$work/run.log" 2>&1 || { tail -30 "$work/run.log"; exit 1; }
  [ -n "${BENCH_LOGS:-}" ] && cp "$work/run.log" "$BENCH_LOGS/$integration-$run.log"
  line=$(grep -E 'COMPLETED in [0-9]+ ms: ' "$work/run.log" | tail -1)
  ms=$(sed -E 's/.*COMPLETED in ([0-9]+) ms.*/\1/' <<<"$line")
  upserted=$(sed -E 's/.*: ([0-9]+) upserted.*/\1/' <<<"$line")
  unchanged=$(sed -E 's/.* ([0-9]+) unchanged.*/\1/' <<<"$line")
  read -r user sys rss <"$work/time"
  python3 - "$run" "$upserted" "$unchanged" "$ms" "$user" "$sys" "$rss" <<'PY'
import sys
run, up, same, ms, user, sys_, rss = sys.argv[1:]
n = int(up) + int(same); s = int(ms) / 1000; cpu = float(user) + float(sys_)
print(f"{run:9} {n:>8,} entities ({int(up):,} upserted) in {s:.2f} s = {n / s:,.0f}/s; "
      f"process CPU {cpu:.2f} s = {1000 * cpu / n:.3f} ms/entity; peak RSS {int(rss) / 1024:.0f} MiB")
PY
done
