#!/usr/bin/env bash
# bench/restart_bench.sh [runs]
# Restart time to serving with a large history: one million trades (with their orders), a
# year of 1-minute bars for the ten default symbols (5,256,000 rows), and the demo user and
# portfolio 1. Times `meridiand serve` from exec until its --port-file appears and until
# /health answers, `runs` times (default 3), and prints min/median. Goal (issue 6): < 2 s.
#
# Database: a fresh one on the server in DATABASE_URL, dropped on exit; without DATABASE_URL
# the private cluster of scripts/lib/common.sh (pg_start). Binary: $MERIDIAND, or the release
# build (built if needed). Each run's recovery report and start-up log lines are printed.
# Set KEEP_DB=1 to keep the seeded database (for EXPLAIN ANALYZE or perf afterwards).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
RUNS=${1:-3}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "usage: bench/restart_bench.sh [runs]"

if [ -n "${MERIDIAND:-}" ]; then
  BIN=$MERIDIAND
else
  build release
  BIN="$ROOT/build/release/src/meridiand"
fi
[ -x "$BIN" ] || die "no meridiand at $BIN"
[ -n "${DATABASE_URL:-}" ] || pg_start
command -v psql >/dev/null || die "psql is needed"
command -v curl >/dev/null || die "curl is needed"

# `$DATABASE_URL` with its database replaced: a URL takes a dbname query parameter (it wins
# over the path), a key=value string a later dbname=.
with_database() {
  case "$DATABASE_URL" in
    *://*\?*) echo "$DATABASE_URL&dbname=$1" ;;
    *://*) echo "$DATABASE_URL?dbname=$1" ;;
    *) echo "$DATABASE_URL dbname=$1" ;;
  esac
}

DB="meridian_restart_bench_$$"
URL=$(with_database "$DB")
WORK=$(mktemp -d)
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  if [ "${KEEP_DB:-0}" = 1 ]; then
    log "kept database: $URL"
  else
    psql_url "$DATABASE_URL" -qAtc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
psql_url "$DATABASE_URL" -qAtc "CREATE DATABASE \"$DB\"" >/dev/null
DATABASE_URL=$URL "$BIN" migrate --log-level warn

log "seeding $DB: 1,000,000 trades and orders, 5,256,000 one-minute bars"
SEED_START=$(date +%s)
psql_url "$URL" -q -v ON_ERROR_STOP=1 <<'SQL'
-- The rows are consistent by construction (every trade has its order, portfolio 1 exists),
-- so the per-row foreign-key triggers are skipped while seeding (superuser only).
SET session_replication_role = replica;
BEGIN;
-- As recovery's ensure_portfolio creates them on a first start (--initial-capital 100000).
INSERT INTO users (email, first_name, last_name, role, capital)
  VALUES ('demo@meridian.local', 'Demo', 'Trader', 'admin', 100000);
INSERT INTO portfolios (id, user_id, name, initial_cash, cash)
  SELECT 1, id, 'default', 100000, 100000 FROM users WHERE email = 'demo@meridian.local';
\o /dev/null
SELECT setval(pg_get_serial_sequence('portfolios', 'id'), 1);
\o

-- Trade n belongs to pair k = (n - 1) / 2 on symbol k % 10: a buy of 1 then a sell of 1 at
-- the buy price plus d = ((k % 7) - 3) cents, so every position is flat after its pair and
-- each sell realises exactly d. Prices have two decimals and the fee is a flat cent, so
-- every amount is exact in NUMERIC(28, 8) and in the ledger's fixed point.
CREATE TEMP TABLE seed_trades AS
SELECT n AS id,
       (ARRAY['BTC-USD', 'ETH-USD', 'SOL-USD', 'AAPL', 'NVDA', 'TSLA', 'RELIANCE', 'TCS', 'INFY', 'HDFCBANK'])
         [(n - 1) / 2 % 10 + 1] AS symbol,
       CASE WHEN n % 2 = 1 THEN 'buy' ELSE 'sell' END AS side,
       1::numeric AS quantity,
       round(((ARRAY[65000, 3200, 150, 190, 120, 240, 2900, 3900, 1500, 1600])[(n - 1) / 2 % 10 + 1]
              * (1 + 0.05 * sin((n - 1) / 2 / 1000.0)))::numeric, 2)
         + CASE WHEN n % 2 = 0 THEN (((n - 1) / 2 % 7) - 3) * 0.01 ELSE 0 END AS price,
       0.01::numeric AS fee,
       CASE WHEN n % 2 = 0 THEN (((n - 1) / 2 % 7) - 3) * 0.01 ELSE 0 END AS realized_pnl,
       date_trunc('minute', now()) - interval '365 days' + n * interval '31.5 seconds' AS executed_at
  FROM generate_series(1, 1000000) AS n;

-- As the journal writes them: a filled market order per trade, then the trade. The trades go
-- in with triggers on, as in production: the database folds them into trade_totals
-- (sql/005_trade_totals.sql), which recovery reconciles against instead of replaying them.
INSERT INTO orders (id, portfolio_id, symbol, side, type, quantity, status, strategy, created_at, updated_at)
  SELECT id, 1, symbol, side, 'market', quantity, 'filled', 'sma_crossover', executed_at, executed_at
    FROM seed_trades ORDER BY id;
SET session_replication_role = origin;
INSERT INTO trades (id, order_id, portfolio_id, symbol, side, quantity, price, fee, realized_pnl, strategy,
                    executed_at, strategy_id)
  SELECT id, id, 1, symbol, side, quantity, price, fee, realized_pnl, 'sma_crossover', executed_at, 1
    FROM seed_trades ORDER BY id;
SET session_replication_role = replica;
-- The checkpoint the trade log replays to: flat positions with their realised P&L, and cash.
INSERT INTO positions (portfolio_id, symbol, quantity, cost_basis, realized_pnl, updated_at)
  SELECT 1, symbol, 0, 0, sum(realized_pnl), max(executed_at) FROM seed_trades GROUP BY symbol;
UPDATE portfolios
   SET cash = 100000 + s.flow - s.fees, fees_paid = s.fees
  FROM (SELECT sum(CASE WHEN side = 'sell' THEN price * quantity ELSE -price * quantity END) AS flow,
               sum(fee) AS fees FROM seed_trades) s
 WHERE id = 1;

-- A year of 1m bars per symbol, the newest a minute ago, ordered as they would have arrived.
INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, volume)
SELECT symbol, '1m', t0 + m * interval '1 minute', o, greatest(o, c) + tick, least(o, c) - tick, c, 100 + m % 50
  FROM (SELECT s.symbol, m, date_trunc('minute', now()) - interval '525600 minutes' AS t0,
               round((s.ref * (1 + 0.05 * sin((m - 1) / 500.0 + s.i)))::numeric, 2) AS o,
               round((s.ref * (1 + 0.05 * sin(m / 500.0 + s.i)))::numeric, 2) AS c,
               0.01 AS tick
          FROM unnest(ARRAY['BTC-USD', 'ETH-USD', 'SOL-USD', 'AAPL', 'NVDA', 'TSLA', 'RELIANCE', 'TCS', 'INFY',
                            'HDFCBANK'],
                      ARRAY[65000, 3200, 150, 190, 120, 240, 2900, 3900, 1500, 1600]) WITH ORDINALITY
                 AS s(symbol, ref, i),
               generate_series(0, 525599) AS m
         ORDER BY s.i, m) bars;
COMMIT;
-- Steady state, as autovacuum would leave it: statistics and the visibility map.
VACUUM ANALYZE;
SQL
log "seeded in $(( $(date +%s) - SEED_START )) s: $(psql_url "$URL" -qAtc \
  "SELECT (SELECT count(*) FROM trades) || ' trades, ' || (SELECT count(*) FROM market_data) || ' bars, '
          || pg_size_pretty(pg_database_size(current_database()))")"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
declare -a PORT_MS HEALTH_MS
for run in $(seq 1 "$RUNS"); do
  PORT_FILE="$WORK/port.$run"
  LOG="$WORK/log.$run"
  started_at=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)  # the log's format, so the two line up
  start=$(now_ms)
  DATABASE_URL=$URL "$BIN" serve --port 0 --port-file "$PORT_FILE" --log-level info \
    --static-dir "$ROOT/build/release/dashboard" >"$LOG" 2>&1 &
  PID=$!
  until [ -s "$PORT_FILE" ]; do
    kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; die "meridiand exited during start-up"; }
    sleep 0.002
  done
  port_at=$(now_ms)
  PORT=$(cat "$PORT_FILE")
  code=000
  for _ in $(seq 1 5000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health" || true)
    [ "$code" != 000 ] && break
    sleep 0.002
  done
  health_at=$(now_ms)
  PORT_MS+=($((port_at - start)))
  HEALTH_MS+=($((health_at - start)))
  printf '\n== run %d: port file after %d ms, /health %s after %d ms ==\n%s exec\n' "$run" $((port_at - start)) \
    "$code" $((health_at - start)) "$started_at"
  # The start-up log up to listening: its timestamps show where the time went.
  sed -n '1,/listening on/p' "$LOG" | grep -Ev '^\s*$' | head -20 || true
  kill -TERM "$PID"
  wait "$PID" 2>/dev/null || true
  PID=""
done

stats() {
  local sorted
  sorted=($(printf '%s\n' "$@" | sort -n))
  printf 'min %d ms, median %d ms (of %d)' "${sorted[0]}" "${sorted[$(( ${#sorted[@]} / 2 ))]}" "${#sorted[@]}"
}
printf '\n== restart to serving, %s trades, %s bars ==\n' 1000000 5256000
printf 'port file: %s\n' "$(stats "${PORT_MS[@]}")"
printf '/health:   %s   (goal: under 2000 ms)\n' "$(stats "${HEALTH_MS[@]}")"
