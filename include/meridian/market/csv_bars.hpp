#pragma once
// Bars from CSV files: the generic `ts,open,high,low,close,volume`, Binance kline exports and
// Coinbase candle exports. Prices and volumes go into fixed point straight from their decimal
// text. A bad row is counted by reason and skipped (the first few are logged with file and
// line, then one summary), never fatal; only an unreadable file or header fails the read.
#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::market {

enum class CsvFormat : std::uint8_t {
  automatic,  // header names, else Binance by its 12 columns, else generic vs Coinbase by content
  generic,    // ts,open,high,low,close,volume
  binance,    // open_time,open,high,low,close,volume,close_time,quote_volume,trades,taker_base,taker_quote,ignore
  coinbase,   // time,low,high,open,close,volume (the order of Coinbase's candles array)
  named,      // columns mapped by the header's names (what automatic picks when there is a header)
};
std::string_view to_string(CsvFormat f) noexcept;
// "auto", "generic", "binance", "coinbase".
std::optional<CsvFormat> parse_csv_format(std::string_view s) noexcept;

enum class BadRow : std::uint8_t {
  malformed,        // wrong number of fields (a truncated line)
  non_numeric,      // a field that is not a number, or has more than 8 decimals that matter
  high_below_low,   //
  outside_range,    // open or close outside [low, high]
  non_positive,     // a price <= 0
  negative_volume,  //
  misaligned,       // open time not on a period boundary (only when CsvOptions::period is set)
  time_backwards,   // earlier than the row before it
  duplicate_time,   // the same time as the row before it (the first one is kept)
};
inline constexpr std::size_t kBadRowKinds = 9;
std::string_view to_string(BadRow r) noexcept;

struct BadRowCounts {
  std::array<std::uint64_t, kBadRowKinds> by_reason{};
  std::uint64_t total() const noexcept;
  std::uint64_t operator[](BadRow r) const noexcept { return by_reason[static_cast<std::size_t>(r)]; }
};

struct CsvOptions {
  CsvFormat format = CsvFormat::automatic;
  core::SymbolId symbol = 0;  // stamped on every bar
  core::Timeframe timeframe = core::Timeframe::m1;
  // When set, a row whose time is not a multiple of it (UTC) is a `misaligned` bad row.
  std::optional<core::Duration> period;
  std::size_t log_first = 5;  // bad rows logged one by one before the summary
};

struct CsvBars {
  std::vector<core::Bar> bars;            // oldest first, strictly increasing open_time
  CsvFormat format = CsvFormat::generic;  // the one used (never automatic)
  std::uint64_t rows = 0;                 // data rows read (not the header or blank lines)
  BadRowCounts bad;
  bool newest_first = false;  // the file ran newest first (Coinbase's REST order) and was reversed
  std::string error;          // set when the file could not be used at all; bars is then empty
};

// `source` names the input in log lines ("file.csv:17: ...").
CsvBars parse_csv_bars(std::istream& in, std::string_view source, const CsvOptions& options);
CsvBars read_csv_bars(const std::string& path, const CsvOptions& options);

}  // namespace meridian::market
