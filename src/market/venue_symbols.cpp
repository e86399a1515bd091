#include "meridian/market/venue_symbols.hpp"

#include <strings.h>
#include <stdexcept>

namespace meridian::market {

VenueSymbols::VenueSymbols(const core::InstrumentTable& table,
                           const std::function<std::string(const core::Instrument&)>& name_of)
    : table_(&table), by_id_(table.size()) {
  for (const auto& inst : table.all()) {
    auto name = name_of(inst);
    if (name.empty()) continue;
    if (find(name)) throw std::invalid_argument("two instruments map to venue symbol " + name);
    by_id_[inst.id] = std::move(name);
  }
}

std::optional<core::SymbolId> VenueSymbols::find(std::string_view venue_symbol) const noexcept {
  if (venue_symbol.empty()) return std::nullopt;
  for (std::size_t i = 0; i < by_id_.size(); ++i) {
    const auto& s = by_id_[i];
    if (s.size() == venue_symbol.size() && strncasecmp(s.data(), venue_symbol.data(), s.size()) == 0)
      return static_cast<core::SymbolId>(i);
  }
  return std::nullopt;
}

std::string_view VenueSymbols::venue_symbol_of(core::SymbolId id) const noexcept {
  return id < by_id_.size() ? std::string_view(by_id_[id]) : std::string_view{};
}

}  // namespace meridian::market
