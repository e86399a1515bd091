#pragma once
// `meridiand backtest --sweep ...`: the sweep and walk-forward half of the backtest command
// (backtest_cmd.hpp), over the request object the single backtest builds from its flags.
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "meridian/app/backtest_cmd.hpp"

namespace meridian::app {

// `request` is the single backtest's request object (backtest::decode_request's); the sweep
// fields are added from the options and the whole decoded by backtest::decode_sweep_request.
// Exit codes as run_backtest's.
int run_sweep(const std::string& database_url, const BacktestOptions& options, const nlohmann::json& request,
              std::ostream& out);

}  // namespace meridian::app
