#pragma once
// Fixed-point decimals for the ledger: an int64 count of 1e-8 units. Exact addition,
// and multiplication through a 128-bit intermediate rounded half-to-even, so cash,
// positions and the trade log reconcile to the last unit.
//
// The range is symmetric: |raw| <= kMaxFixedRaw, i.e. +-92,233,720,368.54775807 (INT64_MIN is
// never produced by the checked operations, so negating a value can not wrap). Values from
// clients, files and venues are refused at the edge when they (or their products) leave the
// range; the ledger's own arithmetic uses the checked_* functions and refuses a fill rather than
// wrapping. notional/scale/per_unit/+/- are for values already known to fit.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace meridian::core {

inline constexpr int kFixedDecimals = 8;
inline constexpr std::int64_t kFixedScale = 100'000'000;
inline constexpr std::int64_t kMaxFixedRaw = INT64_MAX;  // 92233720368.54775807
// The largest magnitude as text, for error messages.
inline constexpr std::string_view kMaxFixedText = "92233720368.54775807";

// True when raw is inside the symmetric range (not INT64_MIN).
constexpr bool fixed_raw_ok(std::int64_t raw) noexcept {
  return raw >= -kMaxFixedRaw;
}

// a * b / d rounded half-to-even; d > 0. The contract: the result fits in int64. Callers on
// values that have not been range-checked at the edge use checked_mul_div_round.
std::int64_t mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept;
// The same through a 128-bit intermediate; nullopt when the rounded result does not fit.
std::optional<std::int64_t> checked_mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept;

// Rounds raw (1e-8 units) half-to-even to `decimals` places (0..8).
std::int64_t round_raw(std::int64_t raw, int decimals) noexcept;

std::optional<std::int64_t> parse_fixed_raw(std::string_view text) noexcept;
std::string format_fixed_raw(std::int64_t raw);
// Nearest raw value, saturating at the range (0 for NaN): only for doubles known to be in range.
std::int64_t raw_from_double(double v) noexcept;
// Nearest raw value, or nullopt when v is not finite or its raw value does not fit the range:
// what every number from a client, a file or a venue goes through.
std::optional<std::int64_t> checked_raw_from_double(double v) noexcept;

template <class Tag>
class Fixed {
 public:
  constexpr Fixed() noexcept = default;
  static constexpr Fixed from_raw(std::int64_t raw) noexcept { return Fixed(raw); }
  static constexpr Fixed from_units(std::int64_t units) noexcept { return Fixed(units * kFixedScale); }
  // Nearest 1e-8, half away from zero: doubles only enter at the market-data boundary.
  static Fixed from_double(double v) noexcept { return Fixed(raw_from_double(v)); }
  static std::optional<Fixed> checked_from_double(double v) noexcept {
    auto raw = checked_raw_from_double(v);
    if (!raw) return std::nullopt;
    return Fixed(*raw);
  }
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
// a + b and a - b, or nullopt when the result leaves the range (never wrapped).
template <class Tag>
std::optional<Fixed<Tag>> checked_add(Fixed<Tag> a, Fixed<Tag> b) noexcept {
  std::int64_t out = 0;
  if (__builtin_add_overflow(a.raw(), b.raw(), &out) || !fixed_raw_ok(out)) return std::nullopt;
  return Fixed<Tag>::from_raw(out);
}
template <class Tag>
std::optional<Fixed<Tag>> checked_sub(Fixed<Tag> a, Fixed<Tag> b) noexcept {
  std::int64_t out = 0;
  if (__builtin_sub_overflow(a.raw(), b.raw(), &out) || !fixed_raw_ok(out)) return std::nullopt;
  return Fixed<Tag>::from_raw(out);
}
// a + b clamped to the range. Only for figures shown, never for the ledger: marked-to-market
// equity and exposure sums, whose marks come from the market and may outgrow the range while
// every ledger value still fits. A clamped figure reads as "at least this much".
template <class Tag>
Fixed<Tag> saturating_add(Fixed<Tag> a, Fixed<Tag> b) noexcept {
  if (auto sum = checked_add(a, b)) return *sum;
  return Fixed<Tag>::from_raw(b.raw() > 0 ? kMaxFixedRaw : -kMaxFixedRaw);
}
template <class Tag>
Fixed<Tag> saturating_sub(Fixed<Tag> a, Fixed<Tag> b) noexcept {
  if (auto diff = checked_sub(a, b)) return *diff;
  return Fixed<Tag>::from_raw(b.raw() < 0 ? kMaxFixedRaw : -kMaxFixedRaw);
}
// price * quantity clamped to the range, for marked-to-market figures (see saturating_add).
inline Money saturating_notional(Price p, Quantity q) noexcept {
  if (auto value = checked_notional(p, q)) return *value;
  const bool negative = (p.raw() < 0) != (q.raw() < 0);
  return Money::from_raw(negative ? -kMaxFixedRaw : kMaxFixedRaw);
}
// m * num / den, half-to-even: pro-rata cost basis, fees in basis points.
inline Money scale(Money m, std::int64_t num, std::int64_t den) noexcept {
  return Money::from_raw(mul_div_round(m.raw(), num, den));
}
inline std::optional<Money> checked_scale(Money m, std::int64_t num, std::int64_t den) noexcept {
  if (den <= 0) return std::nullopt;
  auto raw = checked_mul_div_round(m.raw(), num, den);
  if (!raw) return std::nullopt;
  return Money::from_raw(*raw);
}
// m / q as a price (average cost); zero quantity gives zero. A quotient beyond the range
// (a tiny quantity that cost a lot) is clamped: it is a figure shown, not a ledger value.
inline Price per_unit(Money m, Quantity q) noexcept {
  if (q.is_zero() || !fixed_raw_ok(q.raw())) return Price{};
  if (auto raw = checked_mul_div_round(m.raw(), kFixedScale, q.raw() < 0 ? -q.raw() : q.raw()))
    return Price::from_raw(*raw);
  return Price::from_raw(m.raw() < 0 ? -kMaxFixedRaw : kMaxFixedRaw);
}

}  // namespace meridian::core
