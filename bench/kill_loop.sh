#!/usr/bin/env bash
# bench/kill_loop.sh [kills]
# The e2e crash check (Durability.*) with many more kill -9 points than the test suite's 20
# (default 200): each kill at a random moment while trading, then a restart on the same
# database, checking that every trade a WebSocket or REST client saw is stored and served once
# and that cash and positions equal a replay of the trade log. Prints a summary: kills, trades
# seen and stored, and restart-to-healthy times (median, p99, max).
#   BUILD_DIR=build/asan bench/kill_loop.sh 50   # use an existing build instead of `release`
#   MERIDIAN_E2E_SEED=123 bench/kill_loop.sh     # replay the kill points of an earlier run
# Uses $DATABASE_URL, or starts the private cluster of scripts/ (.run/pg).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
KILLS=${1:-200}
if [ -n "${BUILD_DIR:-}" ]; then
  BUILD="$ROOT/${BUILD_DIR#"$ROOT"/}"
else
  ensure_packages "${BUILD_PACKAGES[@]}"
  build release
  BUILD="$ROOT/build/release"
fi
TESTS="$BUILD/tests/e2e/meridian_e2e_tests"
[ -x "$TESTS" ] || die "$TESTS not built"
[ -n "${DATABASE_URL:-}" ] || pg_start

OUT=$(mktemp "${TMPDIR:-/tmp}/meridian-kill-loop.XXXXXX")
log "$KILLS kills, output in $OUT while it runs"
START=$(date +%s)
set +e
MERIDIAN_E2E_KILL_ITERATIONS=$KILLS "$TESTS" --gtest_filter='Durability.*' 2>&1 | tee "$OUT" | grep -E '^\[ (SEED|KILL) '
RC=${PIPESTATUS[0]}
set -e
ELAPSED=$(($(date +%s) - START))

# "[ KILL     ] 3/200: killed after 412 ms; seen 5 trades over /ws, 7 in GET /api/trades; 123 stored;
#  healthy again after 812 ms; ok"
sed -n 's/^\[ KILL     \] [0-9]*\/[0-9]*: .* healthy again after \([0-9]*\) ms.*/\1/p' "$OUT" | sort -n >"$OUT.ms"
DONE=$(wc -l <"$OUT.ms")
FAILED=$(grep -c '^\[ KILL     \] [0-9]*/[0-9]*: .*FAILED$' "$OUT" || true)
WS=$(sed -n 's/^\[ KILL     \] [0-9]*\/[0-9]*: .*seen \([0-9]*\) trades over \/ws.*/\1/p' "$OUT" | awk '{s+=$1} END {print s+0}')
STORED=$(sed -n 's/^\[ KILL     \] [0-9]*\/[0-9]*: .*; \([0-9]*\) stored;.*/\1/p' "$OUT" | tail -1)
pct() { [ "$DONE" -gt 0 ] && sed -n "$(( (DONE * $1 + 99) / 100 ))p" "$OUT.ms" || echo -; }
P50=$(pct 50) P99=$(pct 99) MAX=$(pct 100)
rm -f "$OUT.ms"

printf '\n== kill -9 loop: %s of %s kills checked in %ss (%s) ==\n' "$DONE" "$KILLS" "$ELAPSED" \
  "$([ "$RC" -eq 0 ] && echo 'all passed' || echo "FAILED, exit $RC")"
printf 'kills that lost or changed a trade: %s\n' "$FAILED"
printf 'trades: %s broadcast over /ws before a kill, %s stored at the end\n' "$WS" "${STORED:-0}"
printf 'restart to healthy: median %s ms, p99 %s ms, max %s ms\n' "$P50" "$P99" "$MAX"
[ "$RC" -eq 0 ] || { grep -E 'Failure|error:|seen by a client|not stored|not served' "$OUT" | head -40
  log "full output kept in $OUT"; exit "$RC"; }
rm -f "$OUT"
