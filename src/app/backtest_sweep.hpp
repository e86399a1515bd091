#pragma once
// `meridiand backtest --sweep ...`: the sweep and walk-forward half of the backtest command
// (backtest_cmd.hpp), over the request object the single backtest builds from its flags.
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "meridian/app/backtest_cmd.hpp"
#include "meridian/backtest/data.hpp"

namespace meridian::app {

// `request` is the single backtest's request object (backtest::decode_request's); the sweep
// fields are added from the options and the whole decoded by backtest::decode_sweep_request.
// Exit codes as run_backtest's.
// The bars a backtest request names (database, CSV or simulator), for both halves of the
// command: nullopt with `exit` set (1: the database failed, 2: the request's data is unusable,
// each logged naming the field) or the data, a CSV's skipped rows warned about.
std::optional<backtest::LoadedData> load_cli_data(const backtest::Request& request,
                                                  const core::InstrumentTable& instruments,
                                                  const std::string& database_url, const BacktestOptions& options,
                                                  int& exit);

int run_sweep(const std::string& database_url, const BacktestOptions& options, const nlohmann::json& request,
              std::ostream& out);

}  // namespace meridian::app
