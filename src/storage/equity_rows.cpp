#include "equity_rows.hpp"

#include "pg_codec.hpp"

namespace meridian::storage {

namespace {

constexpr const char* kSamplesSql =
    "INSERT INTO equity_samples (portfolio_id, at, equity, cash) SELECT $1, * FROM unnest($2::timestamptz[],"
    " $3::numeric[], $4::numeric[]) ON CONFLICT (portfolio_id, at) DO NOTHING";

// Each UTC day in the batch, from what is stored for it (so a day spread over several batches
// ends up the same as one written at once).
constexpr const char* kDailySql =
    "WITH d AS (SELECT DISTINCT (u.at AT TIME ZONE 'UTC')::date AS day FROM unnest($2::timestamptz[]) AS u(at)),"
    " b AS (SELECT day, day::timestamp AT TIME ZONE 'UTC' AS lo, (day + 1)::timestamp AT TIME ZONE 'UTC' AS hi"
    "   FROM d)"
    " INSERT INTO performance_metrics (portfolio_id, day, equity, cash, realized_pnl, daily_pnl, fees, daily_return,"
    "   trade_count, win_rate, updated_at)"
    " SELECT $1, b.day, l.equity, l.cash, t.realized, l.equity - f.equity, t.fees,"
    "   CASE WHEN f.equity > 0 THEN ((l.equity - f.equity) / f.equity)::float8 END, t.n,"
    "   CASE WHEN t.closed > 0 THEN t.wins::float8 / t.closed END, now()"
    " FROM b"
    " CROSS JOIN LATERAL (SELECT equity, cash FROM equity_samples e WHERE e.portfolio_id = $1 AND e.at >= b.lo"
    "   AND e.at < b.hi ORDER BY e.at DESC LIMIT 1) l"
    " CROSS JOIN LATERAL (SELECT equity FROM equity_samples e WHERE e.portfolio_id = $1 AND e.at >= b.lo"
    "   AND e.at < b.hi ORDER BY e.at LIMIT 1) f"
    " CROSS JOIN LATERAL (SELECT count(*) AS n, COALESCE(sum(realized_pnl), 0) AS realized,"
    "   COALESCE(sum(fee), 0) AS fees, count(*) FILTER (WHERE realized_pnl > 0) AS wins,"
    "   count(*) FILTER (WHERE realized_pnl <> 0) AS closed FROM trades"
    "   WHERE portfolio_id = $1 AND executed_at >= b.lo AND executed_at < b.hi) t"
    " ON CONFLICT (portfolio_id, day) DO UPDATE SET equity = EXCLUDED.equity, cash = EXCLUDED.cash,"
    " realized_pnl = EXCLUDED.realized_pnl, daily_pnl = EXCLUDED.daily_pnl, fees = EXCLUDED.fees,"
    " daily_return = EXCLUDED.daily_return, trade_count = EXCLUDED.trade_count, win_rate = EXCLUDED.win_rate,"
    " updated_at = now()";

}  // namespace

void EquityBatch::add(const engine::EquityRecord& r) {
  at_.add(pg::text(r.ts));
  equity_.add_plain(r.equity.to_string());
  cash_.add_plain(r.cash.to_string());
}

void EquityBatch::flush(pqxx::transaction_base& tx, std::int64_t portfolio_id) {
  if (at_.empty()) return;
  const auto at = at_.str();
  tx.exec_params0(kSamplesSql, portfolio_id, at, equity_.str(), cash_.str());
  tx.exec_params0(kDailySql, portfolio_id, at);
  *this = {};
}

}  // namespace meridian::storage
