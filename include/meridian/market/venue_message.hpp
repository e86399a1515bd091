#pragma once
// What the venue message layers (Binance, Alpaca) share: why a message was not used, and the
// per-reason counters a feed exposes in its health. Parsers return these values and never throw,
// so a transport can count a bad frame and carry on.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "meridian/core/time.hpp"

namespace meridian::market {

enum class MessageError : std::uint8_t {
  none,
  malformed_json,    // not JSON, or JSON cut short
  unexpected_shape,  // valid JSON, but a field is missing or of the wrong type
  bad_value,         // a price, size or time that is not a valid number (or prices out of order)
  unknown_symbol,    // a symbol no configured instrument maps to
  unknown_message,   // a well-formed message of a type this layer does not handle
  venue_error,       // the venue answered with its error shape
};
inline constexpr std::size_t kMessageErrorKinds = 7;
std::string_view to_string(MessageError e) noexcept;

struct MessageErrorCounts {
  std::array<std::uint64_t, kMessageErrorKinds> by_reason{};
  void add(MessageError e) noexcept {
    if (e != MessageError::none) ++by_reason[static_cast<std::size_t>(e)];
  }
  std::uint64_t total() const noexcept;
  std::uint64_t operator[](MessageError e) const noexcept { return by_reason[static_cast<std::size_t>(e)]; }
};

// An error the venue itself reported: Binance `{"code":-1121,"msg":"Invalid symbol."}`,
// Alpaca `{"T":"error","code":402,"msg":"auth failed"}`.
struct VenueError {
  int code = 0;
  std::string message;
};

// Bars missing from a stream, [start, end) by open time, to fetch over REST.
struct BackfillRange {
  core::Timestamp start{};
  core::Timestamp end{};
  bool operator==(const BackfillRange&) const = default;
};

}  // namespace meridian::market
