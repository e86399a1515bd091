#include "meridian/core/fixed.hpp"

#include <cmath>
#include <limits>

namespace meridian::core {
namespace {

__extension__ typedef __int128 i128;  // GCC extension; -Wpedantic knows no 128-bit type

i128 div_round_half_even(i128 num, i128 den) noexcept {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  i128 q = num / den;
  i128 r = num % den;
  if (r != 0) {
    i128 twice = (r < 0 ? -r : r) * 2;
    bool away = twice > den || (twice == den && (q % 2 != 0));
    if (away) q += (num < 0) ? -1 : 1;
  }
  return q;
}

constexpr std::int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

}  // namespace

std::int64_t mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept {
  return static_cast<std::int64_t>(div_round_half_even(static_cast<i128>(a) * b, d));
}

std::optional<std::int64_t> checked_mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept {
  if (d == 0) return std::nullopt;
  const i128 q = div_round_half_even(static_cast<i128>(a) * b, d);  // |a*b| < 2^126: exact
  if (q > kMaxFixedRaw || q < -kMaxFixedRaw) return std::nullopt;
  return static_cast<std::int64_t>(q);
}

std::int64_t round_raw(std::int64_t raw, int decimals) noexcept {
  if (decimals >= kFixedDecimals) return raw;
  if (decimals < 0) decimals = 0;
  const std::int64_t unit = kPow10[kFixedDecimals - decimals];
  const i128 q = div_round_half_even(raw, unit);
  // Near the ends of the range rounding away from zero would leave it: the nearest step inside.
  i128 out = q * unit;
  if (out > kMaxFixedRaw) out -= unit;
  if (out < -kMaxFixedRaw) out += unit;
  return static_cast<std::int64_t>(out);
}

std::int64_t raw_from_double(double v) noexcept {
  if (!std::isfinite(v)) return 0;
  if (auto raw = checked_raw_from_double(v)) return *raw;
  return v > 0 ? kMaxFixedRaw : -kMaxFixedRaw;  // saturated inside the symmetric range
}

std::optional<std::int64_t> checked_raw_from_double(double v) noexcept {
  if (!std::isfinite(v)) return std::nullopt;
  // 2^63 is exactly representable and every double below it in magnitude is an integer that
  // int64 holds (doubles this large are spaced 1024 apart), so the comparison is exact.
  constexpr double kTwo63 = 9223372036854775808.0;
  const double rounded = std::round(v * static_cast<double>(kFixedScale));  // half away, as from_double
  if (!(rounded < kTwo63 && rounded > -kTwo63)) return std::nullopt;
  return static_cast<std::int64_t>(rounded);
}

// Exact decimal text -> raw. Rejects more than 8 fractional digits rather than rounding,
// so a client's value is never silently changed.
std::optional<std::int64_t> parse_fixed_raw(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  i128 value = 0;
  int frac_digits = -1;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (frac_digits >= 0) return std::nullopt;
      frac_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any_digit = true;
    if (frac_digits >= 0 && ++frac_digits > kFixedDecimals) return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > static_cast<i128>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  }
  if (!any_digit) return std::nullopt;
  int scale_digits = kFixedDecimals - (frac_digits < 0 ? 0 : frac_digits);
  value *= kPow10[scale_digits];
  if (value > static_cast<i128>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return static_cast<std::int64_t>(negative ? -value : value);
}

std::string format_fixed_raw(std::int64_t raw) {
  const bool negative = raw < 0;
  unsigned long long mag =
      negative ? 0ULL - static_cast<unsigned long long>(raw) : static_cast<unsigned long long>(raw);
  unsigned long long whole = mag / kFixedScale;
  unsigned long long frac = mag % kFixedScale;
  std::string out = negative ? "-" : "";
  out += std::to_string(whole);
  if (frac != 0) {
    char buf[kFixedDecimals + 1];
    for (int k = kFixedDecimals - 1; k >= 0; --k) {
      buf[k] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    int len = kFixedDecimals;
    while (len > 0 && buf[len - 1] == '0') --len;
    out += '.';
    out.append(buf, static_cast<std::size_t>(len));
  }
  return out;
}

}  // namespace meridian::core
