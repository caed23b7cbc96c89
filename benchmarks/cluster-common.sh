# Sourced by cluster-session.sh and cluster-bench.sh (from the checkout's root): checks the JARs, makes $work, kills
# every process in $pids on exit (KEEP_LOGS=<dir> keeps $work/*.log), and the helpers free_port and await.
for jar in runtime/target/oceanj-runtime.jar port-emulator/target/oceanj-port-emulator.jar; do
  [ -f "$jar" ] || { echo "$jar is missing: mvn -B -pl runtime,port-emulator -am -DskipTests package" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS" && cp "$work"/*.log "$KEEP_LOGS"/; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 130" INT TERM

# free_port: a loopback port free now and not handed out before by this script (the kernel may repeat one).
free_port() {
  local port
  while :; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    grep -qx "$port" "$work/ports" 2>/dev/null || break
  done
  echo "$port" >>"$work/ports"
  echo "$port"
}
# await <seconds> <shell condition> <what>: until the condition holds; fails naming what it waited for.
await() {
  local deadline=$((SECONDS + $1))
  until eval "$2"; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out after $1 s waiting for $3" >&2; return 1; fi
    sleep 1
  done
}
