#include "meridian/storage/bar_store.hpp"

#include <pqxx/pqxx>
#include <stdexcept>

#include "pg_codec.hpp"

namespace meridian::storage {

namespace {

// Rows per INSERT: each batch travels as six array parameters, so a large import is a few
// hundred statements rather than one per row.
constexpr std::size_t kBatch = 2000;

// `{a,b,c}`: a PostgreSQL array literal. The elements (ISO-8601 times, decimal text) hold no
// character that needs quoting.
template <class Fn>
std::string array_literal(std::span<const core::Bar> bars, Fn&& element) {
  std::string out = "{";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    if (i) out += ',';
    out += element(bars[i]);
  }
  out += '}';
  return out;
}

std::string bound(const std::optional<core::Timestamp>& t, const char* otherwise) {
  return t ? pg::text(*t) : std::string(otherwise);
}

std::vector<core::Bar> bars_from(const pqxx::result& rows, core::SymbolId id, core::Timeframe timeframe) {
  std::vector<core::Bar> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(pg::bar(r, id, timeframe));
  return out;
}

}  // namespace

UpsertCounts upsert_bars(const std::string& database_url, std::string_view symbol, std::span<const core::Bar> bars) {
  for (std::size_t i = 1; i < bars.size(); ++i)
    if (bars[i].open_time <= bars[i - 1].open_time || bars[i].timeframe != bars[0].timeframe)
      throw std::invalid_argument("upsert_bars: bars must share a timeframe and have increasing open times");
  UpsertCounts counts;
  if (bars.empty()) return counts;
  pqxx::connection conn(database_url);
  pqxx::work tx(conn);
  const std::string name(symbol);
  const std::string timeframe(core::to_string(bars[0].timeframe));
  for (std::size_t first = 0; first < bars.size(); first += kBatch) {
    const auto batch = bars.subspan(first, std::min(kBatch, bars.size() - first));
    // Only rows whose values differ are rewritten, so the RETURNING rows tell inserted from
    // updated (xmax is 0 for a fresh tuple) and the rest were already there as given.
    const auto rows = tx.exec_params(
        "INSERT INTO market_data (symbol, timeframe, open_time, open, high, low, close, volume)"
        " SELECT $1, $2, t.* FROM unnest($3::timestamptz[], $4::numeric[], $5::numeric[], $6::numeric[],"
        " $7::numeric[], $8::numeric[]) AS t"
        " ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,"
        " low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume"
        " WHERE (market_data.open, market_data.high, market_data.low, market_data.close, market_data.volume)"
        " IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)"
        " RETURNING (xmax = 0) AS inserted",
        name, timeframe, array_literal(batch, [](const core::Bar& b) { return pg::text(b.open_time); }),
        array_literal(batch, [](const core::Bar& b) { return b.open.to_string(); }),
        array_literal(batch, [](const core::Bar& b) { return b.high.to_string(); }),
        array_literal(batch, [](const core::Bar& b) { return b.low.to_string(); }),
        array_literal(batch, [](const core::Bar& b) { return b.close.to_string(); }),
        array_literal(batch, [](const core::Bar& b) { return b.volume.to_string(); }));
    for (const auto& r : rows) (r[0].as<bool>() ? counts.inserted : counts.updated) += 1;
    counts.unchanged += batch.size() - rows.size();
  }
  tx.commit();
  return counts;
}

LoadedBars load_bars(const std::string& database_url, std::string_view symbol, core::SymbolId id,
                     core::Timeframe timeframe, const BarRange& range) {
  pqxx::connection conn(database_url);
  pqxx::read_transaction tx(conn);
  const std::string name(symbol);
  LoadedBars out;
  out.bars = bars_from(
      tx.exec_params("SELECT (extract(epoch from open_time) * 1000000)::bigint AS ts_us, open, high, low, close, volume"
                     " FROM market_data WHERE symbol = $1 AND timeframe = $2"
                     " AND open_time >= $3::timestamptz AND open_time < $4::timestamptz ORDER BY open_time",
                     name, std::string(core::to_string(timeframe)), bound(range.start, "-infinity"),
                     bound(range.end, "infinity")),
      id, timeframe);
  if (!out.bars.empty() || timeframe == core::Timeframe::m1) return out;

  // The 1m rows of every bucket that opens in [start, end): from the start's bucket to the
  // end of the bucket holding the last instant before `end`.
  const auto period = core::period_of(timeframe);
  std::optional<core::Timestamp> rows_from, rows_to;
  if (range.start) rows_from = core::floor_to(*range.start, period);
  if (range.end) rows_to = core::floor_to(*range.end - core::Duration(1), period) + period;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(period).count();
  out.bars = bars_from(
      tx.exec_params("SELECT (extract(epoch from bucket) * 1000000)::bigint AS ts_us,"
                     " (array_agg(open ORDER BY open_time))[1] AS open, max(high) AS high, min(low) AS low,"
                     " (array_agg(close ORDER BY open_time DESC))[1] AS close, sum(volume) AS volume"
                     " FROM (SELECT date_bin($2::interval, open_time, timestamptz '1970-01-01 00:00:00+00') AS bucket,"
                     "              open_time, open, high, low, close, volume"
                     "       FROM market_data WHERE symbol = $1 AND timeframe = '1m'"
                     "         AND open_time >= $3::timestamptz AND open_time < $4::timestamptz) m"
                     " WHERE bucket >= $5::timestamptz AND bucket < $6::timestamptz"
                     " GROUP BY bucket ORDER BY bucket",
                     name, std::to_string(seconds) + " seconds", bound(rows_from, "-infinity"),
                     bound(rows_to, "infinity"), bound(range.start, "-infinity"), bound(range.end, "infinity")),
      id, timeframe);
  out.aggregated = true;
  return out;
}

}  // namespace meridian::storage
