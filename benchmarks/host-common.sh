# Shared by the host-mode benchmarks (source it after `cd` to the repository root): the README's footprint flags,
# the JAR build (skipped with SKIP_BUILD=1), a work folder removed at exit with every process in "pids" (KEEP_WORK=1
# keeps the folder), a free loopback port, and a bounded wait.
# shellcheck shell=bash
FLAGS=(-Xmx256m -Xms96m -Xmn48m -XX:SurvivorRatio=3 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -o -q -pl runtime,port-emulator -am -DskipTests package >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until "$2" (a shell condition) holds, at most $1 seconds; fails naming "$3".
await() {
  local deadline=$((SECONDS + $1))
  until eval "$2"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "timed out after $1 s waiting for $3" >&2
      return 1
    fi
    sleep 0.5
  done
}

# Waits (up to 180 s) until the runtime at "$1" lists "$2" instances running; else prints the end of log "$3" and exits.
await_running() {
  await 180 "[ \"\$(curl -s $1/status | jq '[.instances[]? | select(.state == \"running\")] | length')\" = $2 ]" \
    "$2 instances running" || { tail -20 "$3" >&2; exit 1; }
}
