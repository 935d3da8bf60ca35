#!/usr/bin/env bash
# HTTP micro-benchmark for the aman daemon (loopback only). Not a test: nothing here runs in `mvn test`.
#
# Measures launch -> ready time and idle RSS of `aman run`, then drives wrk with keep-alive connections at
#   (a) GET /health/ready              (public)
#   (b) GET /runtime/status            (Bearer token)
#   (c) a bare Jetty 11 handler (bench/BareJetty.java) returning the same bytes as (a)
# and prints one table. See bench/README.md.
#
# Knobs (environment):
#   BENCH_DURATION=10     seconds of measured load per target (1..120)
#   BENCH_CONNECTIONS=50  concurrent keep-alive connections (1..1000)
#   BENCH_THREADS=2       wrk threads (1..64, capped at BENCH_CONNECTIONS)
#   BENCH_WARMUP=5        seconds of unmeasured load per target, all done before any measurement (0..60; 0 = none)
#   BENCH_SETTLE=2        seconds to wait after ready before reading idle RSS (0..60)
#   BENCH_READY_TIMEOUT=60  seconds to wait for /health/ready
#   BENCH_JAVA_OPTS=      extra JVM options for both the daemon and the bare Jetty (e.g. -Xmx256m)
#   BENCH_NO_BUILD=1      never run Maven; use target/aman-all.jar as it is
#   JAVA_HOME             JDK to use (else found like bin/aman does)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/target/aman-all.jar"
MIN_JAVA=21

die() { echo "http-bench: $*" >&2; exit 1; }

int_in() { # int_in NAME VALUE MIN MAX -> validated integer
  local name=$1 v=$2 lo=$3 hi=$4
  [[ "$v" =~ ^[0-9]+$ ]] || die "$name must be an integer (got '$v')"
  (( v >= lo && v <= hi )) || die "$name must be within $lo..$hi (got $v)"
  printf '%s' "$v"
}

DURATION=$(int_in BENCH_DURATION "${BENCH_DURATION:-10}" 1 120)
CONNECTIONS=$(int_in BENCH_CONNECTIONS "${BENCH_CONNECTIONS:-50}" 1 1000)
THREADS=$(int_in BENCH_THREADS "${BENCH_THREADS:-2}" 1 64)
(( THREADS > CONNECTIONS )) && THREADS=$CONNECTIONS
WARMUP=$(int_in BENCH_WARMUP "${BENCH_WARMUP:-5}" 0 60)
SETTLE=$(int_in BENCH_SETTLE "${BENCH_SETTLE:-2}" 0 60)
READY_TIMEOUT=$(int_in BENCH_READY_TIMEOUT "${BENCH_READY_TIMEOUT:-60}" 1 600)
JAVA_OPTS=${BENCH_JAVA_OPTS:-}

# ---- tools ---------------------------------------------------------------------------------------------
command -v curl >/dev/null 2>&1 || die "curl is required"
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "http-bench: installing wrk ..." >&2
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; } \
      || die "could not install wrk with apt-get"
  else
    die "wrk is required: install it (Debian/Ubuntu: sudo apt-get install -y wrk; macOS: brew install wrk) and re-run"
  fi
fi

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
  echo "http-bench: building $JAR ..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package 1>&2) || die "build failed"
fi
[ -f "$JAR" ] || die "$JAR is missing"

# ---- process bookkeeping -------------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/aman-bench.XXXXXX")"
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

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

wait_for_line() { # wait_for_line FILE PID TIMEOUT_S -> prints the port from "... http://127.0.0.1:PORT"
  local file=$1 pid=$2 deadline=$(( $(now_ms) + $3 * 1000 )) line
  while :; do
    line="$(grep -m1 'listening on http://' "$file" 2>/dev/null || true)"
    if [ -n "$line" ]; then printf '%s' "${line##*:}"; return 0; fi
    kill -0 "$pid" 2>/dev/null || die "process $pid exited before listening"
    (( $(now_ms) < deadline )) || die "timed out waiting for $file to report a port"
    sleep 0.01
  done
}

rss_mib() { # resident set size of PID in MiB (one decimal), from /proc/PID/status
  awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# ---- (1) the daemon: launch -> ready, idle RSS ---------------------------------------------------------
TOKEN="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$WORK/home"
# AMAN_* variables would override config keys; keep the caller's environment out of the measurement.
UNSET_AMAN=()
while IFS= read -r v; do UNSET_AMAN+=(-u "$v"); done < <(compgen -e | grep '^AMAN_' || true)

T0=$(now_ms)
# shellcheck disable=SC2086
env "${UNSET_AMAN[@]}" "$JAVA" $JAVA_OPTS -jar "$RUNJAR" run --home "$WORK/home" --bind 127.0.0.1:0 --token "$TOKEN" \
  >"$WORK/aman.out.log" 2>"$WORK/aman.err.log" &
AMAN_PID=$!
PIDS+=("$AMAN_PID")

AMAN_PORT=$(wait_for_line "$WORK/aman.out.log" "$AMAN_PID" "$READY_TIMEOUT")
T_LISTEN=$(now_ms)
AMAN="http://127.0.0.1:$AMAN_PORT"
deadline=$(( T0 + READY_TIMEOUT * 1000 ))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$AMAN/health/ready" || true)" = 200 ]; do
  kill -0 "$AMAN_PID" 2>/dev/null || die "daemon exited before ready"
  (( $(now_ms) < deadline )) || die "daemon not ready after ${READY_TIMEOUT}s"
  sleep 0.01
done
T_READY=$(now_ms)
LAUNCH_LISTEN_MS=$(( T_LISTEN - T0 ))
LAUNCH_READY_MS=$(( T_READY - T0 ))

sleep "$SETTLE"
IDLE_RSS=$(rss_mib "$AMAN_PID")

READY_BODY="$(curl -s "$AMAN/health/ready")"
STATUS_CODE="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$AMAN/runtime/status")"
[ "$STATUS_CODE" = 200 ] || die "authenticated GET /runtime/status answered $STATUS_CODE"

# ---- (2) the bare Jetty baseline -----------------------------------------------------------------------
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -cp "$RUNJAR" "$ROOT/bench/BareJetty.java" 0 >"$WORK/bare.out.log" 2>"$WORK/bare.err.log" &
BARE_PID=$!
PIDS+=("$BARE_PID")
BARE_PORT=$(wait_for_line "$WORK/bare.out.log" "$BARE_PID" 60)
BARE="http://127.0.0.1:$BARE_PORT"
BARE_BODY="$(curl -s "$BARE/health/ready")"
[ "$BARE_BODY" = "$READY_BODY" ] || echo "http-bench: note: /health/ready answered '$READY_BODY', bare Jetty answers '$BARE_BODY'" >&2

# ---- (3) load ------------------------------------------------------------------------------------------
to_ms() { # wrk latency like 512.00us / 1.23ms / 1.05s -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u);
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1;
    if (f < 0) print "?"; else printf "%.2f", n * f }'
}

warm_up() { # warm_up URL [AUTH]: unmeasured load so the JIT has compiled the path before it is timed
  local url=$1 auth=${2:-} hdr=()
  [ -n "$auth" ] && hdr=(-H "Authorization: Bearer $auth")
  (( WARMUP > 0 )) || return 0
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "${hdr[@]}" "$url" >/dev/null 2>&1 || true
}

ROWS=()
run_load() { # run_load LABEL URL [AUTH]
  local label=$1 url=$2 auth=${3:-} out rps p50 p99 reqs errs non2xx hdr=()
  [ -n "$auth" ] && hdr=(-H "Authorization: Bearer $auth")
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${hdr[@]}" "$url" 2>&1)" \
    || die "wrk failed against $url: $out"
  printf '%s\n' "$out" >"$WORK/wrk-$(printf '%s' "$label" | tr -c 'a-zA-Z0-9' '_').log"
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
  errs=$(awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' <<<"$out")
  errs=$(( ${errs:-0} + ${non2xx:-0} ))
  ROWS+=("$(printf '%-34s %10s %9s %9s %10s %7s' "$label" "$rps" "$p50" "$p99" "$reqs" "$errs")")
}

# Warm every target before timing any, so the first one measured does not pay for the daemon's JIT warm-up.
warm_up "$AMAN/health/ready"
warm_up "$AMAN/runtime/status" "$TOKEN"
warm_up "$BARE/health/ready"
run_load "(a) aman GET /health/ready" "$AMAN/health/ready"
run_load "(b) aman GET /runtime/status" "$AMAN/runtime/status" "$TOKEN"
run_load "(c) bare Jetty 11, same bytes" "$BARE/health/ready"
LOADED_RSS=$(rss_mib "$AMAN_PID")

# ---- report --------------------------------------------------------------------------------------------
VERSION="$(sed -n 's/^aman \([^ ]*\) listening.*/\1/p' "$WORK/aman.out.log")"
JAVA_VERSION="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p' | head -n1)"
echo
echo "aman $VERSION http bench  ($(date -u +%Y-%m-%dT%H:%M:%SZ), java $JAVA_VERSION, $(nproc) cpus, load avg $(cut -d' ' -f1-3 /proc/loadavg))"
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency (keep-alive, loopback), ${WARMUP}s warm-up per target before measuring"
echo
printf '%-34s %10s %9s %9s %10s %7s\n' "target" "req/s" "p50 ms" "p99 ms" "requests" "errors"
printf '%s\n' "${ROWS[@]}"
echo
printf '%-34s %10s\n' "launch -> listening (ms)" "$LAUNCH_LISTEN_MS"
printf '%-34s %10s\n' "launch -> ready (ms)" "$LAUNCH_READY_MS"
printf '%-34s %10s\n' "idle RSS after ${SETTLE}s settle (MiB)" "$IDLE_RSS"
printf '%-34s %10s\n' "RSS after load (MiB)" "$LOADED_RSS"
