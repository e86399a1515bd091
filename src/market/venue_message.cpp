#include "meridian/market/venue_message.hpp"

#include <numeric>

namespace meridian::market {

namespace {
constexpr std::string_view kNames[kMessageErrorKinds] = {
    "none", "malformed_json", "unexpected_shape", "bad_value", "unknown_symbol", "unknown_message", "venue_error"};
}

std::string_view to_string(MessageError e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < kMessageErrorKinds ? kNames[i] : "unknown";
}

std::uint64_t MessageErrorCounts::total() const noexcept {
  return std::accumulate(by_reason.begin(), by_reason.end(), std::uint64_t{0});
}

}  // namespace meridian::market
