#include "meridian/market/venues/binance/symbols.hpp"

#include <cctype>

namespace meridian::market::binance {

namespace {
constexpr std::string_view kIntervals[] = {"1m", "5m", "15m", "1h", "4h", "1d"};
}

std::string venue_symbol(std::string_view instrument_symbol) {
  std::string out;
  out.reserve(instrument_symbol.size());
  for (const char c : instrument_symbol) {
    if (c == '-' || c == '/' || c == '_') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view interval_name(core::Timeframe tf) noexcept {
  const auto i = static_cast<std::size_t>(tf);
  return i < std::size(kIntervals) ? kIntervals[i] : std::string_view{};
}

std::optional<core::Timeframe> parse_interval(std::string_view name) noexcept {
  for (const auto tf : core::kAllTimeframes)
    if (interval_name(tf) == name) return tf;
  return std::nullopt;
}

SymbolMap symbol_map(const core::InstrumentTable& table) {
  return SymbolMap(table, [](const core::Instrument& inst) {
    return inst.asset_class == core::AssetClass::crypto ? venue_symbol(inst.symbol) : std::string{};
  });
}

std::string combined_stream_path(const SymbolMap& map, std::span<const core::SymbolId> symbols, core::Timeframe tf) {
  std::string out = "/stream?streams=";
  bool first = true;
  for (const auto id : symbols) {
    const auto name = map.venue_symbol_of(id);
    if (name.empty()) continue;
    if (!first) out += '/';
    first = false;
    out += name;
    out += "@kline_";
    out += interval_name(tf);
  }
  return out;
}

}  // namespace meridian::market::binance
