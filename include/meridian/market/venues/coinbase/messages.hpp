#pragma once
// Coinbase Exchange REST answers as Meridian values. Pure parsing, no I/O:
//   GET /products/{id}/ticker  {"trade_id":86326522,"price":"6268.48","size":"0.00698254",
//                               "time":"2020-03-20T00:22:57.833Z","bid":"6265.15","ask":"6267.71",
//                               "volume":"53602.03940154"}
//   GET /products/{id}/candles [[time, low, high, open, close, volume], ...] newest first
//   errors                     {"message":"NotFound"}
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::market::venue {

struct CoinbaseTicker {
  std::int64_t trade_id = 0;
  core::Timestamp time{};
  core::Price price{};
  core::Quantity size{};  // of the last trade
  core::Price bid{};
  core::Price ask{};
};

struct ParseError {
  std::string what;  // "truncated or malformed JSON", "field 'price' is not a decimal", the venue's message
};

std::variant<CoinbaseTicker, ParseError> parse_coinbase_ticker(std::string_view body);

struct CoinbaseCandles {
  std::vector<core::Bar> bars;  // 1-minute bars, oldest first, one per open time
  std::uint64_t bad_rows = 0;   // rows skipped: wrong shape, non-numeric, high < low, negative volume
};

// Rows of the 60-second granularity answer for `symbol`.
std::variant<CoinbaseCandles, ParseError> parse_coinbase_candles(std::string_view body, core::SymbolId symbol);

// The venue's {"message": "..."} of an error answer, or a short excerpt of the body.
std::string coinbase_error_message(std::string_view body);

}  // namespace meridian::market::venue
