#pragma once
// Binance names: instrument symbols to Binance symbols and back, kline intervals, and the
// combined-stream path. Built once from the instrument table; read-only afterwards.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/core/types.hpp"
#include "meridian/market/venue_symbols.hpp"

namespace meridian::market::binance {

// The rule: drop the separators '-', '/' and '_' and lower-case the rest, so "BTC-USDT",
// "BTC/USDT", "btc_usdt" and "btcusdt" are all "btcusdt" (streams use it lower-case, REST
// upper-case). Quote currencies are not rewritten: "BTC-USD" is "btcusd", which Binance.US
// lists and binance.com does not; configure "BTC-USDT" for binance.com.
std::string venue_symbol(std::string_view instrument_symbol);

// "1m", "5m", "15m", "1h", "4h", "1d" (Binance's names match Meridian's timeframes).
std::string_view interval_name(core::Timeframe tf) noexcept;
std::optional<core::Timeframe> parse_interval(std::string_view name) noexcept;

// The crypto instruments under venue_symbol()'s rule; equities are not on Binance.
using SymbolMap = VenueSymbols;
SymbolMap symbol_map(const core::InstrumentTable& table);

// "/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m", in the order given; ids that have no
// Binance symbol are left out.
std::string combined_stream_path(const SymbolMap& map, std::span<const core::SymbolId> symbols, core::Timeframe tf);

}  // namespace meridian::market::binance
