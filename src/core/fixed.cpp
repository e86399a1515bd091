#include "meridian/core/fixed.hpp"

#include "meridian/core/decimal_text.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace meridian::core {
namespace {

__extension__ typedef __int128 i128;  // GCC extension; -Wpedantic knows no 128-bit type
__extension__ typedef unsigned __int128 u128;

i128 div_round_half_even(i128 num, i128 den) noexcept {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  i128 q = num / den;
  i128 r = num - q * den;  // num % den without a second 128-bit division
  if (r != 0) {
    i128 twice = (r < 0 ? -r : r) * 2;
    bool away = twice > den || (twice == den && (q % 2 != 0));
    if (away) q += (num < 0) ? -1 : 1;
  }
  return q;
}

// a * b / d rounded half to even: the same result as div_round_half_even(a * b, d). Where the
// quotient's magnitude fits 64 bits (every ledger product: prices times quantities, fees in
// basis points) one 128-by-64-bit hardware division on x86-64 instead of libgcc's 128-bit
// division (twice: quotient and remainder), which the tick path spent ~9 % of its time in.
// The rounding compares r against d - r, which cannot overflow where 2r could.
i128 mul_div_round_half_even(std::int64_t a, std::int64_t b, std::int64_t d) noexcept {
#if defined(__x86_64__)
  if (d > 0) {
    auto magnitude = [](std::int64_t v) {
      return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    };
    const u128 product = static_cast<u128>(magnitude(a)) * magnitude(b);
    const auto high = static_cast<std::uint64_t>(product >> 64);
    const auto den = static_cast<std::uint64_t>(d);
    if (high < den) [[likely]] {  // the quotient fits 64 bits: divq cannot fault
      std::uint64_t q = 0;
      std::uint64_t r = 0;
      asm("divq %[den]"
          : "=a"(q), "=d"(r)
          : "a"(static_cast<std::uint64_t>(product)), "d"(high), [den] "rm"(den)
          : "cc");
      const std::uint64_t rest = den - r;
      u128 rounded = q;
      if (r > rest || (r == rest && (q & 1) != 0)) ++rounded;
      return (a < 0) != (b < 0) ? -static_cast<i128>(rounded) : static_cast<i128>(rounded);
    }
  }
#endif
  return div_round_half_even(static_cast<i128>(a) * b, d);
}

constexpr std::int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

}  // namespace

std::int64_t mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept {
  return static_cast<std::int64_t>(mul_div_round_half_even(a, b, d));
}

std::optional<std::int64_t> checked_mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept {
  if (d == 0) return std::nullopt;
  const i128 q = mul_div_round_half_even(a, b, d);  // |a*b| < 2^126: exact
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

std::optional<std::int64_t> parse_decimal_raw(std::string_view text) noexcept {
  if (auto raw = parse_fixed_raw(text)) return raw;
  // Not plain decimal text with at most 8 decimals: rewrite an exponent and surplus zeros
  // into that form, so the value still never passes through a double.
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  int exponent = 0;
  if (const auto e = s.find_first_of("eE"); e != std::string_view::npos) {
    auto exp_text = s.substr(e + 1);
    // "e+5" as "e5"; from_chars takes a '-' itself, so "e+-5" must not reach it (found by
    // fuzz/csv_bars_fuzz: it read as e-5).
    if (exp_text.size() > 1 && exp_text[0] == '+' && exp_text[1] >= '0' && exp_text[1] <= '9')
      exp_text.remove_prefix(1);
    const auto [end, ec] = std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
    // Beyond +-40 no value fits int64 at 1e-8 and stays exact.
    if (ec != std::errc{} || end != exp_text.data() + exp_text.size() || exponent > 40 || exponent < -40)
      return std::nullopt;
    s = s.substr(0, e);
  }
  char digits[64];
  std::size_t n = 0;
  long point = -1;
  for (char c : s) {
    if (c == '.') {
      if (point >= 0) return std::nullopt;
      point = static_cast<long>(n);
    } else if (c >= '0' && c <= '9' && n < sizeof digits) {
      digits[n++] = c;
    } else {
      return std::nullopt;
    }
  }
  if (n == 0) return std::nullopt;
  if (point < 0) point = static_cast<long>(n);
  point += exponent;
  char out[160];
  std::size_t len = 0;
  if (negative) out[len++] = '-';
  if (point <= 0) {
    out[len++] = '0';
    out[len++] = '.';
    for (long i = 0; i < -point; ++i) out[len++] = '0';
    for (std::size_t i = 0; i < n; ++i) out[len++] = digits[i];
  } else {
    for (long i = 0; i < point; ++i) out[len++] = static_cast<std::size_t>(i) < n ? digits[i] : '0';
    if (static_cast<std::size_t>(point) < n) {
      out[len++] = '.';
      for (std::size_t i = static_cast<std::size_t>(point); i < n; ++i) out[len++] = digits[i];
    }
  }
  const std::string_view plain(out, len);
  if (plain.find('.') != std::string_view::npos) {
    while (len > 0 && out[len - 1] == '0') --len;
    if (len > 0 && out[len - 1] == '.') --len;
  }
  return parse_fixed_raw(std::string_view(out, len));
}

}  // namespace meridian::core
