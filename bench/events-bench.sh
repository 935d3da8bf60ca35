#!/usr/bin/env bash
# Event-bus benchmark for the aman daemon (loopback only). Not a test: nothing here runs in `mvn test`.
#
# Measures, in one run, on this machine:
#   (1) durable POST /events/push (at_least_once) against `aman run`: wrk with keep-alive connections at
#       1 and at BENCH_CONNECTIONS connections (bench/push.lua) -> req/s, p50, p99
#   (2) push -> handler latency: bench/E2eBench.java (a Daemon with one handler and a virtual-thread load
#       generator in one JVM) at 1 and at BENCH_CONNECTIONS connections
#   (3) reference: raw SQLite inserts, WAL + synchronous=FULL, 1 and 64 rows per transaction
#       (bench/SqliteInsertBench.java, sqlite-jdbc from the aman jar)
#   (4) reference: a private redis-server with appendonly yes, appendfsync always, no RDB snapshots:
#       redis-benchmark XADD at 1 and at BENCH_CONNECTIONS connections
# and prints one table. See bench/README.md.
#
# Knobs (environment):
#   BENCH_DURATION=10        seconds of measured load per aman row (1..120)
#   BENCH_WARMUP=3           seconds of unmeasured load before each aman row (0..60; 0 = none)
#   BENCH_CONNECTIONS=50     the "many connections" level (2..1000)
#   BENCH_THREADS=2          wrk threads for the many-connections run (1..64)
#   BENCH_SQLITE_SECONDS=5   seconds per SQLite batch size (1..120)
#   BENCH_REDIS_REQUESTS=20000  XADD requests per redis-benchmark run (1000..1000000)
#   BENCH_READY_TIMEOUT=60   seconds to wait for the daemon to be ready
#   BENCH_JAVA_OPTS=         extra JVM options for every Java process (e.g. -Xmx512m)
#   BENCH_NO_BUILD=1         never run Maven; use target/aman-all.jar as it is
#   JAVA_HOME                JDK to use (else found like bin/aman does)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/target/aman-all.jar"
MIN_JAVA=21

die() { echo "events-bench: $*" >&2; exit 1; }

int_in() { # int_in NAME VALUE MIN MAX -> validated integer
  local name=$1 v=$2 lo=$3 hi=$4
  [[ "$v" =~ ^[0-9]+$ ]] || die "$name must be an integer (got '$v')"
  (( v >= lo && v <= hi )) || die "$name must be within $lo..$hi (got $v)"
  printf '%s' "$v"
}

DURATION=$(int_in BENCH_DURATION "${BENCH_DURATION:-10}" 1 120)
WARMUP=$(int_in BENCH_WARMUP "${BENCH_WARMUP:-3}" 0 60)
CONNECTIONS=$(int_in BENCH_CONNECTIONS "${BENCH_CONNECTIONS:-50}" 2 1000)
THREADS=$(int_in BENCH_THREADS "${BENCH_THREADS:-2}" 1 64)
(( THREADS > CONNECTIONS )) && THREADS=$CONNECTIONS
SQLITE_SECONDS=$(int_in BENCH_SQLITE_SECONDS "${BENCH_SQLITE_SECONDS:-5}" 1 120)
REDIS_REQUESTS=$(int_in BENCH_REDIS_REQUESTS "${BENCH_REDIS_REQUESTS:-20000}" 1000 1000000)
READY_TIMEOUT=$(int_in BENCH_READY_TIMEOUT "${BENCH_READY_TIMEOUT:-60}" 1 600)
JAVA_OPTS=${BENCH_JAVA_OPTS:-}

# ---- tools ---------------------------------------------------------------------------------------------
command -v curl >/dev/null 2>&1 || die "curl is required"
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "events-bench: installing wrk ..." >&2
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; } \
      || die "could not install wrk with apt-get"
  else
    die "wrk is required: install it (Debian/Ubuntu: sudo apt-get install -y wrk; macOS: brew install wrk) and re-run"
  fi
fi
for t in redis-server redis-benchmark redis-cli; do
  command -v "$t" >/dev/null 2>&1 || die "$t is required (Debian/Ubuntu: sudo apt-get install -y redis-server)"
done

# Same JDK discovery as bin/aman: JAVA_HOME, PATH, then the usual install locations; first one >= 21 wins.
java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)"
  case "$v" in 1.*) v="${v#1.}"; v="${v%%.*}";; esac
  printf '%s' "${v%%.*}"
}
find_java() {
  local candidates=() c m
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for c in /usr/lib/jvm/*/bin/java /usr/local/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/jdk*/bin/java \
           "$HOME"/.sdkman/candidates/java/*/bin/java "$HOME"/.jdks/*/bin/java \
           /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; do
    [ -x "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    m="$(java_major "$c" || true)"
    if [ -n "$m" ] && [ "$m" -ge "$MIN_JAVA" ] 2>/dev/null; then printf '%s' "$c"; return 0; fi
  done
  return 1
}
JAVA="$(find_java)" || die "no JDK >= $MIN_JAVA found (set JAVA_HOME)"

# ---- jar (built like bin/aman when missing or older than the sources) ----------------------------------
needs_build() {
  [ ! -f "$JAR" ] && return 0
  [ -n "$(find "$ROOT/pom.xml" "$ROOT/src/main" -newer "$JAR" -print -quit 2>/dev/null)" ]
}
if [ "${BENCH_NO_BUILD:-}" != 1 ] && needs_build; then
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is needed to build $JAR"
  echo "events-bench: building $JAR ..." >&2
  (cd "$ROOT" && JAVA_HOME="$(dirname "$(dirname "$JAVA")")" mvn -q -B -DskipTests package 1>&2) || die "build failed"
fi
[ -f "$JAR" ] || die "$JAR is missing"

# ---- process bookkeeping -------------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/aman-events-bench.XXXXXX")"
PIDS=()
stop_pid() { # TERM, wait up to 10 s, then KILL
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$? pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [ "$rc" != 0 ] && [ -d "$WORK" ]; then
    for f in "$WORK"/*.log; do [ -s "$f" ] && { echo "--- tail of $f" >&2; tail -n 20 "$f" >&2; }; done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run from a private copy so a concurrent `mvn package` cannot swap the jar under a running JVM.
cp "$JAR" "$WORK/aman-all.jar"
RUNJAR="$WORK/aman-all.jar"
# AMAN_* variables would override config keys; keep the caller's environment out of the measurement.
UNSET_AMAN=()
while IFS= read -r v; do UNSET_AMAN+=(-u "$v"); done < <(compgen -e | grep '^AMAN_' || true)

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

run_bounded() { # run_bounded SECONDS OUT_LOG ERR_LOG CMD... : runs CMD in the background, killed after SECONDS
  local secs=$1 out=$2 err=$3 pid deadline rc
  shift 3
  env "${UNSET_AMAN[@]}" "$@" >"$out" 2>"$err" &
  pid=$!
  PIDS+=("$pid")
  deadline=$(( $(now_ms) + secs * 1000 ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(now_ms) >= deadline )); then
      stop_pid "$pid"
      die "$(basename "$1") ... did not finish within ${secs}s (see $err)"
    fi
    sleep 0.2
  done
  rc=0
  wait "$pid" || rc=$?
  (( rc == 0 )) || die "$* exited with $rc"
}

# The daemon home: the per-source rate limit (100/s by default) is off, so the bus, not the limiter, is measured.
write_home() {
  mkdir -p "$1"
  printf 'event_bus:\n  rate_limit:\n    per_source_per_sec: 0\n' >"$1/config.yaml"
}

ROWS=()
row() { # row LABEL OPS P50 P99 COUNT ERRORS
  ROWS+=("$(printf '%-46s %10s %9s %9s %9s %7s' "$1" "$2" "$3" "$4" "$5" "$6")")
}

# ---- (1) aman run + wrk: POST /events/push ---------------------------------------------------------------
TOKEN="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
write_home "$WORK/home"
# shellcheck disable=SC2086
env "${UNSET_AMAN[@]}" "$JAVA" $JAVA_OPTS -jar "$RUNJAR" run --home "$WORK/home" --bind 127.0.0.1:0 --token "$TOKEN" \
  >"$WORK/aman.out.log" 2>"$WORK/aman.err.log" &
AMAN_PID=$!
PIDS+=("$AMAN_PID")
deadline=$(( $(now_ms) + READY_TIMEOUT * 1000 ))
AMAN_PORT=""
until [ -n "$AMAN_PORT" ]; do
  line="$(grep -m1 'listening on http://' "$WORK/aman.out.log" 2>/dev/null || true)"
  [ -n "$line" ] && AMAN_PORT="${line##*:}"
  kill -0 "$AMAN_PID" 2>/dev/null || die "daemon exited before listening"
  (( $(now_ms) < deadline )) || die "daemon did not print its listening line within ${READY_TIMEOUT}s"
  [ -n "$AMAN_PORT" ] || sleep 0.02
done
AMAN="http://127.0.0.1:$AMAN_PORT"
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$AMAN/health/ready" || true)" = 200 ]; do
  kill -0 "$AMAN_PID" 2>/dev/null || die "daemon exited before ready"
  (( $(now_ms) < deadline )) || die "daemon not ready after ${READY_TIMEOUT}s"
  sleep 0.02
done
VERSION="$(sed -n 's/^aman \([^ ]*\) listening.*/\1/p' "$WORK/aman.out.log")"
probe="$(curl -s -w ' %{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"source":"bench","event_type":"bench.push","payload":{"probe":true}}' "$AMAN/events/push")"
[ "${probe##* }" = 200 ] || die "probe push failed: $probe"

to_ms() { # wrk latency like 512.00us / 1.23ms / 1.05s -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u);
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1;
    if (f < 0) print "?"; else printf "%.2f", n * f }'
}
wrk_push() { # wrk_push LABEL THREADS CONNECTIONS
  local label=$1 t=$2 c=$3 out rps p50 p99 reqs errs non2xx
  local args=(-s "$ROOT/bench/push.lua" -H "Authorization: Bearer $TOKEN" --timeout 30s)
  if (( WARMUP > 0 )); then
    timeout $(( WARMUP + 60 )) wrk -t"$t" -c"$c" -d"${WARMUP}s" "${args[@]}" "$AMAN" >/dev/null 2>&1 || true
  fi
  out="$(timeout $(( DURATION + 60 )) wrk -t"$t" -c"$c" -d"${DURATION}s" --latency "${args[@]}" "$AMAN" 2>&1)" \
    || die "wrk failed: $out"
  printf '%s\n' "$out" >"$WORK/wrk-c$c.log"
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  errs=$(awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' <<<"$out")
  errs=$(( ${errs:-0} + ${non2xx:-0} ))
  row "$label" "$rps" "$p50" "$p99" "$reqs" "$errs"
}
wrk_push "aman push at_least_once c=1 (wrk)" 1 1
wrk_push "aman push at_least_once c=$CONNECTIONS (wrk)" "$THREADS" "$CONNECTIONS"
stop_pid "$AMAN_PID" # free the CPUs for the next measurements

# ---- (2) push -> handler (E2eBench: daemon + handler + load generator in one JVM) ----------------------
write_home "$WORK/e2e-home"
# shellcheck disable=SC2086
run_bounded $(( 2 * (DURATION + WARMUP + 30) + READY_TIMEOUT + 60 )) "$WORK/e2e.out.log" "$WORK/e2e.err.log" \
  "$JAVA" $JAVA_OPTS --enable-native-access=ALL-UNNAMED -cp "$RUNJAR" "$ROOT/bench/E2eBench.java" "$WORK/e2e-home" "$DURATION" "$WARMUP" 1 "$CONNECTIONS"
kv() { sed -n "s/.*[[:space:]]$1=\([^ ]*\).*/\1/p" <<<"$2"; }
while IFS= read -r l; do
  c=$(sed -n 's/^e2e c=\([0-9]*\).*/\1/p' <<<"$l")
  [ -n "$c" ] || continue
  row "aman push, handler subscribed c=$c (java)" "$(kv push_rps "$l")" "$(kv push_p50_ms "$l")" \
    "$(kv push_p99_ms "$l")" "$(kv pushes "$l")" "$(kv errors "$l")"
  lost=$(( $(kv pushes "$l") - $(kv handled "$l") ))
  (( lost < 0 )) && lost=0
  row "aman push->handler latency c=$c (java)" "-" "$(kv e2e_p50_ms "$l")" "$(kv e2e_p99_ms "$l")" \
    "$(kv handled "$l")" "$lost"
done <"$WORK/e2e.out.log"
grep -q '^e2e c=' "$WORK/e2e.out.log" || die "E2eBench printed no results"

# ---- (3) raw SQLite group-commit reference -------------------------------------------------------------
mkdir -p "$WORK/sqlite"
# shellcheck disable=SC2086
run_bounded $(( 2 * SQLITE_SECONDS + 60 )) "$WORK/sqlite.out.log" "$WORK/sqlite.err.log" \
  "$JAVA" $JAVA_OPTS --enable-native-access=ALL-UNNAMED -cp "$RUNJAR" "$ROOT/bench/SqliteInsertBench.java" "$WORK/sqlite/raw.db" "$SQLITE_SECONDS" 1 64
while IFS= read -r l; do
  b=$(sed -n 's/^sqlite batch=\([0-9]*\).*/\1/p' <<<"$l")
  [ -n "$b" ] || continue
  row "sqlite insert WAL+FULL, $b row(s)/txn (rows/s)" "$(kv rows_per_s "$l")" "$(kv txn_p50_ms "$l")" \
    "$(kv txn_p99_ms "$l")" "$(kv rows "$l")" 0
done <"$WORK/sqlite.out.log"

# ---- (4) redis XADD with appendfsync always ------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
mkdir -p "$WORK/redis"
REDIS_PORT=""
for _ in $(seq 1 20); do
  p=$(( 20000 + RANDOM % 40000 ))
  [ "$p" = 6379 ] && continue
  port_free "$p" || continue
  redis-server --port "$p" --bind 127.0.0.1 --protected-mode yes --dir "$WORK/redis" --appendonly yes \
    --appendfsync always --save "" --daemonize no --logfile "" >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null | grep -q PONG && { REDIS_PORT=$p; break; }
    kill -0 "$REDIS_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$REDIS_PORT" ] && break
  stop_pid "$REDIS_PID"
done
[ -n "$REDIS_PORT" ] || die "could not start a private redis-server on a free loopback port"
[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get appendfsync | tail -n1)" = always ] \
  || die "redis is not running with appendfsync always"
redis_xadd() { # redis_xadd CONNECTIONS
  local c=$1 out line rps p50 p99
  out="$(timeout 300 redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c "$c" -n "$REDIS_REQUESTS" --csv \
    XADD bench '*' f v 2>&1)" || die "redis-benchmark failed: $out"
  printf '%s\n' "$out" >"$WORK/redis-c$c.log"
  line="$(grep '^"XADD' <<<"$out" | tail -n1)"
  [ -n "$line" ] || die "unexpected redis-benchmark output: $out"
  # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  rps=$(awk -F'","' '{ printf "%.0f", $2 }' <<<"$line")
  p50=$(awk -F'","' '{ printf "%.2f", $5 }' <<<"$line")
  p99=$(awk -F'","' '{ printf "%.2f", $7 }' <<<"$line")
  row "redis XADD, appendfsync always c=$c" "$rps" "$p50" "$p99" "$REDIS_REQUESTS" 0
}
redis_xadd 1
redis_xadd "$CONNECTIONS"
stop_pid "$REDIS_PID"

# ---- report --------------------------------------------------------------------------------------------
JAVA_VERSION="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p' | head -n1)"
echo
echo "aman $VERSION events bench  ($(date -u +%Y-%m-%dT%H:%M:%SZ), java $JAVA_VERSION, $(redis-server --version | awk '{print $3}'), $(nproc) cpus, load avg $(cut -d' ' -f1-3 /proc/loadavg))"
echo "aman rows: ${DURATION}s measured after ${WARMUP}s warm-up, keep-alive connections on loopback, SQLite home in $(df -P "$WORK" | awk 'NR==2 {print $1}')"
echo
printf '%-46s %10s %9s %9s %9s %7s\n' "target" "ops/s" "p50 ms" "p99 ms" "count" "errors"
printf '%s\n' "${ROWS[@]}"
echo
echo "ops/s: accepted pushes, rows or XADDs per second. p50/p99: request latency at the client; for the"
echo "push->handler rows the time from sending the push to the handler starting (errors = accepted but not"
echo "handled within 30 s); for the sqlite rows the time of one whole transaction."
