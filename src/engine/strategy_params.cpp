#include "meridian/engine/strategy_params.hpp"

#include <nlohmann/json.hpp>

#include "meridian/strategies/registry.hpp"

namespace meridian::engine {

std::string encode_strategy(const StrategyConfig& config) {
  nlohmann::json j{{"class", config.class_name},
                   {"position_fraction", config.position_fraction},
                   {"timeframe", core::to_string(config.timeframe)}};
  if (const auto* cls = strategies::find_strategy_class(config.class_name)) {
    for (std::size_t i = 0; i < cls->params.size(); ++i) {
      const auto& spec = cls->params[i];
      if (spec.kind == strategies::ParamKind::integer)
        j[std::string(spec.name)] = config.params.integer(i);
      else
        j[std::string(spec.name)] = config.params.number(i);
    }
  }
  return j.dump();
}

std::optional<StrategyConfig> decode_strategy(std::string_view json, const StrategyConfig& base, ParamError& error) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = {"strategy", "strategy must be a JSON object"};
    return std::nullopt;
  }
  StrategyConfig out = base;
  const strategies::StrategyClass* cls = strategies::find_strategy_class(base.class_name);
  if (auto it = j.find("class"); it != j.end()) {
    const auto* named = it->is_string() ? strategies::find_strategy_class(it->get<std::string>()) : nullptr;
    if (!named) {
      std::string known;
      for (const auto& c : strategies::strategy_classes()) known += (known.empty() ? "" : ", ") + std::string(c.name);
      error = {"class", "unknown strategy class; available: " + known};
      return std::nullopt;
    }
    if (named != cls) {
      // Another class starts from its own defaults, not from the old class's values.
      cls = named;
      out.class_name = cls->name;
      out.params = strategies::ParamValues(cls->params);
    }
  }
  if (!cls) {
    error = {"class", "unknown strategy class"};
    return std::nullopt;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& key = it.key();
    if (key == "class" || key == "position_fraction" || key == "timeframe") continue;
    std::size_t index = cls->params.size();
    for (std::size_t i = 0; i < cls->params.size(); ++i)
      if (cls->params[i].name == key) index = i;
    if (index == cls->params.size()) {
      error = {key, "unknown parameter " + key + " for " + std::string(cls->name)};
      return std::nullopt;
    }
    const auto& spec = cls->params[index];
    const bool ok = spec.kind == strategies::ParamKind::integer ? it->is_number_integer() : it->is_number();
    if (!ok) {
      error = {key, key + (spec.kind == strategies::ParamKind::integer ? " must be an integer" : " must be a number")};
      return std::nullopt;
    }
    out.params.set(index, it->get<double>());
  }
  for (std::size_t i = 0; i < cls->params.size(); ++i) {
    if (auto msg = strategies::check_param(cls->params[i], out.params.number(i))) {
      error = {std::string(cls->params[i].name), *msg};
      return std::nullopt;
    }
  }
  if (cls->validate) {
    if (auto msg = cls->validate(out.params)) {
      // Cross-parameter rules name their first parameter at the start of the message.
      error = {msg->substr(0, msg->find(' ')), *msg};
      return std::nullopt;
    }
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
