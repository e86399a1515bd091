#pragma once
// What a caller asks a backtest for, as JSON: the one decoding the REST route and the CLI share
// (the CLI builds this object from its flags), so both refuse the same things the same way.
//   {"strategy": {"class": "sma_crossover", "fast_period": 5, ...},   // as a strategy instance's
//    "symbols": ["BTC-USD"], "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z",
//    "data": "db" | "csv:/path/file.csv" | "sim:42",                    // default "db"
//    "initial_capital": 100000, "fee_bps": 10, "slippage_bps": 1}      // optional
// Errors are engine::ParamError: the field at fault and a sentence, as for a strategy instance.
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "meridian/backtest/backtest.hpp"
#include "meridian/core/error.hpp"
#include "meridian/engine/strategy_params.hpp"

namespace meridian::backtest {

struct DataSource {
  enum class Kind : std::uint8_t { db, csv, sim };
  Kind kind = Kind::db;
  std::string path;        // csv
  std::uint64_t seed = 0;  // sim
};
// "db", "csv:FILE" or "sim:SEED"; the error is on "data".
core::Result<DataSource, engine::ParamError> parse_data_source(std::string_view text);
std::string to_string(const DataSource& source);

struct Request {
  BacktestSpec spec;
  DataSource data;
};

core::Result<Request, engine::ParamError> decode_request(const nlohmann::json& j,
                                                         const core::InstrumentTable& instruments);

}  // namespace meridian::backtest
