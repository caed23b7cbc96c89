# Shared by the resync benchmarks that run the runtime JAR against a fake 3rd-party API process and the Port
# emulator process (integrations/custom-fakeapi/bench.sh, integrations/pagerduty-fakeapi/bench.sh); sourced, not run.
# The sourcing script sets: work (a scratch folder), jvm (the runtime's JVM options), run (the run's number),
# port_pid and api_pid (the emulator's and the fake API's processes), and env (the runtime's environment).

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
    java "${jvm[@]}" -jar runtime/target/oceanj-runtime.jar >"$work/run-$run.log" 2>&1 \
    || { echo "run $run ($label) failed:" >&2; tail -20 "$work/run-$run.log" >&2; exit 1; }
  local line
  line=$(grep -m1 -E '^Resync .*entities/s' "$work/run-$run.log" || true)
  [ -n "$line" ] || { echo "run $run: no summary line" >&2; tail -20 "$work/run-$run.log" >&2; exit 1; }
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
