// Fuzz target: the ledger's fixed-point money (core/fixed.hpp), checked against properties and
// against reference implementations written here independently in __int128.
//
// The whole input is read twice: as decimal text (parse_fixed_raw must agree with the reference
// parser, and format_fixed_raw must give canonical text that parses back to the same raw), and
// as binary numbers (int64 operands and raw double bits) for the arithmetic: mul_div_round and
// checked_mul_div_round against a reference rounding half-to-even, round_raw, checked_add/sub,
// raw_from_double. Any disagreement aborts (a finding), as does any sanitizer report.
#include <fuzzer/FuzzedDataProvider.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/core/fixed.hpp"

namespace {

using meridian::core::kFixedDecimals;
using meridian::core::kFixedScale;
__extension__ typedef __int128 i128;

// The ledger's range is symmetric, |raw| <= 2^63 - 1: INT64_MIN is outside it. An operation whose
// exact result is INT64_MIN may either refuse it or return it (the checked operations refuse it
// since the range was made symmetric), so that one value is accepted both ways below.
constexpr i128 kMax = std::numeric_limits<std::int64_t>::max();
constexpr i128 kMin = -kMax;
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "money_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

std::string i128_text(i128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  unsigned __int128 mag = negative ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(v)
                                   : static_cast<unsigned __int128>(v);
  std::string out;
  while (mag != 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  }
  return negative ? "-" + out : out;
}

// Reference decimal parser: [+-]digits[.digits] or [+-].digits, at most 8 fraction digits,
// magnitude within int64 (the ledger's range is symmetric: -(2^63 - 1) .. 2^63 - 1).
std::optional<std::int64_t> reference_parse(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    i = 1;
  }
  const auto dot = text.find('.', i);
  const std::string_view whole = text.substr(i, dot == std::string_view::npos ? std::string_view::npos : dot - i);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (frac.size() > static_cast<std::size_t>(kFixedDecimals)) return std::nullopt;
  i128 value = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
    if (value > kMax) return std::nullopt;
  }
  i128 f = 0;
  for (char c : frac) {
    if (c < '0' || c > '9') return std::nullopt;
    f = f * 10 + (c - '0');
  }
  for (std::size_t k = frac.size(); k < static_cast<std::size_t>(kFixedDecimals); ++k) f *= 10;
  value = value * kFixedScale + f;
  if (value > kMax) return std::nullopt;
  return static_cast<std::int64_t>(negative ? -value : value);
}

// Canonical form of format_fixed_raw: -?(0|[1-9][0-9]*)(\.[0-9]{0,7}[1-9])?, never "-0".
bool canonical(const std::string& s) {
  std::size_t i = s.starts_with('-') ? 1 : 0;
  const auto dot = s.find('.');
  const std::string whole = s.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
  if (whole.empty() || (whole.size() > 1 && whole[0] == '0')) return false;
  for (char c : whole)
    if (c < '0' || c > '9') return false;
  if (dot != std::string::npos) {
    const std::string frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > static_cast<std::size_t>(kFixedDecimals) || frac.back() == '0') return false;
    for (char c : frac)
      if (c < '0' || c > '9') return false;
  }
  if (i == 1 && s == "-0") return false;
  return true;
}

// a * b / d rounded half-to-even, exact in 128 bits (|a * b| <= 2^126); nullopt for d == 0.
std::optional<i128> reference_mul_div(std::int64_t a, std::int64_t b, std::int64_t d) {
  if (d == 0) return std::nullopt;
  i128 num = static_cast<i128>(a) * b;
  i128 den = d;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  // Floor division, then the remainder in [0, den) decides.
  i128 q = num / den;
  i128 r = num % den;
  if (r < 0) {
    q -= 1;
    r += den;
  }
  if (2 * r > den || (2 * r == den && q % 2 != 0)) q += 1;
  return q;
}

void check_text(std::string_view text) {
  const auto got = meridian::core::parse_fixed_raw(text);
  const auto want = reference_parse(text);
  if (got != want)
    fail("parse_fixed_raw disagrees with the reference", "'" + std::string(text.substr(0, 80)) + "' -> " +
                                                             (got ? std::to_string(*got) : "none") + ", expected " +
                                                             (want ? std::to_string(*want) : "none"));
}

void check_format(std::int64_t raw) {
  if (raw == kInt64Min) return;  // outside the range
  const std::string text = meridian::core::format_fixed_raw(raw);
  if (!canonical(text)) fail("format_fixed_raw is not canonical", std::to_string(raw) + " -> " + text);
  // Every raw the ledger can hold formats to text that parses back to it, the extreme ones too:
  // what Meridian writes it must be able to read.
  const auto back = meridian::core::parse_fixed_raw(text);
  if (back != raw) fail("format/parse round trip", std::to_string(raw) + " -> " + text);
}

void check_mul_div(std::int64_t a, std::int64_t b, std::int64_t d) {
  const auto want = reference_mul_div(a, b, d);
  const bool fits = want && *want >= kMin && *want <= kMax;
  const auto got = meridian::core::checked_mul_div_round(a, b, d);
  const std::string args = std::to_string(a) + " * " + std::to_string(b) + " / " + std::to_string(d);
  if (want && *want == kInt64Min && (!got || *got == kInt64Min)) return;
  if (got.has_value() != fits || (got && *got != *want))
    fail("checked_mul_div_round disagrees with the reference",
         args + " -> " + (got ? std::to_string(*got) : "none") + ", expected " + (want ? i128_text(*want) : "none"));
  // The unchecked one keeps its contract (d > 0, the result fits) with the same answer.
  if (fits && d > 0 && meridian::core::mul_div_round(a, b, d) != *got)
    fail("mul_div_round disagrees with checked_mul_div_round", args);
}

void check_round(std::int64_t raw, int decimals) {
  const int places = decimals < 0 ? 0 : decimals;
  if (places >= kFixedDecimals) {
    if (meridian::core::round_raw(raw, decimals) != raw) fail("round_raw changed a value", std::to_string(raw));
    return;
  }
  std::int64_t unit = 1;
  for (int k = places; k < kFixedDecimals; ++k) unit *= 10;
  const auto q = reference_mul_div(raw, 1, unit);
  const i128 want = *q * unit;
  const auto got = meridian::core::round_raw(raw, decimals);
  const std::string args =
      std::to_string(raw) + " to " + std::to_string(decimals) + " places -> " + std::to_string(got);
  if (want >= std::numeric_limits<std::int64_t>::min() && want <= kMax) {
    if (got != want) fail("round_raw disagrees with the reference", args + ", expected " + i128_text(want));
    return;
  }
  // Within half a unit of the int64 limits the nearest multiple does not fit: the multiple
  // toward zero is the answer.
  if (got % unit != 0 || (got > raw ? static_cast<i128>(got) - raw : static_cast<i128>(raw) - got) >= unit)
    fail("round_raw near the limits", args);
}

// `got` is a checked sum or difference whose exact value is `exact`.
template <class Got>
bool checked_agrees(const Got& got, i128 exact) {
  if (exact == kInt64Min) return !got || got->raw() == kInt64Min;
  return got.has_value() == (exact >= kMin && exact <= kMax) && (!got || got->raw() == exact);
}

void check_add_sub(std::int64_t a, std::int64_t b) {
  using meridian::core::Money;
  if (!checked_agrees(meridian::core::checked_add(Money::from_raw(a), Money::from_raw(b)), static_cast<i128>(a) + b))
    fail("checked_add", std::to_string(a) + " + " + std::to_string(b));
  if (!checked_agrees(meridian::core::checked_sub(Money::from_raw(a), Money::from_raw(b)), static_cast<i128>(a) - b))
    fail("checked_sub", std::to_string(a) + " - " + std::to_string(b));
}

void check_double(double v, double w) {
  const auto rv = meridian::core::raw_from_double(v);
  if (!std::isfinite(v)) {
    if (rv != 0) fail("raw_from_double of a non-finite value is not 0", std::to_string(rv));
    return;
  }
  // Monotonic: a larger double never gives a smaller raw.
  if (std::isfinite(w)) {
    const auto rw = meridian::core::raw_from_double(w);
    if ((v < w && rv > rw) || (v > w && rv < rw))
      fail("raw_from_double is not monotonic", std::to_string(v) + " vs " + std::to_string(w));
  }
  // Nearest 1e-8 within the double's own precision (the product v * 1e8 is rounded once), or
  // saturated at the ends of the range.
  const double scaled = v * static_cast<double>(kFixedScale);
  if (rv == std::numeric_limits<std::int64_t>::max() || rv == -std::numeric_limits<std::int64_t>::max() ||
      rv == kInt64Min) {
    if (std::fabs(scaled) < 9.0e18) fail("raw_from_double saturated early", std::to_string(v));
    return;
  }
  const double slack = 0.5 + 2 * (std::nextafter(std::fabs(scaled), INFINITY) - std::fabs(scaled));
  if (std::fabs(static_cast<double>(rv) - scaled) > slack)
    fail("raw_from_double is not the nearest raw", std::to_string(v) + " -> " + std::to_string(rv));
  check_format(rv);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_text(text);
  if (auto raw = meridian::core::parse_fixed_raw(text)) check_format(*raw);

  FuzzedDataProvider in(data, size);
  const auto a = in.ConsumeIntegral<std::int64_t>();
  const auto b = in.ConsumeIntegral<std::int64_t>();
  const auto d = in.ConsumeIntegral<std::int64_t>();
  const auto decimals = in.ConsumeIntegralInRange<int>(-2, 10);
  const auto v = std::bit_cast<double>(in.ConsumeIntegral<std::uint64_t>());
  const auto w = std::bit_cast<double>(in.ConsumeIntegral<std::uint64_t>());
  check_format(a);
  check_mul_div(a, b, d);
  check_mul_div(a, b, kFixedScale);  // price * quantity, the notional
  check_mul_div(a, kFixedScale, d);  // money / quantity, the average price
  check_round(a, decimals);
  check_add_sub(a, b);
  check_double(v, w);
  return 0;
}
