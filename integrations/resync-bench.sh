# Shared by the resync benchmarks that run the runtime JAR against a fake 3rd-party API process and the Port
# emulator process (integrations/custom-fakeapi/bench.sh, integrations/pagerduty-fakeapi/bench.sh); sourced, not run.
# The sourcing script sets jvm (the runtime's JVM options), stand_in (the stand-ins' JVM options), api_pid (the fake
# API's process) and pids (adding the fake API's); the functions below set work, port_port, port_pid, run
# and env.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# setup <fake API module>: builds the JARs (unless SKIP_BUILD=1), makes $work, picks $port_port, and kills the
# processes in $pids and removes $work on exit.
setup() {
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    mvn -B -o -q -pl "runtime,port-emulator,$1" -am -DskipTests package >/dev/null
  fi
  work=$(mktemp -d)
  port_port=$(free_port)
  pids=()
  trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
}

# start_emulator <url>…: starts the Port emulator (with $stand_in) and waits until it and every url answer.
start_emulator() {
  # shellcheck disable=SC2086
  java ${EMULATOR_JVM:-${stand_in[*]}} -jar port-emulator/target/oceanj-port-emulator.jar --port "$port_port" \
    >"$work/emulator.log" 2>&1 &
  port_pid=$!
  pids+=("$port_pid")
  local url
  for url in "$@" "http://127.0.0.1:$port_port/_emulator/counters"; do
    for _ in $(seq 1 600); do curl -s -o /dev/null "$url" && break; sleep 0.2; done
    curl -s -o /dev/null "$url" || { echo "nothing answers at $url" >&2; exit 2; }
  done
}

# runtime_env <integration>: the next run's folder ($run) and the runtime's environment common to every run in
# "env" (an array the caller declares), the emulator emptied.
runtime_env() {
  # A new folder per run (resync runs in a subshell, so no counter would survive it): a fresh data-dir, no digests.
  run=$(mktemp -d "$work/run-XXXXXX")
  curl -s -X POST "http://127.0.0.1:$port_port/_emulator/reset" >/dev/null
  env=(OCEAN__INTEGRATION__TYPE="$1" OCEAN__INTEGRATION__IDENTIFIER="bench-$1"
    OCEAN__EVENT_LISTENER__TYPE=ONCE OCEAN__PORT__BASE_URL="http://127.0.0.1:$port_port"
    OCEAN__PORT__CLIENT_ID=emulator-client-id OCEAN__PORT__CLIENT_SECRET=emulator-client-secret
    OCEAN__DATA_DIR="$run/data" OCEAN__PORT__RATE_LIMIT__ENABLED=false)
}

# The runtime's JVM options unless given: the README's footprint options.
footprint=(-Xmx256m -Xms96m -Xmn48m -XX:SurvivorRatio=3 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k)

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # clock ticks, user + sys
ticks=$(getconf CLK_TCK)

# measure <label>: runs the runtime JAR once with "${env[@]}"; prints "entities seconds rate cpu rss port_cpu api_cpu
# wall" on fd 3.
measure() {
  local label=$1
  local port_before api_before
  port_before=$(cpu_of "$port_pid")
  api_before=$(cpu_of "$api_pid")
  env "${env[@]}" /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
    java "${jvm[@]}" -jar "${RUNTIME_JAR:-runtime/target/oceanj-runtime.jar}" >"$run/runtime.log" 2>&1 \
    || { echo "run ($label) failed:" >&2; tail -20 "$run/runtime.log" >&2; exit 1; }
  local line
  line=$(grep -m1 -E '^Resync .*entities/s' "$run/runtime.log" || true)
  [ -n "$line" ] || { echo "run ($label): no summary line" >&2; tail -20 "$run/runtime.log" >&2; exit 1; }
  echo "  $label: $line" >&2
  python3 - "$line" "$(cat "$work/time")" "$(( $(cpu_of "$port_pid") - port_before ))" \
    "$(( $(cpu_of "$api_pid") - api_before ))" "$ticks" >&3 <<'PY'
import re, sys
line, timing, port_ticks, api_ticks, hz = sys.argv[1], sys.argv[2].split(), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
m = re.search(r'in ([\d.,]+) s, ([\d,]+) entities, ([\d,]+) entities/s', line)
seconds, entities, rate = (float(m.group(1).replace(',', '')), int(m.group(2).replace(',', '')), int(m.group(3).replace(',', '')))
print(entities, seconds, rate, float(timing[1]) + float(timing[2]), int(timing[3]) // 1024, port_ticks / hz, api_ticks / hz, float(timing[0]))
PY
}

header() {
  printf '%-9s %10s %8s %12s %9s %10s %13s %9s %9s\n' integration entities "resync s" "entities/s" "proc CPU" "peak RSS" \
    "CPU/entity" "Port CPU" "API CPU"
}

# report <name> <small run> <big run>: the table's row, and CPU per entity (ms) appended to $work/per-entity.
report() {
  local name=$1 small=$2 big=$3
  # shellcheck disable=SC2086
  set -- $small; local e0=$1 c0=$4
  # shellcheck disable=SC2086
  set -- $big
  python3 -c '
import sys
name, e1, s1, r1, c1, rss, pc, ac, e0, c0 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9]), float(sys.argv[10])
per = (c1 - c0) / (e1 - e0) * 1000
print(f"{name:<9} {e1:>10,} {s1:>8.2f} {r1:>12,} {c1:>8.2f}s {rss:>7} MiB {per:>10.4f} ms {pc:>8.2f}s {ac:>8.2f}s")
print(per, file=sys.stderr)
' "$name" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$e0" "$c0" 2>>"$work/per-entity"
}

# compare <integration> <small amount> <big amount> <fake's big amount>: both sides (ONLY=<integration> or ONLY=fake
# for one) with "resync <integration> <amount>" of the sourcing script, the rows and the ratio of CPU per entity.
compare() {
  local name=$1 small big
  if [ "${ONLY:-both}" != fake ]; then
    small=$(resync "$name" "$2" 3>&1)
    big=$(resync "$name" "$3" 3>&1)
    report "$name" "$small" "$big"
  fi
  if [ "${ONLY:-both}" != "$name" ]; then
    small=$(resync fake 20 3>&1)
    big=$(resync fake "$4" 3>&1)
    report fake "$small" "$big"
  fi
  if [ "${ONLY:-both}" = both ]; then
    python3 -c '
import sys
c, f = [float(x) for x in open(sys.argv[1]).read().split()]
print(f"{sys.argv[2]} CPU per entity / fake CPU per entity = {c / f:.2f}")' "$work/per-entity" "$name"
  fi
}

# marginal_compare <integration> <start-up> <N> <3N> <fake's start-up> <fake's N> <fake's 3N>: each side (ONLY= as
# compare) at three sizes; the rows of N and 3N against start-up, and CPU per entity between N and 3N (the
# difference of two long runs, free of start-up and of the compiler's warm-up) with the ratio of the two sides.
marginal_compare() {
  local name=$1 s m b
  : >"$work/marginal"
  : >"$work/per-entity"
  if [ "${ONLY:-both}" != fake ]; then
    s=$(resync "$name" "$2" 3>&1)
    m=$(resync "$name" "$3" 3>&1)
    b=$(resync "$name" "$4" 3>&1)
    report "$name" "$s" "$m"
    report "$name" "$s" "$b"
    marginal "$name" "$m" "$b"
  fi
  if [ "${ONLY:-both}" != "$name" ]; then
    s=$(resync fake "$5" 3>&1)
    m=$(resync fake "$6" 3>&1)
    b=$(resync fake "$7" 3>&1)
    report fake "$s" "$m"
    report fake "$s" "$b"
    marginal fake "$m" "$b"
  fi
  if [ "${ONLY:-both}" = both ]; then
    python3 -c '
import sys
(n, c), (_, f) = [l.split() for l in open(sys.argv[1]).read().splitlines()]
per = [float(x) for x in open(sys.argv[2]).read().split()]
print(f"{n} CPU per entity / fake CPU per entity, N -> 3N: {float(c) / float(f):.2f}"
      f"   (3N against start-up: {per[1] / per[3]:.2f}; N against start-up: {per[0] / per[2]:.2f})")' \
      "$work/marginal" "$work/per-entity"
  fi
}

# marginal <name> <run of N> <run of 3N>: CPU per entity between the two runs; appended to $work/marginal.
marginal() {
  local name=$1 mid=$2 big=$3
  python3 -c '
import sys
name = sys.argv[1]
m, b = sys.argv[2].split(), sys.argv[3].split()
per = (float(b[3]) - float(m[3])) / (int(b[0]) - int(m[0])) * 1000
print(f"{name:<9} {int(m[0]):>,} -> {int(b[0]):,} entities: {float(m[3]):.2f}s -> {float(b[3]):.2f}s of CPU, {per:.4f} ms per entity")
print(name, per, file=open(sys.argv[4], "a"))' "$name" "$mid" "$big" "$work/marginal"
}
