#pragma once
// trading_sessions row <-> SessionRecord.
#include <spdlog/spdlog.h>

#include <string>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/session.hpp"
#include "meridian/engine/strategy_params.hpp"

namespace meridian::storage {

inline engine::SessionRecord decode_session(std::string_view state, std::string_view params, std::string_view symbols_csv,
                                            const core::InstrumentTable& instruments) {
  engine::SessionRecord rec;
  rec.state = engine::parse_session_state(state).value_or(engine::SessionState::stopped);
  engine::ParamError error;
  if (auto cfg = engine::decode_strategy(params, engine::StrategyConfig{}, error))
    rec.strategy = *cfg;
  else
    spdlog::warn("recovery: stored strategy params rejected ({}); using defaults", error.message);
  while (!symbols_csv.empty()) {
    auto comma = symbols_csv.find(',');
    auto name = symbols_csv.substr(0, comma);
    if (auto id = instruments.find(name)) rec.symbols.push_back(*id);
    symbols_csv = comma == std::string_view::npos ? std::string_view{} : symbols_csv.substr(comma + 1);
  }
  return rec;
}

inline std::string encode_symbols(const engine::SessionRecord& rec, const core::InstrumentTable& instruments) {
  std::string out = "{";
  for (std::size_t i = 0; i < rec.symbols.size(); ++i) {
    if (i) out += ',';
    out += '"' + instruments.at(rec.symbols[i]).symbol + '"';
  }
  return out + "}";
}

}  // namespace meridian::storage
