#!/usr/bin/env bash
# Builds the container images and checks them with podman, the way Port's chart and CI run them: read-only root
# file system, uid/gid 1001, only /tmp/ocean writable.
#
#   deploy/test-image.sh            install what is missing, build the base if needed, build the images, check them
#
# Checks: the image settings (user, port, HOME, the baked-in type); the embedded default (one resync against the
# in-process emulator) exits 0 and its classes come from the class-data archive; the HTTP server answers
# /health/live and /docs; a ONCE resync of 20,065 entities against the emulator JAR on the host (--network host)
# exits 0 and Port holds every entity. Prints wall time and peak memory of both runs, and the resident memory at rest
# (WEBHOOKS_ONLY; WEBHOOK before and after a resync). Exits 1 when a check fails.
#
# Environment: OCEANJ_IMAGE_CACHE (default ~/.cache/oceanj) keeps the local base between runs;
# OCEANJ_SKIP_BUILD=1 reuses the image tarballs already in deploy/image/target/jib;
# OCEANJ_TEST_COMPOSE=1 also runs deploy/docker-compose.yml with podman-compose (installed if missing) and the
# README's session: POST /resync, /status completed, the emulator holds the 165 entities, no telemetry warning.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${OCEANJ_IMAGE_CACHE:-$HOME/.cache/oceanj}
VERSION=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
PODMAN=(podman --runtime runc --cgroup-manager cgroupfs)
# What these VMs need (cgroup v1, tight rlimits); see the README's "Container images" section.
RUN=("${PODMAN[@]}" run --read-only --user 1001:1001 --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
failures=0
started=$(date +%s)

say() { printf '== %s\n' "$*"; }
ok() { printf 'ok   %s\n' "$*"; }
bad() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }

cleanup() {
  [ -n "${EMULATOR_PID:-}" ] && kill "$EMULATOR_PID" 2>/dev/null || true
  [ -n "${WORK:-}" ] && rm -rf "$WORK"
  "${PODMAN[@]}" rm -f oceanj-test-idle oceanj-test-embedded oceanj-test-once >/dev/null 2>&1 || true
}
compose_down() {
  [ -n "${COMPOSE_UP:-}" ] || return 0
  (cd "$ROOT/deploy" && podman-compose -p oceanj-test-compose --podman-args "${PODMAN[*]:1}" down) >/dev/null 2>&1 || true
  "${PODMAN[@]}" network rm oceanj-test-compose_default >/dev/null 2>&1 || true
  COMPOSE_UP=
}
trap 'compose_down; cleanup' EXIT
WORK=$(mktemp -d)
"${PODMAN[@]}" rm -f oceanj-test-idle oceanj-test-embedded oceanj-test-once >/dev/null 2>&1 || true   # a run cut short

# 1. Tools (Debian packages).
missing=()
for tool in podman runc mmdebstrap curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc mmdebstrap curl >/dev/null
fi

# 2. The local base: Debian's JRE 17, imported into podman and saved as the archive Jib reads (tar://). The class-data
#    archive must be written by the base's own JVM, so that JVM is also unpacked here for the build to run.
mkdir -p "$CACHE"
BASE_TAR=$CACHE/jre-base.docker.tar
BASE_JVM=$CACHE/jre-base-jvm
if [ ! -s "$BASE_TAR" ] || [ ! -x "$BASE_JVM/usr/lib/jvm/java-17-openjdk-amd64/bin/java" ]; then
  say "building the local base image (mmdebstrap, openjdk-17-jre-headless)"
  rm -rf "$BASE_JVM" "$CACHE/jre-base.rootfs.tar"
  mmdebstrap --quiet --variant=apt --include=openjdk-17-jre-headless,ca-certificates bookworm "$CACHE/jre-base.rootfs.tar"
  "${PODMAN[@]}" import "$CACHE/jre-base.rootfs.tar" localhost/oceanj-jre-base:17 >/dev/null
  "${PODMAN[@]}" save --format docker-archive -o "$BASE_TAR.part" localhost/oceanj-jre-base:17 >/dev/null
  mv "$BASE_TAR.part" "$BASE_TAR"
  mkdir -p "$BASE_JVM"
  tar -xf "$CACHE/jre-base.rootfs.tar" -C "$BASE_JVM" ./usr/lib/jvm ./etc/java-17-openjdk
  # Debian links the JVM's configuration to /etc/java-17-openjdk: point those links into the unpacked copy.
  find "$BASE_JVM/usr/lib/jvm" -type l -lname '/etc/java-17-openjdk/*' | while read -r link; do
    ln -sfn "$BASE_JVM$(readlink "$link")" "$link"
  done
  rm -f "$CACHE/jre-base.rootfs.tar"
fi
BASE_JAVA=$BASE_JVM/usr/lib/jvm/java-17-openjdk-amd64/bin/java
"$BASE_JAVA" -version 2>&1 | sed -n 2p | sed 's/^/base JVM: /'

# 3. The images (OCI tarballs, no daemon) and the emulator JAR.
JIB=deploy/image/target/jib
if [ "${OCEANJ_SKIP_BUILD:-}" != 1 ]; then
  say "building the images: mvn -B -Pimage -DskipTests package"
  build_start=$(date +%s)
  MAVEN_OPTS=${MAVEN_OPTS:--Xmx1g} mvn -B -q -Pimage -DskipTests package -Djib.disableUpdateChecks=true \
    -Dimage.base="tar://$BASE_TAR" -Dimage.cds.java="$BASE_JAVA"
  echo "build: $(( $(date +%s) - build_start )) s"
fi
for image in oceanj oceanj-fake oceanj-custom oceanj-kafka oceanj-pagerduty; do
  tarball=$JIB/$image-$VERSION.tar
  [ -s "$tarball" ] || { bad "$tarball was not built"; exit 1; }
  "${PODMAN[@]}" load -q -i "$tarball" >/dev/null
  printf '%-12s tarball %s MB, image %s\n' "$image" "$(( $(stat -c %s "$tarball") / 1048576 ))" \
    "$("${PODMAN[@]}" image inspect --format '{{.Size}}' "localhost/$image:$VERSION" | awk '{printf "%d MB", $1/1048576}')"
done
IMAGE=localhost/oceanj-fake:$VERSION

# 4. The image's settings.
say "image settings"
config=$("${PODMAN[@]}" image inspect --format '{{.Config.User}} {{json .Config.ExposedPorts}} {{json .Config.Env}}' "$IMAGE")
[[ $config == 1001:1001* ]] && ok "user 1001:1001" || bad "user: $config"
[[ $config == *8000/tcp* ]] && ok "port 8000" || bad "port: $config"
[[ $config == *HOME=/tmp/ocean* ]] && ok "HOME=/tmp/ocean" || bad "HOME: $config"
[[ $config == *OCEAN__INTEGRATION__TYPE=fake* ]] && ok "type fake baked in" || bad "type: $config"
for type in custom kafka pagerduty; do
  env_of=$("${PODMAN[@]}" image inspect --format '{{json .Config.Env}}' "localhost/oceanj-$type:$VERSION")
  [[ $env_of == *OCEAN__INTEGRATION__TYPE=$type* ]] && ok "oceanj-$type: type $type baked in" || bad "oceanj-$type env: $env_of"
done
plain=$("${PODMAN[@]}" image inspect --format '{{json .Config.Env}}' "localhost/oceanj:$VERSION")
[[ $plain != *OCEAN__INTEGRATION__TYPE* ]] && ok "plain image: no type baked in" || bad "plain image env: $plain"

# Runs a container in the background, follows its JVM from the host and prints "<exit> <seconds> <peak RSS MB>".
measure() {
  local name=$1; shift
  local t0 pid peak=0 hwm code
  t0=$(date +%s.%N)
  "${RUN[@]}" -d --name "$name" "$@" >/dev/null
  pid=$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' "$name")
  while [ -r "/proc/$pid/status" ]; do
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
    sleep 0.1
  done
  code=$("${PODMAN[@]}" wait "$name")
  "${PODMAN[@]}" logs "$name" > "$WORK/$name.log" 2>&1
  "${PODMAN[@]}" rm "$name" >/dev/null
  echo "$code $(echo "$(date +%s.%N) - $t0" | bc) $(( peak / 1024 ))"
}

# 5. The embedded default, read-only, uid 1001; a writable /tmp/ocean from the host to read the class log after.
say "embedded default (read-only, uid 1001)"
mkdir -p "$WORK/embedded" && chmod 777 "$WORK/embedded"
read -r code secs peak < <(measure oceanj-test-embedded -v "$WORK/embedded:/tmp/ocean" \
  -e JAVA_TOOL_OPTIONS="-Xlog:class+load=info:file=/tmp/ocean/classes.log" "$IMAGE")
tail -n 12 "$WORK/oceanj-test-embedded.log" | grep -v '^$' || true
[ "$code" = 0 ] && ok "embedded default exited 0 in ${secs}s, peak RSS ${peak} MB" || bad "embedded default exited $code"
grep -q "COMPLETED" "$WORK/oceanj-test-embedded.log" && ok "resync COMPLETED" || bad "no completed resync in the output"
shared=$(grep -c 'source: shared objects file (top)' "$WORK/embedded/classes.log" || true)
loaded=$(grep -c 'dev.oceanj' "$WORK/embedded/classes.log" || true)
[ "$shared" -gt 1000 ] && ok "class-data archive used ($shared classes from it, $loaded oceanj classes loaded)" \
  || bad "class-data archive not used ($shared classes from it)"
leftovers=$(find "$WORK/embedded" -mindepth 1 -maxdepth 1 ! -name classes.log -printf '%f ')
echo "written under /tmp/ocean: ${leftovers:-nothing}"

# 6. The emulator JAR on the host; the containers reach it through --network host.
EMULATOR_JAR=port-emulator/target/oceanj-port-emulator.jar
[ -s "$EMULATOR_JAR" ] || { bad "$EMULATOR_JAR missing (build the project first)"; exit 1; }
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$EMULATOR_JAR" --port 0 > "$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
for _ in $(seq 100); do grep -q 'listening on' "$WORK/emulator.log" && break; sleep 0.2; done
PORT_URL=$(sed -n 's|.*listening on \(http://[^ ]*\).*|\1|p' "$WORK/emulator.log" | head -1)
[ -n "$PORT_URL" ] || { bad "the emulator did not start"; cat "$WORK/emulator.log"; exit 1; }
PORT_ENV=(-e OCEAN__PORT__CLIENT_ID=emulator-client-id -e OCEAN__PORT__CLIENT_SECRET=emulator-client-secret
  -e OCEAN__PORT__BASE_URL="$PORT_URL")
# Resident memory, and how much of it is anonymous (heap, metaspace, the archive's relocated pages, malloc, stacks) and
# file-backed (libjvm.so, the class-data archive's clean pages: shared with other processes mapping the same files).
rss() {
  awk '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} /^RssFile/ {f = $2} /^RssShmem/ {f += $2}
    END {printf "%d MB (anonymous %d, file %d)", r / 1024, a / 1024, f / 1024}' "/proc/$1/status" 2>/dev/null \
    || echo "(gone)"
}

# 7. At rest: WEBHOOKS_ONLY once started; WEBHOOK before and after a resync of 20,065 entities. /health/live, /docs.
say "memory at rest (WEBHOOKS_ONLY; WEBHOOK before and after a 20,065-entity resync)"
port=18000
while ss -ltn | grep -q ":$port "; do port=$((port + 1)); done   # the first free port from 18000
"${RUN[@]}" -d --name oceanj-test-idle --network host --tmpfs /tmp/ocean:rw,U "${PORT_ENV[@]}" \
  -e APPLICATION__PORT=$port -e OCEAN__EVENT_LISTENER='{"type":"WEBHOOKS_ONLY"}' \
  -e OCEAN__INTEGRATION__IDENTIFIER=image-idle "$IMAGE" >/dev/null
for _ in $(seq 120); do curl -sf "localhost:$port/health/live" >/dev/null && break; sleep 0.5; done
curl -sf "localhost:$port/health/live" >/dev/null && ok "/health/live 200" || bad "/health/live"
curl -sf "localhost:$port/docs" | grep -q '/health/live' && ok "/docs 200 lists the routes" || bad "/docs"
sleep 20
echo "WEBHOOKS_ONLY at rest: $(rss "$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' oceanj-test-idle)") RSS"
"${PODMAN[@]}" stop -t 30 oceanj-test-idle >/dev/null && "${PODMAN[@]}" rm oceanj-test-idle >/dev/null

"${RUN[@]}" -d --name oceanj-test-idle --network host --tmpfs /tmp/ocean:rw,U "${PORT_ENV[@]}" \
  -e APPLICATION__PORT=$port -e OCEAN__EVENT_LISTENER='{"type":"WEBHOOK"}' -e OCEAN__BASE_URL="http://127.0.0.1:$port" \
  -e OCEAN__INTEGRATION__IDENTIFIER=image-webhook -e OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=4000 "$IMAGE" >/dev/null
for _ in $(seq 120); do curl -sf "localhost:$port/health/live" >/dev/null && break; sleep 0.5; done
pid=$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' oceanj-test-idle)
sleep 20
before=$(rss "$pid")
curl -sf -XPOST "localhost:$port/resync?wait=true" | grep -qi 'completed' && ok "WEBHOOK resync completed" \
  || bad "WEBHOOK resync did not complete"
after=$(rss "$pid")
sleep 70   # the idle trim looks every 30 s and acts after one quiet interval
echo "WEBHOOK at rest: $before RSS before the resync, $after right after, $(rss "$pid") a minute later"
"${PODMAN[@]}" stop -t 30 oceanj-test-idle >/dev/null && "${PODMAN[@]}" rm oceanj-test-idle >/dev/null

# 8. ONCE against the emulator JAR on the host: 20,065 entities.
say "ONCE against the emulator on the host (--network host, 20,065 entities)"
read -r code secs peak < <(measure oceanj-test-once --network host --tmpfs /tmp/ocean:rw,U "${PORT_ENV[@]}" \
  -e OCEAN__EVENT_LISTENER='{"type":"ONCE"}' \
  -e OCEAN__INTEGRATION__IDENTIFIER=image-test -e OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT=4000 "$IMAGE")
grep 'COMPLETED\|total' "$WORK/oceanj-test-once.log" | tail -n 3 || true
[ "$code" = 0 ] && ok "ONCE exited 0 in ${secs}s, peak RSS ${peak} MB" || { bad "ONCE exited $code"; tail -n 30 "$WORK/oceanj-test-once.log"; }
created=$(curl -sf "$PORT_URL/_emulator/counters" | grep -o '"entitiesCreated":[0-9]*' | cut -d: -f2)
[ "${created:-0}" = 20065 ] && ok "Port holds the 20,065 entities" || bad "Port created ${created:-no} entities, expected 20065"

# 9. Opt-in: deploy/docker-compose.yml with podman-compose (the runtime and the emulator image on a compose network),
#    the README's session, on free host ports and its own project name.
if [ "${OCEANJ_TEST_COMPOSE:-}" = 1 ]; then
  say "docker-compose.yml with podman-compose (WEBHOOK against the emulator image)"
  command -v podman-compose >/dev/null || { apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman-compose >/dev/null; }
  "${PODMAN[@]}" load -q -i "$JIB/oceanj-port-emulator-$VERSION.tar" >/dev/null
  OCEANJ_HTTP_PORT=18100
  while ss -ltn | grep -q ":$OCEANJ_HTTP_PORT "; do OCEANJ_HTTP_PORT=$((OCEANJ_HTTP_PORT + 1)); done
  OCEANJ_EMULATOR_PORT=$((OCEANJ_HTTP_PORT + 1))
  while ss -ltn | grep -q ":$OCEANJ_EMULATOR_PORT "; do OCEANJ_EMULATOR_PORT=$((OCEANJ_EMULATOR_PORT + 1)); done
  export OCEANJ_HTTP_PORT OCEANJ_EMULATOR_PORT
  COMPOSE_UP=1
  (cd deploy && podman-compose -p oceanj-test-compose --podman-args "${PODMAN[*]:1}" \
    --podman-run-args '--ulimit nofile=1024:1024 --ulimit nproc=1024:1024' up -d port oceanj) > "$WORK/compose.log" 2>&1
  app=localhost:$OCEANJ_HTTP_PORT
  for _ in $(seq 120); do curl -sf "$app/health/ready" >/dev/null && break; sleep 1; done
  curl -sf -XPOST "$app/resync" | grep -q '"disposition":"started"' && ok "POST /resync 202 started" \
    || { bad "POST /resync"; tail -n 20 "$WORK/compose.log"; }
  for _ in $(seq 60); do curl -sf "$app/status" | grep -q '"outcome":"completed"' && break; sleep 1; done
  upserted=$(curl -sf "$app/status" | grep -o '"upserted":[0-9]*' | cut -d: -f2 | paste -sd+ | bc)
  [ "${upserted:-0}" = 165 ] && ok "/status: resync completed, 165 entities upserted" || bad "/status: upserted ${upserted:-none}"
  token=$(curl -sf -XPOST "localhost:$OCEANJ_EMULATOR_PORT/v1/auth/access_token" -H 'content-type: application/json' \
    -d '{"clientId":"emulator-client-id","clientSecret":"emulator-client-secret"}' | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  held=0
  for blueprint in fake-department fake-person fake-office fake-team fake-project; do
    n=$(curl -sf -H "Authorization: Bearer $token" "localhost:$OCEANJ_EMULATOR_PORT/v1/blueprints/$blueprint/entities" \
      | grep -o "\"blueprint\":\"$blueprint\"" | wc -l)
    held=$((held + n))
  done
  [ "$held" = 165 ] && ok "the emulator holds the 165 entities" || bad "the emulator holds $held entities, expected 165"
  warnings=$("${PODMAN[@]}" logs oceanj-test-compose_oceanj_1 2>&1 | grep -c 'Telemetry to Port failed' || true)
  [ "$warnings" = 0 ] && ok "telemetry reaches the emulator" || bad "telemetry to the emulator failed"
  compose_down
fi

echo "total: $(( $(date +%s) - started )) s, $failures failed"
[ "$failures" = 0 ]
