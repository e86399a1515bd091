#include "meridian/backtest/data.hpp"

#include "meridian/market/csv_bars.hpp"
#include "meridian/market/simulated_prices.hpp"
#include "meridian/storage/bar_store.hpp"

namespace meridian::backtest {

namespace {

using engine::ParamError;

// The simulator's step for backtests: a minute's bar from six ticks instead of sixty keeps a
// year of data seconds away; the seed still fixes every price.
constexpr auto kSimStep = std::chrono::seconds(10);

market::ReplayData simulate(const Request& r, const core::InstrumentTable& instruments) {
  market::SimConfig sim;
  sim.seed = r.data.seed;
  sim.time_step = kSimStep;
  market::SimulatedPrices prices(instruments, sim, r.spec.from);
  const auto minutes = static_cast<std::size_t>((r.spec.to - r.spec.from) / std::chrono::minutes(1));
  market::ReplayData all;
  all.series = prices.generate_series(minutes, r.spec.to);
  return select(all, r.spec);
}

}  // namespace

core::Result<LoadedData, ParamError> load_data(const Request& r, const core::InstrumentTable& instruments,
                                               const std::string& database_url, std::uint64_t max_bars) {
  const auto minutes = static_cast<std::uint64_t>((r.spec.to - r.spec.from) / std::chrono::minutes(1));
  const auto per = r.data.kind == DataSource::Kind::sim ? instruments.size() : r.spec.symbols.size();
  if (minutes * per > max_bars)
    return ParamError{"to",
                      "the range holds up to " + std::to_string(minutes * per) + " one-minute bars; the limit is " +
                          std::to_string(max_bars),
                      "too_large"};
  if (r.data.kind == DataSource::Kind::db && database_url.empty())
    return ParamError{"data", "data db needs a database (--database-url or DATABASE_URL); or use csv:FILE or sim:SEED"};
  LoadedData out;
  switch (r.data.kind) {
    case DataSource::Kind::sim: out.bars = simulate(r, instruments); break;
    case DataSource::Kind::csv: {
      if (r.spec.symbols.size() != 1)
        return ParamError{"data", "a CSV holds the bars of one symbol: give exactly one symbol with csv:FILE"};
      market::CsvOptions options;
      options.symbol = r.spec.symbols.front();
      auto csv = market::read_csv_bars(r.data.path, options);
      if (!csv.error.empty()) return ParamError{"data", csv.error};
      out.bad_rows = csv.bad.total();
      market::ReplayData all;
      all.series.push_back(std::move(csv.bars));
      out.bars = select(all, r.spec);
      break;
    }
    case DataSource::Kind::db:
      out.bars.series.reserve(r.spec.symbols.size());
      for (auto id : r.spec.symbols) {
        auto loaded = storage::load_bars(database_url, instruments.at(id).symbol, id, core::Timeframe::m1,
                                         {r.spec.from, r.spec.to});
        out.bars.series.push_back(std::move(loaded.bars));
      }
      break;
  }
  std::string missing;
  for (std::size_t k = 0; k < r.spec.symbols.size(); ++k)
    if (out.bars.series[k].empty()) missing += (missing.empty() ? "" : ", ") + instruments.at(r.spec.symbols[k]).symbol;
  if (!missing.empty())
    return ParamError{"symbols",
                      "no bars for " + missing + " from " + core::to_iso8601(r.spec.from) + " to " +
                          core::to_iso8601(r.spec.to) + " in " + to_string(r.data),
                      "no_data"};
  return out;
}

}  // namespace meridian::backtest
