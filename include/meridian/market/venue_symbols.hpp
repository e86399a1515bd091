#pragma once
// One venue's names for the configured instruments, both ways. Built once from the instrument
// table with the venue's naming rule; read-only afterwards, so any thread may use it.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/instrument.hpp"

namespace meridian::market {

class VenueSymbols {
 public:
  // `name_of` gives the venue's symbol for an instrument, or "" when the venue does not list
  // it. Two instruments with one venue symbol (compared case-insensitively) is a start-up
  // error (throws std::invalid_argument). The table must outlive this object.
  VenueSymbols(const core::InstrumentTable& table, const std::function<std::string(const core::Instrument&)>& name_of);

  // Case-insensitive: "BTCUSDT" (payloads) and "btcusdt" (stream names) both match.
  std::optional<core::SymbolId> find(std::string_view venue_symbol) const noexcept;
  // The venue's symbol as the rule wrote it; empty when not listed.
  std::string_view venue_symbol_of(core::SymbolId id) const noexcept;
  const core::InstrumentTable& instruments() const noexcept { return *table_; }

 private:
  const core::InstrumentTable* table_;
  std::vector<std::string> by_id_;
};

}  // namespace meridian::market
