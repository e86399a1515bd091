#pragma once
// The configured instruments, built once at start-up and read-only afterwards, so any
// thread may read it without locks.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::core {

enum class AssetClass : std::uint8_t { crypto, equity };
std::string_view to_string(AssetClass a) noexcept;

struct Instrument {
  SymbolId id = 0;
  std::string symbol;  // "BTC-USD"
  std::string venue;   // "crypto", "nyse", "nse"
  AssetClass asset_class = AssetClass::crypto;
  std::string currency;            // "USD", "INR"
  int price_decimals = 2;          // tick size 10^-price_decimals
  int qty_decimals = 0;            // lot size 10^-qty_decimals
  double reference_price = 100.0;  // simulation start price
  double annual_volatility = 0.5;  // simulation sigma
};

class InstrumentTable {
 public:
  // Assigns ids in order; a duplicate symbol is a start-up error (throws).
  explicit InstrumentTable(std::vector<Instrument> instruments);

  std::size_t size() const noexcept { return items_.size(); }
  const Instrument& at(SymbolId id) const { return items_.at(id); }
  const std::vector<Instrument>& all() const noexcept { return items_; }
  // Case-insensitive, so "btc-usd" and "BTC-USD" name the same instrument.
  std::optional<SymbolId> find(std::string_view symbol) const noexcept;

 private:
  std::vector<Instrument> items_;
};

// The ten default symbols of seed 001 plus the crypto of seeds 000/003.
std::vector<Instrument> default_instruments();

}  // namespace meridian::core
