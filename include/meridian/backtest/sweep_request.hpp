#pragma once
// What a caller asks a sweep or walk-forward for, as JSON: a backtest request (request.hpp,
// decoded by decode_request) with these fields added; the CLI builds this object from its flags.
//   "sweep": {"fast_period": [5, 10, 20],                      // values
//             "slow_period": {"from": 30, "to": 60, "step": 10}, // a range (from/to default to
//             "rsi_period": {}},                                 //   the schema's min/max)
//   "random": 50, "seed": 7,           // optional: 50 distinct combinations drawn, seeded
//   "rank": "sharpe",                  // optional: a backtest::RankBy name (default sharpe)
//   "threads": 2,                      // optional: 0 or absent: every core
//   "walk_forward": {"windows": 4, "in_sample": 0.7}   // optional
// Errors are engine::ParamError naming the field ("sweep.fast_period", "rank", ...).
#include <nlohmann/json_fwd.hpp>
#include <optional>

#include "meridian/backtest/request.hpp"
#include "meridian/backtest/sweep.hpp"
#include "meridian/backtest/walk_forward.hpp"

namespace meridian::backtest {

inline constexpr unsigned kMaxSweepThreads = 256;

struct SweepRequest {
  Request request;  // the base backtest: strategy, symbols, range, data, capital, fees
  SweepSpec sweep;  // sweep.base is request.spec
  std::optional<WalkForwardSpec> walk_forward;
};

// Also expands the combinations once (expand) so every error, the cap's included, is found here.
struct DecodedSweep {
  SweepRequest request;
  Combinations combinations;
  std::vector<Window> windows;  // walk-forward only
};

core::Result<DecodedSweep, engine::ParamError> decode_sweep_request(const nlohmann::json& j,
                                                                    const core::InstrumentTable& instruments);

}  // namespace meridian::backtest
