#include "meridian/engine/strategy_params.hpp"

#include <nlohmann/json.hpp>

namespace meridian::engine {

std::string encode_strategy(const StrategyConfig& config) {
  nlohmann::json j{{"class", strategies::SmaCrossover::kClassName},
                   {"fast_period", config.sma.fast_period},
                   {"slow_period", config.sma.slow_period},
                   {"position_fraction", config.position_fraction},
                   {"timeframe", core::to_string(config.timeframe)}};
  return j.dump();
}

namespace {
bool read_int(const nlohmann::json& j, const char* key, int lo, int hi, int& out, ParamError& error) {
  auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_number_integer()) {
    error = {key, std::string(key) + " must be an integer"};
    return false;
  }
  const auto v = it->get<long long>();
  if (v < lo || v > hi) {
    error = {key, std::string(key) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi)};
    return false;
  }
  out = static_cast<int>(v);
  return true;
}
}  // namespace

std::optional<StrategyConfig> decode_strategy(std::string_view json, const StrategyConfig& base, ParamError& error) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = {"strategy", "strategy must be a JSON object"};
    return std::nullopt;
  }
  StrategyConfig out = base;
  if (auto it = j.find("class"); it != j.end()) {
    if (!it->is_string() || it->get<std::string>() != strategies::SmaCrossover::kClassName) {
      error = {"class", "unknown strategy class; available: sma_crossover"};
      return std::nullopt;
    }
  }
  if (!read_int(j, "fast_period", 1, 1000, out.sma.fast_period, error)) return std::nullopt;
  if (!read_int(j, "slow_period", 2, 1000, out.sma.slow_period, error)) return std::nullopt;
  if (out.sma.fast_period >= out.sma.slow_period) {
    error = {"fast_period", "fast_period must be less than slow_period"};
    return std::nullopt;
  }
  if (auto it = j.find("position_fraction"); it != j.end()) {
    if (!it->is_number() || !(it->get<double>() > 0.0 && it->get<double>() <= 1.0)) {
      error = {"position_fraction", "position_fraction must be a number in (0, 1]"};
      return std::nullopt;
    }
    out.position_fraction = it->get<double>();
  }
  if (auto it = j.find("timeframe"); it != j.end()) {
    if (!it->is_string() || it->get<std::string>() != "1m") {
      error = {"timeframe", "timeframe must be \"1m\" (other timeframes are not available yet)"};
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace meridian::engine
