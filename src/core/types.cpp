#include "meridian/core/types.hpp"

#include <array>
#include <utility>

namespace meridian::core {

std::string_view to_string(Side s) noexcept {
  return s == Side::buy ? "buy" : "sell";
}

std::optional<Side> parse_side(std::string_view s) noexcept {
  if (s == "buy" || s == "BUY") return Side::buy;
  if (s == "sell" || s == "SELL") return Side::sell;
  return std::nullopt;
}

namespace {
constexpr std::array<std::pair<std::string_view, std::int64_t>, 6> kTimeframes{
    {{"1m", 60}, {"5m", 300}, {"15m", 900}, {"1h", 3600}, {"4h", 14400}, {"1d", 86400}}};
}

std::string_view to_string(Timeframe tf) noexcept {
  return kTimeframes[static_cast<std::size_t>(tf)].first;
}

std::optional<Timeframe> parse_timeframe(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kTimeframes.size(); ++i)
    if (kTimeframes[i].first == s) return static_cast<Timeframe>(i);
  return std::nullopt;
}

Duration period_of(Timeframe tf) noexcept {
  return std::chrono::seconds(kTimeframes[static_cast<std::size_t>(tf)].second);
}

}  // namespace meridian::core
