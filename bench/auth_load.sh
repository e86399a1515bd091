#!/usr/bin/env bash
# bench/auth_load.sh [seconds]
# What authentication costs a request (issue 13's goal: <= 5 % of requests/s): wrk with 64
# keep-alive connections against GET /api/trading/status, alternating a release meridiand with
# --auth off and one with --auth on (a valid access token on every request), three rounds each
# so the machine's drift shows. Then logins/s and login latency (argon2id at the daemon's cost,
# on its worker pool) and the daemon's memory before and after N logins (access tokens are
# stateless; refresh tokens live in PostgreSQL). Needs PostgreSQL: the private cluster when
# DATABASE_URL is not set. The rate limit is off (--rate-limit 0): the figure is the auth path, not 429s.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
ensure_packages "${BUILD_PACKAGES[@]}" wrk curl
build release
DURATION=${1:-8}
LOGINS=${MERIDIAN_BENCH_LOGINS:-40}
if [ -z "${DATABASE_URL:-}" ]; then pg_start; PG_STARTED=1; fi
# A database of its own, so the first start creates the administrator whose password it reads.
BENCH_DB="meridian_auth_bench_$$"
psql -q "$DATABASE_URL" -c "CREATE DATABASE $BENCH_DB" >/dev/null
ADMIN_URL=$DATABASE_URL
export DATABASE_URL="${DATABASE_URL%/*}/$BENCH_DB"
BIN="$ROOT/build/release/src/meridiand"
STATE=$(mktemp -d)
PID=
stop_daemon() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; PID=; }
cleanup() {
  stop_daemon
  rm -rf "$STATE"
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $BENCH_DB" >/dev/null 2>&1
  [ -n "${PG_STARTED:-}" ] && pg_stop
  return 0
}
trap cleanup EXIT
start_daemon() {  # start_daemon on|off
  PORT=$(free_port)
  MERIDIAN_AUTH=$1 "$BIN" serve --port "$PORT" --threads 1 --log-level warn --state-dir "$STATE" --rate-limit 0 \
    --static-dir "$ROOT/build/release/dashboard" >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && return; sleep 0.05; done
  die "meridiand did not start"
}
rps() {  # rps [header]: requests/s of /api/trading/status
  local args=(-t2 -c64 -d"${DURATION}s")
  [ -n "${1:-}" ] && args+=(-H "$1")
  wrk "${args[@]}" "http://127.0.0.1:$PORT/api/trading/status" | awk '/Requests\/sec/ {print $2}'
}
login() {
  curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"admin@meridian.local\",\"password\":\"$(cat "$STATE/admin-password")\"}" \
    "http://127.0.0.1:$PORT/api/auth/login"
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }

printf '%-6s %12s %12s %8s\n' round "auth off" "auth on" ratio
for round in $(seq 1 "${MERIDIAN_BENCH_ROUNDS:-3}"); do
  start_daemon off; off=$(rps); stop_daemon
  start_daemon on
  token=$(login | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || die "login failed"
  on=$(rps "Authorization: Bearer $token")
  stop_daemon
  printf '%-6s %12s %12s %8s\n' "$round" "$off" "$on" "$(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.3f", a/b}')"
done

start_daemon on
before=$(rss_kb)
start=$(date +%s.%N)
# Four at a time; waits on the logins only (a bare `wait` would wait for the daemon too).
pids=()
for i in $(seq 1 "$LOGINS"); do
  login >/dev/null &
  pids+=($!)
  if [ $((i % 4)) = 0 ]; then wait "${pids[@]}"; pids=(); fi
done
[ ${#pids[@]} = 0 ] || wait "${pids[@]}"
end=$(date +%s.%N)
after=$(rss_kb)
awk -v n="$LOGINS" -v s="$start" -v e="$end" -v b="$before" -v a="$after" 'BEGIN {
  printf "\n%d logins, 4 at a time: %.1f logins/s, %.0f ms each on average\n", n, n/(e-s), 1000*(e-s)*4/n
  printf "daemon RSS %d KiB -> %d KiB: %.1f KiB per login (x10,000: %.1f MiB)\n", b, a, (a-b)/n, (a-b)/n*10000/1024 }'
