#pragma once
// The one JSON mapping of a session's strategy configuration, shared by the REST/WS
// commands that set it and the storage that keeps it.
//   {"class": "sma_crossover", "fast_period": 20, "slow_period": 50,
//    "position_fraction": 0.1, "timeframe": "1m"}
#include <optional>
#include <string>
#include <string_view>

#include "meridian/engine/session.hpp"

namespace meridian::engine {

std::string encode_strategy(const StrategyConfig& config);

struct ParamError {
  std::string field;
  std::string message;
  std::string code = "invalid_field";  // "out_of_range": a number the ledger could not hold
};

// Parses a JSON object over `base` (absent fields keep base's values). Unknown classes,
// wrong types and out-of-range values give an error naming the field.
std::optional<StrategyConfig> decode_strategy(std::string_view json, const StrategyConfig& base, ParamError& error);

}  // namespace meridian::engine
