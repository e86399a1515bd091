#pragma once
// The one JSON mapping of a session's strategy configuration, shared by the REST/WS
// commands that set it and the storage that keeps it.
//   {"class": "sma_crossover", "fast_period": 20, "slow_period": 50,
//    "position_fraction": 0.1, "timeframe": "1m"}
// A caller holding a JSON value passes it as one (strategy_json, decode_strategy); the text
// forms are for storage, which keeps the configuration as text.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "meridian/core/error.hpp"
#include "meridian/engine/session.hpp"

namespace meridian::engine {

nlohmann::json strategy_json(const StrategyConfig& config);
std::string encode_strategy(const StrategyConfig& config);  // strategy_json(config) as text

// Why a strategy configuration was refused: the field at fault and a sentence about it.
struct ParamError {
  std::string field;
  std::string message;
  std::string code = "invalid_field";  // "out_of_range": a number the ledger could not hold
};

// Lets core::Result<T, ParamError>::value() throw (std::invalid_argument with the message);
// callers test the result instead.
[[noreturn]] void throw_exception_from_error(const ParamError& e, const boost::source_location& loc);

// Decodes a JSON object over `base` (absent fields keep base's values). Anything but an
// object is an error on "strategy"; unknown classes, wrong types and out-of-range values give
// an error naming the field.
core::Result<StrategyConfig, ParamError> decode_strategy(const nlohmann::json& j, const StrategyConfig& base);

// The same from JSON text; text that is not JSON is an error on "strategy".
core::Result<StrategyConfig, ParamError> decode_strategy_text(std::string_view json, const StrategyConfig& base);

}  // namespace meridian::engine
