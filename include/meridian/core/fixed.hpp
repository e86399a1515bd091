#pragma once
// Fixed-point decimals for the ledger: an int64 count of 1e-8 units. Exact addition,
// and multiplication through a 128-bit intermediate rounded half-to-even, so cash,
// positions and the trade log reconcile to the last unit.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace meridian::core {

inline constexpr int kFixedDecimals = 8;
inline constexpr std::int64_t kFixedScale = 100'000'000;

// a * b / d rounded half-to-even; d > 0. The contract: the result fits in int64. Callers on
// values that have not been range-checked at the edge use checked_mul_div_round.
std::int64_t mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept;
// The same through a 128-bit intermediate; nullopt when the rounded result does not fit.
std::optional<std::int64_t> checked_mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept;

// Rounds raw (1e-8 units) half-to-even to `decimals` places (0..8).
std::int64_t round_raw(std::int64_t raw, int decimals) noexcept;

std::optional<std::int64_t> parse_fixed_raw(std::string_view text) noexcept;
std::string format_fixed_raw(std::int64_t raw);
std::int64_t raw_from_double(double v) noexcept;

template <class Tag>
class Fixed {
 public:
  constexpr Fixed() noexcept = default;
  static constexpr Fixed from_raw(std::int64_t raw) noexcept { return Fixed(raw); }
  static constexpr Fixed from_units(std::int64_t units) noexcept { return Fixed(units * kFixedScale); }
  // Nearest 1e-8, half away from zero: doubles only enter at the market-data boundary.
  static Fixed from_double(double v) noexcept { return Fixed(raw_from_double(v)); }
  static std::optional<Fixed> parse(std::string_view text) noexcept {
    auto raw = parse_fixed_raw(text);
    if (!raw) return std::nullopt;
    return Fixed(*raw);
  }

  constexpr std::int64_t raw() const noexcept { return raw_; }
  double to_double() const noexcept { return static_cast<double>(raw_) / static_cast<double>(kFixedScale); }
  std::string to_string() const { return format_fixed_raw(raw_); }
  Fixed rounded(int decimals) const noexcept { return Fixed(round_raw(raw_, decimals)); }
  constexpr bool is_zero() const noexcept { return raw_ == 0; }

  constexpr Fixed operator-() const noexcept { return Fixed(-raw_); }
  constexpr Fixed operator+(Fixed o) const noexcept { return Fixed(raw_ + o.raw_); }
  constexpr Fixed operator-(Fixed o) const noexcept { return Fixed(raw_ - o.raw_); }
  constexpr Fixed& operator+=(Fixed o) noexcept {
    raw_ += o.raw_;
    return *this;
  }
  constexpr Fixed& operator-=(Fixed o) noexcept {
    raw_ -= o.raw_;
    return *this;
  }
  constexpr auto operator<=>(const Fixed&) const noexcept = default;

 private:
  constexpr explicit Fixed(std::int64_t raw) noexcept : raw_(raw) {}
  std::int64_t raw_ = 0;
};

struct PriceTag {};
struct QuantityTag {};
struct MoneyTag {};
using Price = Fixed<PriceTag>;
using Quantity = Fixed<QuantityTag>;
using Money = Fixed<MoneyTag>;

// price * quantity, exact to 1e-8 (half-to-even).
inline Money notional(Price p, Quantity q) noexcept {
  return Money::from_raw(mul_div_round(p.raw(), q.raw(), kFixedScale));
}
// price * quantity, or nullopt when it does not fit the ledger's range.
inline std::optional<Money> checked_notional(Price p, Quantity q) noexcept {
  auto raw = checked_mul_div_round(p.raw(), q.raw(), kFixedScale);
  if (!raw) return std::nullopt;
  return Money::from_raw(*raw);
}
// a + b and a - b, or nullopt on overflow (never wrapped).
template <class Tag>
std::optional<Fixed<Tag>> checked_add(Fixed<Tag> a, Fixed<Tag> b) noexcept {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a.raw(), b.raw(), &out)) return std::nullopt;
  return Fixed<Tag>::from_raw(out);
}
template <class Tag>
std::optional<Fixed<Tag>> checked_sub(Fixed<Tag> a, Fixed<Tag> b) noexcept {
  std::int64_t out = 0;
  if (__builtin_sub_overflow(a.raw(), b.raw(), &out)) return std::nullopt;
  return Fixed<Tag>::from_raw(out);
}
// m * num / den, half-to-even: pro-rata cost basis, fees in basis points.
inline Money scale(Money m, std::int64_t num, std::int64_t den) noexcept {
  return Money::from_raw(mul_div_round(m.raw(), num, den));
}
// m / q as a price (average cost); zero quantity gives zero.
inline Price per_unit(Money m, Quantity q) noexcept {
  if (q.is_zero()) return Price{};
  return Price::from_raw(mul_div_round(m.raw(), kFixedScale, q.raw() < 0 ? -q.raw() : q.raw()));
}

}  // namespace meridian::core
