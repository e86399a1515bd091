#pragma once
// trading_sessions row <-> SessionRecord.
#include <string>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/session.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

// A PostgreSQL text[] literal of symbol names (configured names: no quotes or commas).
inline std::string encode_symbol_list(const std::vector<core::SymbolId>& symbols,
                                      const core::InstrumentTable& instruments) {
  std::string out = "{";
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (i) out += ',';
    out += '"' + instruments.at(symbols[i]).symbol + '"';
  }
  return out + "}";
}

inline std::string encode_symbols(const engine::SessionRecord& rec, const core::InstrumentTable& instruments) {
  return encode_symbol_list(rec.symbols, instruments);
}

inline std::vector<core::SymbolId> decode_symbol_list(std::string_view csv, const core::InstrumentTable& instruments) {
  std::vector<core::SymbolId> out;
  while (!csv.empty()) {
    auto comma = csv.find(',');
    if (auto id = instruments.find(csv.substr(0, comma))) out.push_back(*id);
    csv = comma == std::string_view::npos ? std::string_view{} : csv.substr(comma + 1);
  }
  return out;
}

inline engine::SessionRecord decode_session(std::string_view state, std::string_view params,
                                            std::string_view symbols_csv, const core::InstrumentTable& instruments) {
  engine::SessionRecord rec;
  rec.state = engine::parse_session_state(state).value_or(engine::SessionState::stopped);
  // Recovery starts whatever it can: a stored strategy this binary refuses runs with the defaults.
  if (auto cfg = engine::decode_strategy_text(params, engine::StrategyConfig{}))
    rec.strategy = std::move(*cfg);
  else
    storage_log()->warn("recovery: stored strategy params rejected ({}); using defaults", cfg.error().message);
  rec.symbols = decode_symbol_list(symbols_csv, instruments);
  return rec;
}

}  // namespace meridian::storage
