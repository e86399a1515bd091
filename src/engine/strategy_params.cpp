#include "meridian/engine/strategy_params.hpp"

#include <boost/throw_exception.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "meridian/core/fixed.hpp"

#include "meridian/strategies/registry.hpp"

namespace meridian::engine {

namespace {
bool is_sizing_field(std::string_view key) noexcept {
  return key == "sizing" || key == "risk_fraction" || key == "notional" || key == "stop_loss_pct" ||
         key == "take_profit_pct" || key == "trailing_stop_pct";
}

// Sizing and automatic exits: the same fields for every class.
core::Result<void, ParamError> decode_sizing(const nlohmann::json& j, StrategyConfig& out) {
  if (auto it = j.find("sizing"); it != j.end()) {
    const auto sizing = it->is_string() ? parse_sizing(it->get<std::string>()) : std::nullopt;
    if (!sizing) {
      return ParamError{"sizing", "sizing must be one of fraction, risk, notional, kelly"};
    }
    out.sizing = *sizing;
  }
  struct Number {
    const char* name;
    double* target;
    double max;
    bool allow_zero;
  };
  // notional becomes ledger money: at most what the ledger holds (core/fixed.hpp), whole units.
  constexpr double kMaxNotional = static_cast<double>(core::kMaxFixedRaw / core::kFixedScale);
  const Number numbers[] = {{"risk_fraction", &out.risk_fraction, 1.0, false},
                            {"notional", &out.notional, kMaxNotional, true},
                            {"stop_loss_pct", &out.exits.stop_loss_pct, 99.0, true},
                            {"take_profit_pct", &out.exits.take_profit_pct, 1000.0, true},
                            {"trailing_stop_pct", &out.exits.trailing_stop_pct, 99.0, true}};
  for (const auto& n : numbers) {
    auto it = j.find(n.name);
    if (it == j.end()) continue;
    const double v = it->is_number() ? it->get<double>() : -1.0;
    if (!it->is_number() || !(v >= 0.0) || (!n.allow_zero && v == 0.0) || v > n.max) {
      return ParamError{n.name,
                        std::string(n.name) + " must be a number in " + (n.allow_zero ? "[0, " : "(0, ") +
                            nlohmann::json(n.max).dump() + "]",
                        it->is_number() && v > n.max ? "out_of_range" : "invalid_field"};
    }
    *n.target = v;
  }
  if (out.sizing == Sizing::risk && out.exits.stop_loss_pct <= 0 && out.exits.trailing_stop_pct <= 0) {
    return ParamError{"sizing", "risk sizing needs stop_loss_pct or trailing_stop_pct: the stop sets the size"};
  }
  if (out.sizing == Sizing::notional && out.notional <= 0) {
    return ParamError{"notional", "notional sizing needs notional > 0"};
  }
  return {};
}
}  // namespace

nlohmann::json strategy_json(const StrategyConfig& config) {
  nlohmann::json j{{"class", config.class_name},
                   {"position_fraction", config.position_fraction},
                   {"timeframe", core::to_string(config.timeframe)},
                   {"sizing", to_string(config.sizing)},
                   {"risk_fraction", config.risk_fraction},
                   {"notional", config.notional},
                   {"stop_loss_pct", config.exits.stop_loss_pct},
                   {"take_profit_pct", config.exits.take_profit_pct},
                   {"trailing_stop_pct", config.exits.trailing_stop_pct}};
  if (const auto* cls = strategies::find_strategy_class(config.class_name)) {
    for (std::size_t i = 0; i < cls->params.size(); ++i) {
      const auto& spec = cls->params[i];
      if (spec.kind == strategies::ParamKind::integer)
        j[std::string(spec.name)] = config.params.integer(i);
      else
        j[std::string(spec.name)] = config.params.number(i);
    }
  }
  return j;
}

std::string encode_strategy(const StrategyConfig& config) {
  return strategy_json(config).dump();
}

void throw_exception_from_error(const ParamError& e, const boost::source_location& loc) {
  boost::throw_exception(std::invalid_argument(e.field + ": " + e.message), loc);
}

core::Result<StrategyConfig, ParamError> decode_strategy(const nlohmann::json& j, const StrategyConfig& base) {
  if (!j.is_object()) return ParamError{"strategy", "strategy must be a JSON object"};
  StrategyConfig out = base;
  const strategies::StrategyClass* cls = strategies::find_strategy_class(base.class_name);
  if (auto it = j.find("class"); it != j.end()) {
    const auto* named = it->is_string() ? strategies::find_strategy_class(it->get<std::string>()) : nullptr;
    if (!named) {
      std::string known;
      for (const auto& c : strategies::strategy_classes()) known += (known.empty() ? "" : ", ") + std::string(c.name);
      return ParamError{"class", "unknown strategy class; available: " + known};
    }
    if (named != cls) {
      // Another class starts from its own defaults, not from the old class's values.
      cls = named;
      out.class_name = cls->name;
      out.params = strategies::ParamValues(cls->params);
    }
  }
  if (!cls) {
    return ParamError{"class", "unknown strategy class"};
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& key = it.key();
    if (key == "class" || key == "position_fraction" || key == "timeframe" || is_sizing_field(key)) continue;
    std::size_t index = cls->params.size();
    for (std::size_t i = 0; i < cls->params.size(); ++i)
      if (cls->params[i].name == key) index = i;
    if (index == cls->params.size()) {
      return ParamError{key, "unknown parameter " + key + " for " + std::string(cls->name)};
    }
    const auto& spec = cls->params[index];
    const bool ok = spec.kind == strategies::ParamKind::integer ? it->is_number_integer() : it->is_number();
    if (!ok) {
      return ParamError{
          key, key + (spec.kind == strategies::ParamKind::integer ? " must be an integer" : " must be a number")};
    }
    out.params.set(index, it->get<double>());
  }
  for (std::size_t i = 0; i < cls->params.size(); ++i) {
    if (auto msg = strategies::check_param(cls->params[i], out.params.number(i))) {
      return ParamError{std::string(cls->params[i].name), *msg};
    }
  }
  if (cls->validate) {
    if (auto msg = cls->validate(out.params)) {
      // Cross-parameter rules name their first parameter at the start of the message.
      return ParamError{msg->substr(0, msg->find(' ')), *msg};
    }
  }
  if (auto it = j.find("position_fraction"); it != j.end()) {
    if (!it->is_number() || !(it->get<double>() > 0.0 && it->get<double>() <= 1.0)) {
      return ParamError{"position_fraction", "position_fraction must be a number in (0, 1]"};
    }
    out.position_fraction = it->get<double>();
  }
  if (auto sized = decode_sizing(j, out); !sized) return sized.error();
  if (auto it = j.find("timeframe"); it != j.end()) {
    if (!it->is_string() || it->get<std::string>() != "1m") {
      return ParamError{"timeframe", "timeframe must be \"1m\" (other timeframes are not available yet)"};
    }
  }
  return out;
}

core::Result<StrategyConfig, ParamError> decode_strategy_text(std::string_view json, const StrategyConfig& base) {
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded()) return ParamError{"strategy", "strategy must be a JSON object"};
  return decode_strategy(j, base);
}

}  // namespace meridian::engine
