#include "meridian/core/instrument.hpp"

#include <strings.h>
#include <stdexcept>

namespace meridian::core {

std::string_view to_string(AssetClass a) noexcept {
  return a == AssetClass::crypto ? "crypto" : "equity";
}

InstrumentTable::InstrumentTable(std::vector<Instrument> instruments) : items_(std::move(instruments)) {
  for (std::size_t i = 0; i < items_.size(); ++i) {
    items_[i].id = static_cast<SymbolId>(i);
    for (std::size_t j = 0; j < i; ++j)
      if (strcasecmp(items_[i].symbol.c_str(), items_[j].symbol.c_str()) == 0)
        throw std::invalid_argument("duplicate instrument " + items_[i].symbol);
  }
}

std::optional<SymbolId> InstrumentTable::find(std::string_view symbol) const noexcept {
  for (const auto& inst : items_)
    if (inst.symbol.size() == symbol.size() && strncasecmp(inst.symbol.data(), symbol.data(), symbol.size()) == 0)
      return inst.id;
  return std::nullopt;
}

std::vector<Instrument> default_instruments() {
  using A = AssetClass;
  return {
      {0, "BTC-USD", "crypto", A::crypto, "USD", 2, 6, 65000.0, 0.60},
      {0, "ETH-USD", "crypto", A::crypto, "USD", 2, 5, 3200.0, 0.70},
      {0, "SOL-USD", "crypto", A::crypto, "USD", 3, 3, 150.0, 0.90},
      {0, "AAPL", "nyse", A::equity, "USD", 2, 0, 190.0, 0.28},
      {0, "NVDA", "nyse", A::equity, "USD", 2, 0, 120.0, 0.50},
      {0, "TSLA", "nyse", A::equity, "USD", 2, 0, 240.0, 0.60},
      {0, "RELIANCE", "nse", A::equity, "INR", 2, 0, 2900.0, 0.25},
      {0, "TCS", "nse", A::equity, "INR", 2, 0, 3900.0, 0.22},
      {0, "INFY", "nse", A::equity, "INR", 2, 0, 1500.0, 0.25},
      {0, "HDFCBANK", "nse", A::equity, "INR", 2, 0, 1600.0, 0.22},
  };
}

}  // namespace meridian::core
