#pragma once
// Ids a portfolio hands out to clients (orders, trades, signals, strategy instances) are unique
// across every portfolio of a database and never reused: portfolio p owns the range
// (id_base(p), id_base(p) + kIdSpan]. Portfolio 1's base is 0, so the default portfolio's ids
// are what they always were. kIdSpan is 2^40 (1.1e12 ids per portfolio); portfolio ids up to
// kMaxPortfolioId keep every id below 2^53, exact as a JSON number in JavaScript.
#include <cstdint>

namespace meridian::engine {

using PortfolioId = std::int64_t;

inline constexpr PortfolioId kDefaultPortfolioId = 1;
inline constexpr std::uint64_t kIdSpan = std::uint64_t{1} << 40;
inline constexpr PortfolioId kMaxPortfolioId = 8191;

constexpr std::uint64_t id_base(PortfolioId portfolio) noexcept {
  return portfolio < 1 ? 0 : static_cast<std::uint64_t>(portfolio - 1) * kIdSpan;
}
// Whether `id` is in the portfolio's range.
constexpr bool owns_id(PortfolioId portfolio, std::uint64_t id) noexcept {
  return id > id_base(portfolio) && id <= id_base(portfolio) + kIdSpan;
}

}  // namespace meridian::engine
