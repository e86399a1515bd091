#!/usr/bin/env bash
# bench/http_load.sh [seconds]
# REST small JSON reads against nginx serving the same bytes, side by side in one run.
# For every read route a client polls (GET, no side effect; the list below follows the route
# table), the daemon's answer is captured with curl; nginx (a child with its own config in a
# temp dir, no system service) serves those bytes, with the daemon's headers, from another
# port. wrk (64 keep-alive connections on loopback) then alternates daemon / nginx per route,
# so both see the same machine load, and the ratio daemon/nginx is printed per route.
# Runs once per server thread count in MERIDIAN_THREADS (default "1 2"): the daemon with
# `--threads N`, nginx with N worker processes. Memory-only daemon: the HTTP path, not the
# database. MERIDIAN_ROUTES (a regex) narrows the routes; MERIDIAN_BIN benchmarks another
# build of meridiand (a before/after comparison) instead of building this checkout's.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
ensure_packages "${BUILD_PACKAGES[@]}" wrk nginx-light curl
DURATION=${1:-5}
if [ -n "${MERIDIAN_BIN:-}" ]; then
  BIN=$MERIDIAN_BIN
else
  build release
  BIN="$ROOT/build/release/src/meridiand"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
THREAD_COUNTS=${MERIDIAN_THREADS:-1 2}
ROUTE_FILTER=${MERIDIAN_ROUTES:-.}
TMP=$(mktemp -d)
chmod 755 "$TMP"  # nginx's workers (another user) read the captured bodies under it
DAEMON_PID=""
NGINX_PID=""
stop_children() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
  NGINX_PID="" DAEMON_PID=""
}
trap 'stop_children; rm -rf "$TMP"' EXIT

wait_port() {
  for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  die "nothing listens on port $1"
}

# req/s of one wrk run (0 when wrk saw errors or non-2xx answers: a broken run is no figure).
rps() {
  local out
  out=$(wrk -t2 -c64 -d"${DURATION}s" "$1")
  if grep -qE 'Non-2xx|Socket errors: connect [1-9]|read [1-9]' <<<"$out"; then
    echo 0
  else
    awk '/Requests\/sec/ {print $2}' <<<"$out"
  fi
}

# The nginx config: one location per route, its body a captured file, its headers the
# daemon's (add_header), its content type the daemon's.
write_nginx_conf() {
  local workers=$1 port=$2 locations=$3
  mkdir -p "$TMP/nginx"
  cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes $workers;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  keepalive_requests 100000000;
  # nginx at its best for small files: descriptors kept open, no ETag to compute.
  open_file_cache max=1000 inactive=60s;
  etag off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root $TMP/www;
$(cat "$locations")
  }
}
EOF
}

# Routes a client polls (GET, no side effect), as the route table declares them; {symbol}
# and {id} filled below. Not here: routes that read the database (orders, alerts, audit,
# users, backtests: no database in this run) and admin-only ones (logs, stats need a token).
ROUTES=(
  /health /api/health /api/status
  /api/engine/status /api/engine/metrics /api/engine/signals "/api/engine/signals/{symbol}" /signals
  /api/trading/status /api/trading/trades /api/trading/positions /market/positions
  /api/portfolios "/api/portfolios/{id}" "/api/portfolios/{id}/performance"
  "/api/risk/status/{id}" "/api/risk/metrics/{id}" "/api/risk/limits/{id}" "/api/risk/var/{id}"
  /api/symbols "/api/market/{symbol}?limit=100" "/api/market/price/{symbol}" "/api/market/regime/{symbol}"
  /api/strategies /api/strategies/holdings /api/strategies/meta/strategy-classes
)

printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
for threads in $THREAD_COUNTS; do
  PORT=$(free_port)
  # The rate limiter stays in the path (its cost counted) with a limit no load here reaches.
  "$BIN" serve --port "$PORT" --database-url "" --threads "$threads" --log-level warn \
    --rate-limit 1000000/s --rate-burst 1000000 >"$TMP/daemon.log" 2>&1 &
  DAEMON_PID=$!
  wait_port "$PORT"
  sleep 2  # the simulated feed's first bars and signals, so the answers are not empty
  symbol=$(curl -sf "http://127.0.0.1:$PORT/api/symbols" | grep -o '"symbol":"[^"]*"' | head -1 | cut -d'"' -f4 || true)
  symbol=${symbol:-BTCUSD}
  portfolio=$(curl -sf "http://127.0.0.1:$PORT/api/portfolios" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2 || true)
  portfolio=${portfolio:-1}
  rm -rf "$TMP/www" && mkdir -p "$TMP/www"
  : >"$TMP/locations"
  targets=()
  n=0
  for route in "${ROUTES[@]}"; do
    target=${route//\{symbol\}/$(printf %s "$symbol" | sed 's|/|%2F|g')}
    target=${target//\{id\}/$portfolio}
    grep -qE "$ROUTE_FILTER" <<<"$target" || continue
    n=$((n + 1))
    if ! curl -sf -D "$TMP/www/r$n.headers" -o "$TMP/www/r$n" "http://127.0.0.1:$PORT$target"; then
      printf 'skipped %s: the daemon does not answer it 200\n' "$target"
      continue
    fi
    targets+=("$n $target")
    {
      printf '    location = /r%s {\n' "$n"
      type=$(awk -F': ' 'tolower($1)=="content-type" {sub(/\r$/, "", $2); print $2}' "$TMP/www/r$n.headers")
      printf '      default_type "%s";\n      types { }\n' "${type:-application/json}"
      # The daemon's own headers, so both answers are the same size on the wire.
      awk -F': ' 'NR > 1 && NF > 1 {h=tolower($1); sub(/\r$/, "", $2);
        if (h != "content-type" && h != "content-length" && h != "date" && h != "server" && h != "connection")
          printf "      add_header %s \"%s\" always;\n", $1, $2}' "$TMP/www/r$n.headers"
      printf '    }\n'
    } >>"$TMP/locations"
  done
  NPORT=$(free_port)
  write_nginx_conf "$threads" "$NPORT" "$TMP/locations"
  "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" &
  NGINX_PID=$!
  wait_port "$NPORT"

  printf '\n== --threads %s vs nginx %s worker(s); %ss per run, wrk -t2 -c64; load average %s ==\n' \
    "$threads" "$threads" "$DURATION" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-44s %7s %11s %11s %7s\n' route bytes daemon nginx ratio
  sum_ratio=0 count=0
  for entry in "${targets[@]}"; do
    read -r i target <<<"$entry"
    d=$(rps "http://127.0.0.1:$PORT$target")
    g=$(rps "http://127.0.0.1:$NPORT/r$i")
    ratio=$(awk -v d="$d" -v g="$g" 'BEGIN { if (g > 0) printf "%.2f", d / g; else print "-" }')
    printf '%-44s %7s %11s %11s %7s\n' "$target" "$(wc -c <"$TMP/www/r$i")" "$d" "$g" "$ratio"
    if [ "$ratio" != "-" ]; then
      sum_ratio=$(awk -v s="$sum_ratio" -v r="$ratio" 'BEGIN { print s + r }')
      count=$((count + 1))
    fi
  done
  [ "$count" -gt 0 ] && printf 'mean ratio over %s routes: %s\n' "$count" \
    "$(awk -v s="$sum_ratio" -v c="$count" 'BEGIN { printf "%.2f", s / c }')"
  stop_children
done
printf '\nload average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
