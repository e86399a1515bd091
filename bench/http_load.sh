#!/usr/bin/env bash
# bench/http_load.sh [seconds]
# Drives wrk against /api/engine/status and /api/trading/status with 64 keep-alive
# connections on loopback and prints req/s and p99 latency. Starts its own release
# meridiand (memory-only, so the figure is the HTTP path, not the database).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
ensure_packages "${BUILD_PACKAGES[@]}" wrk
build release
DURATION=${1:-10}
PORT=$(free_port)
BIN="$ROOT/build/release/src/meridiand"
THREADS=${MERIDIAN_THREADS:-1}  # wrk needs the other core to drive the load
# The rate limiter stays in the path (its cost counted) with a limit no load here reaches.
"$BIN" serve --port "$PORT" --database-url "" --threads "$THREADS" --log-level warn --static-dir "$ROOT/build/release/dashboard" \
  --rate-limit 1000000/s --rate-burst 1000000 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
for path in /api/engine/status /api/trading/status /health; do
  bytes=$(curl -s "http://127.0.0.1:$PORT$path" | wc -c)
  printf '\n== %s (%s-byte body, %ss, 64 connections, %s server thread(s)) ==\n' "$path" "$bytes" "$DURATION" "$THREADS"
  wrk -t2 -c64 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path" | grep -E 'Requests/sec|99%|Non-2xx|Socket errors'
done
