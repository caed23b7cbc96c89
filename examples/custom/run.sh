#!/usr/bin/env bash
# The custom integration example, offline: starts the fake REST API and the Port emulator, runs one resync of the
# runtime with custom.env, prints what the emulator then holds, and stops both.
#
#   examples/custom/run.sh            # FAKE_API_PORT (8080) and PORT_EMULATOR_PORT (5555) move them
set -euo pipefail
cd "$(dirname "$0")/../.."
api_port=${FAKE_API_PORT:-8080}
port_port=${PORT_EMULATOR_PORT:-5555}

if [ ! -f runtime/target/oceanj-runtime.jar ] || [ ! -f port-emulator/target/oceanj-port-emulator.jar ] \
    || [ ! -f integrations/custom-fakeapi/target/oceanj-custom-fakeapi.jar ]; then
  echo "building the JARs (once)..."
  mvn -B -q -DskipTests package
fi

for p in "$api_port" "$port_port"; do
  if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$p" 2>/dev/null; then
    echo "port $p is taken by another process; set FAKE_API_PORT / PORT_EMULATOR_PORT to free ports" >&2
    exit 2
  fi
done
logs=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
java -jar integrations/custom-fakeapi/target/oceanj-custom-fakeapi.jar --port "$api_port" --items 100 \
  > "$logs/fake-api.log" 2>&1 &
pids+=($!)
java -jar port-emulator/target/oceanj-port-emulator.jar --port "$port_port" > "$logs/port-emulator.log" 2>&1 &
pids+=($!)
for url in "http://127.0.0.1:$api_port/_control/faults" "http://127.0.0.1:$port_port/_emulator/counters"; do
  for _ in $(seq 1 150); do
    curl -s -o /dev/null "$url" && break
    sleep 0.2
  done
  curl -s -o /dev/null "$url" || { echo "nothing answers at $url (logs in $logs)" >&2; exit 2; }
done
kill -0 "${pids[@]}" || { echo "a server stopped (logs in $logs)" >&2; exit 2; }
echo "fake REST API on :$api_port, Port emulator on :$port_port"

set -a
# shellcheck disable=SC1091
. examples/custom/custom.env
set +a
export OCEAN__PORT__BASE_URL="http://127.0.0.1:$port_port"
export OCEAN__INTEGRATION__CONFIG__BASE_URL="http://127.0.0.1:$api_port/bearer/offset"
export OCEAN__DATA_DIR="$logs/data"   # a fresh emulator each run, so a fresh digest store too
java -jar runtime/target/oceanj-runtime.jar

echo
for blueprint in fakeProject fakeIssue fakeItem; do
  curl -s "http://127.0.0.1:$port_port/_emulator/entities?blueprint=$blueprint" | python3 -c '
import json, sys
body = json.load(sys.stdin)
entities = body["entities"]
count = body["count"]
first = {k: entities[0][k] for k in ("identifier", "title", "properties", "relations")} if entities else None
print(f"{sys.argv[1]}: {count} entities, e.g.", json.dumps(first))
' "$blueprint"
done
echo
echo "requests the fake API answered:"
curl -s "http://127.0.0.1:$api_port/_control/requests" | python3 -c '
import collections, json, sys
log = json.load(sys.stdin)["requests"]
for (path, auth, status), n in sorted(collections.Counter((e["resource"], e["auth"], e["status"]) for e in log).items()):
    print(f"  {n:4} x {path} ({auth}, {status})")
'
