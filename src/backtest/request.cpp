#include "meridian/backtest/request.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "meridian/core/fixed.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "meridian/core/time.hpp"

namespace meridian::backtest {

namespace {

using engine::ParamError;

core::Result<core::Timestamp, ParamError> time_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return ParamError{name, std::string(name) + " is required (ISO-8601 UTC or epoch ms)"};
  std::optional<core::Timestamp> t;
  if (it->is_string())
    t = core::parse_time(it->get<std::string>());
  else if (it->is_number_integer())
    t = core::from_epoch_ms(it->get<std::int64_t>());
  if (!t) return ParamError{name, std::string(name) + " must be an ISO-8601 UTC time or epoch milliseconds"};
  return *t;
}

// A number in [min, max] when present (the default otherwise).
core::Result<double, ParamError> number_field(const nlohmann::json& j, const char* name, double fallback, double min,
                                              double max) {
  auto it = j.find(name);
  if (it == j.end()) return fallback;
  const double v = it->is_number() ? it->get<double>() : std::nan("");
  if (!(v >= min && v <= max))
    return ParamError{name,
                      std::string(name) + " must be a number in [" + nlohmann::json(min).dump() + ", " +
                          nlohmann::json(max).dump() + "]",
                      it->is_number() ? "out_of_range" : "invalid_field"};
  return v;
}

}  // namespace

core::Result<DataSource, ParamError> parse_data_source(std::string_view text) {
  DataSource out;
  if (text == "db") return out;
  if (text.starts_with("csv:") && text.size() > 4) {
    out.kind = DataSource::Kind::csv;
    out.path = std::string(text.substr(4));
    return out;
  }
  if (text.starts_with("sim:")) {
    const auto digits = text.substr(4);
    out.kind = DataSource::Kind::sim;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.seed);
    if (!digits.empty() && ec == std::errc{} && end == digits.data() + digits.size()) return out;
  }
  return ParamError{"data", "data must be db, csv:FILE or sim:SEED (a whole number)"};
}

std::string to_string(const DataSource& source) {
  switch (source.kind) {
    case DataSource::Kind::csv: return "csv:" + source.path;
    case DataSource::Kind::sim: return "sim:" + std::to_string(source.seed);
    case DataSource::Kind::db: break;
  }
  return "db";
}

core::Result<Request, ParamError> decode_request(const nlohmann::json& j, const core::InstrumentTable& instruments) {
  if (!j.is_object()) return ParamError{"body", "the request must be a JSON object"};
  Request out;
  static const char* const kKnown[] = {"strategy", "symbols",         "from",    "to",
                                       "data",     "initial_capital", "fee_bps", "slippage_bps"};
  for (const auto& [key, value] : j.items()) {
    (void)value;
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown))
      return ParamError{key, "unknown field " + key};
  }

  auto strategy_it = j.find("strategy");
  if (strategy_it == j.end()) return ParamError{"strategy", "strategy is required ({\"class\": ..., parameters})"};
  if (!strategy_it->is_object() || !strategy_it->contains("class"))
    return ParamError{"strategy.class", "strategy must be an object naming its class"};
  auto strategy = engine::decode_strategy(*strategy_it, engine::StrategyConfig{});
  if (!strategy) {
    auto e = strategy.error();
    e.field = "strategy." + e.field;
    return e;
  }
  out.spec.strategy = *strategy;

  auto symbols_it = j.find("symbols");
  if (symbols_it == j.end() || !symbols_it->is_array() || symbols_it->empty())
    return ParamError{"symbols", "symbols must be a non-empty array of symbol names"};
  for (const auto& s : *symbols_it) {
    const auto id = s.is_string() ? core::resolve_symbol(instruments, s.get_ref<const std::string&>()) : std::nullopt;
    if (!id) return ParamError{"symbols", "unknown symbol " + (s.is_string() ? s.get<std::string>() : s.dump())};
    if (std::find(out.spec.symbols.begin(), out.spec.symbols.end(), *id) == out.spec.symbols.end())
      out.spec.symbols.push_back(*id);
  }

  auto from = time_field(j, "from");
  if (!from) return from.error();
  auto to = time_field(j, "to");
  if (!to) return to.error();
  if (*from >= *to) return ParamError{"to", "to must be after from"};
  out.spec.from = *from;
  out.spec.to = *to;

  if (auto it = j.find("data"); it != j.end()) {
    if (!it->is_string()) return ParamError{"data", "data must be db, csv:FILE or sim:SEED"};
    auto source = parse_data_source(it->get<std::string>());
    if (!source) return source.error();
    out.data = *source;
  }

  // Capital becomes ledger money: whole units inside what the ledger holds (core/fixed.hpp).
  constexpr double kMaxCapital = static_cast<double>(core::kMaxFixedRaw / core::kFixedScale) / 1000.0;
  auto capital = number_field(j, "initial_capital", 100'000.0, 1.0, kMaxCapital);
  if (!capital) return capital.error();
  out.spec.initial_capital = core::Money::from_double(*capital);
  auto fee = number_field(j, "fee_bps", out.spec.paper.fees.taker_bps, 0.0, 1000.0);
  if (!fee) return fee.error();
  if (j.contains("fee_bps")) {
    out.spec.paper.fees.maker_bps = out.spec.paper.fees.taker_bps = *fee;
    out.spec.paper.venue_fees.clear();
  }
  auto slippage = number_field(j, "slippage_bps", out.spec.paper.slippage_bps, 0.0, 1000.0);
  if (!slippage) return slippage.error();
  out.spec.paper.slippage_bps = *slippage;
  return out;
}

}  // namespace meridian::backtest
