// Fixed-point decimals: exact text round trips, half-to-even arithmetic helpers and the
// double boundary. Expected raw values are derived in comments (raw = value * 1e8).
#include "meridian/core/fixed.hpp"

#include "meridian/core/decimal_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>

using meridian::core::Fixed;
using meridian::core::format_fixed_raw;
using meridian::core::kFixedScale;
using meridian::core::Money;
using meridian::core::mul_div_round;
using meridian::core::notional;
using meridian::core::parse_decimal_raw;
using meridian::core::parse_fixed_raw;
using meridian::core::per_unit;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::round_raw;
using meridian::core::scale;

namespace {
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// Independent half-to-even reference built on floor division (the implementation uses
// truncation and adjusts away from zero), valid while a * b fits in int64.
std::int64_t reference_half_even(std::int64_t a, std::int64_t b, std::int64_t d) {
  const std::int64_t n = a * b;
  std::int64_t q = n / d;
  std::int64_t r = n % d;
  if (r < 0) {  // make q the floor and 0 <= r < d
    q -= 1;
    r += d;
  }
  if (2 * r > d || (2 * r == d && (q & 1) != 0)) q += 1;
  return q;
}
}  // namespace

TEST(FixedParse, ExactDecimalTextRoundTrips) {
  // 123.45678901 -> 123 * 1e8 + 45678901
  auto p = Price::parse("123.45678901");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->raw(), 12'345'678'901);
  EXPECT_EQ(p->to_string(), "123.45678901");

  // Trailing zeros are not part of the canonical text; integers print without a point.
  EXPECT_EQ(Price::parse("42.50000")->to_string(), "42.5");
  EXPECT_EQ(Price::parse("42")->raw(), 42 * kFixedScale);
  EXPECT_EQ(Price::parse("42")->to_string(), "42");
  EXPECT_EQ(Price::parse("0.00000001")->raw(), 1);
  EXPECT_EQ(Price::parse("+7.25")->raw(), 725'000'000);
}

TEST(FixedParse, NegativeValues) {
  auto m = Money::parse("-0.5");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->raw(), -50'000'000);
  EXPECT_EQ(m->to_string(), "-0.5");
  EXPECT_EQ(Money::parse("-12.00000003")->raw(), -(12 * kFixedScale + 3));
  EXPECT_EQ(Money::from_raw(-1).to_string(), "-0.00000001");
  // Negative zero is just zero.
  EXPECT_EQ(Money::parse("-0")->raw(), 0);
  EXPECT_EQ(Money::parse("-0")->to_string(), "0");
}

TEST(FixedParse, RejectsMoreThanEightFractionalDigits) {
  // Rounding a client's value silently is not allowed: 9 digits is an error even when
  // the 9th digit is zero.
  EXPECT_FALSE(Price::parse("1.000000001"));
  EXPECT_FALSE(Price::parse("1.000000000"));
  EXPECT_TRUE(Price::parse("1.00000000"));
}

TEST(FixedParse, RejectsGarbage) {
  for (const char* text : {"", "-", "+", ".", "abc", "1.2.3", "1e5", " 1", "1 ", "1,5", "--1", "0x10", "1-"}) {
    EXPECT_FALSE(parse_fixed_raw(text)) << '"' << text << '"';
  }
}

TEST(FixedParse, RejectsOverflow) {
  // int64 max is 9223372036854775807 raw = 92233720368.54775807.
  auto max = parse_fixed_raw("92233720368.54775807");
  ASSERT_TRUE(max);
  EXPECT_EQ(*max, kMax);
  EXPECT_FALSE(parse_fixed_raw("92233720368.54775808"));
  EXPECT_FALSE(parse_fixed_raw("92233720369"));
  EXPECT_FALSE(parse_fixed_raw("99999999999999999999999999999999"));
  EXPECT_EQ(*parse_fixed_raw("-92233720368.54775807"), -kMax);
}

TEST(FixedFormat, ExtremesAndRandomRoundTrip) {
  // The magnitude of int64 min does not fit in int64; formatting must not overflow.
  EXPECT_EQ(format_fixed_raw(kMin), "-92233720368.54775808");
  EXPECT_EQ(format_fixed_raw(kMax), "92233720368.54775807");
  EXPECT_EQ(format_fixed_raw(0), "0");

  std::mt19937_64 rng(20240601);
  std::uniform_int_distribution<std::int64_t> any(kMin + 1, kMax);
  for (int i = 0; i < 10'000; ++i) {
    const std::int64_t raw = any(rng) >> (i % 60);  // spread over magnitudes
    const auto text = format_fixed_raw(raw);
    auto back = parse_fixed_raw(text);
    ASSERT_TRUE(back) << text;
    ASSERT_EQ(*back, raw) << text;
  }
}

TEST(FixedFromDouble, RoundsToNearestUnitHalfAwayFromZero) {
  // 0.125 is exact in binary: 12'500'000 raw.
  EXPECT_EQ(Price::from_double(0.125).raw(), 12'500'000);
  // 1/512 = 0.001953125 is exact in binary and is 195312.5 units: a true tie, which
  // the documented rule (half away from zero) sends to 195313 / -195313.
  EXPECT_EQ(Price::from_double(1.0 / 512).raw(), 195'313);
  EXPECT_EQ(Price::from_double(-1.0 / 512).raw(), -195'313);
  // 3/512 = 585937.5 units -> 585938.
  EXPECT_EQ(Price::from_double(3.0 / 512).raw(), 585'938);
  // 0.1 is not exact in binary but is nearest to 10'000'000 units.
  EXPECT_EQ(Price::from_double(0.1).raw(), 10'000'000);
  EXPECT_EQ(Price::from_double(65000.12).raw(), 6'500'012'000'000);
}

TEST(FixedFromDouble, NonFiniteIsZeroAndHugeSaturates) {
  EXPECT_EQ(Price::from_double(std::numeric_limits<double>::quiet_NaN()).raw(), 0);
  EXPECT_EQ(Price::from_double(std::numeric_limits<double>::infinity()).raw(), 0);
  EXPECT_EQ(Price::from_double(1e300).raw(), kMax);
  // Saturated inside the symmetric range: -kMax, never int64 min (whose negation wraps).
  EXPECT_EQ(Price::from_double(-1e300).raw(), -kMax);
}

TEST(FixedMulDivRound, TiesGoToEven) {
  EXPECT_EQ(mul_div_round(5, 1, 2), 2);    // 2.5 -> 2
  EXPECT_EQ(mul_div_round(7, 1, 2), 4);    // 3.5 -> 4
  EXPECT_EQ(mul_div_round(-5, 1, 2), -2);  // -2.5 -> -2
  EXPECT_EQ(mul_div_round(-7, 1, 2), -4);  // -3.5 -> -4
  EXPECT_EQ(mul_div_round(1, 1, 2), 0);    // 0.5 -> 0
  EXPECT_EQ(mul_div_round(3, 1, 2), 2);    // 1.5 -> 2
  EXPECT_EQ(mul_div_round(5, 5, 10), 2);   // 25/10 = 2.5 -> 2
  EXPECT_EQ(mul_div_round(5, 3, 10), 2);   // 15/10 = 1.5 -> 2
}

TEST(FixedMulDivRound, NonTiesGoToNearest) {
  EXPECT_EQ(mul_div_round(1, 1, 3), 0);    // 0.333
  EXPECT_EQ(mul_div_round(2, 1, 3), 1);    // 0.667
  EXPECT_EQ(mul_div_round(-2, 1, 3), -1);  // -0.667
  EXPECT_EQ(mul_div_round(-1, 1, 3), 0);   // -0.333
  EXPECT_EQ(mul_div_round(26, 1, 10), 3);  // 2.6
  EXPECT_EQ(mul_div_round(24, 1, 10), 2);  // 2.4
  EXPECT_EQ(mul_div_round(12, 1, 4), 3);   // exact
}

TEST(FixedMulDivRound, UsesA128BitIntermediate) {
  // a * b overflows int64 but the quotient fits.
  EXPECT_EQ(mul_div_round(kMax, 2, 2), kMax);
  EXPECT_EQ(mul_div_round(kMax, kMax, kMax), kMax);
  EXPECT_EQ(mul_div_round(kMin, 3, 3), kMin);
  // 1e12 * 1e12 / 1e8 = 1e16
  EXPECT_EQ(mul_div_round(1'000'000'000'000, 1'000'000'000'000, kFixedScale), 10'000'000'000'000'000);
}

TEST(FixedMulDivRound, MatchesFloorBasedReferenceOnRandomInputs) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> ab(-3'000'000'000, 3'000'000'000);
  std::uniform_int_distribution<std::int64_t> den(1, 1'000'000);
  std::uniform_int_distribution<std::int64_t> small_den(1, 8);  // many exact ties
  for (int i = 0; i < 100'000; ++i) {
    const auto a = ab(rng);
    const auto b = i % 2 ? ab(rng) % 1000 : ab(rng);
    const auto d = i % 3 ? den(rng) : small_den(rng) * 2;
    ASSERT_EQ(mul_div_round(a, b, d), reference_half_even(a, b, d)) << a << " * " << b << " / " << d;
  }
}

TEST(FixedMulDivRound, DivisorsAbove2To62RoundWithoutOverflow) {
  // Twice such a remainder does not fit 64 bits: the rounding must still see the half.
  EXPECT_EQ(mul_div_round(kMax / 2, 1, kMax), 0);      // (2^62 - 1) / (2^63 - 1) < 0.5
  EXPECT_EQ(mul_div_round(kMax / 2 + 1, 1, kMax), 1);  // 2^62 / (2^63 - 1) > 0.5
  EXPECT_EQ(mul_div_round(-(kMax / 2 + 1), 1, kMax), -1);
  EXPECT_EQ(mul_div_round(kMax - 1, 1, kMax), 1);
}

TEST(FixedMulDivRound, ProductsEitherSideOfInt64AgreeWithTheExactQuotient) {
  // a * a crosses 2^63 near a = 3037000499.98: products that fit int64 and products that do not.
  // a * a / a is a exactly; a * a / 2a is a / 2, a tie for odd a that goes to even.
  for (std::int64_t a = 3'037'000'480; a < 3'037'000'520; ++a) {
    ASSERT_EQ(mul_div_round(a, a, a), a) << a;
    ASSERT_EQ(mul_div_round(-a, a, a), -a) << a;
    ASSERT_EQ(mul_div_round(a, a, 2 * a), a % 2 == 0 ? a / 2 : (a / 2) + ((a / 2) % 2 != 0)) << a;
  }
}

TEST(FixedHelpers, NotionalIsPriceTimesQuantityHalfEven) {
  // 1.5 * 0.3 = 0.45
  EXPECT_EQ(notional(*Price::parse("1.5"), *Quantity::parse("0.3")).raw(), 45'000'000);
  // 65000.12 * 0.001234 = 80.21014808
  EXPECT_EQ(notional(*Price::parse("65000.12"), *Quantity::parse("0.001234")).to_string(), "80.21014808");
  // 0.00000001 * 0.5 = 0.5 units -> 0 (even); 0.00000003 * 0.5 = 1.5 units -> 2.
  EXPECT_EQ(notional(Price::from_raw(1), *Quantity::parse("0.5")).raw(), 0);
  EXPECT_EQ(notional(Price::from_raw(3), *Quantity::parse("0.5")).raw(), 2);
  EXPECT_EQ(notional(Price::from_raw(5), *Quantity::parse("0.5")).raw(), 2);  // 2.5 -> 2
  EXPECT_EQ(notional(*Price::parse("10"), Quantity{}).raw(), 0);
}

TEST(FixedHelpers, ScaleComputesFeesInBasisPoints) {
  // 10 bps of 1234.56 = 1234.56 * 10 / 10000 = 1.23456
  EXPECT_EQ(scale(*Money::parse("1234.56"), 10, 10'000).to_string(), "1.23456");
  // 25 bps of 100 = 0.25
  EXPECT_EQ(scale(Money::from_units(100), 25, 10'000).raw(), 25'000'000);
  // raw 5 * 1000 / 10000 = 0.5 -> 0; raw 15 -> 1.5 -> 2; raw -15 -> -2.
  EXPECT_EQ(scale(Money::from_raw(5), 1000, 10'000).raw(), 0);
  EXPECT_EQ(scale(Money::from_raw(15), 1000, 10'000).raw(), 2);
  EXPECT_EQ(scale(Money::from_raw(-15), 1000, 10'000).raw(), -2);
}

TEST(FixedHelpers, PerUnitIsAverageCost) {
  // 10 / 4 = 2.5
  EXPECT_EQ(per_unit(Money::from_units(10), Quantity::from_units(4)).raw(), 250'000'000);
  // The sign of the quantity is ignored: 10 / |-4| = 2.5
  EXPECT_EQ(per_unit(Money::from_units(10), Quantity::from_units(-4)).raw(), 250'000'000);
  EXPECT_EQ(per_unit(Money::from_units(10), Quantity{}).raw(), 0);
  // raw 1 / 2 units: 1 * 1e8 / 2e8 = 0.5 -> 0; raw 3: 1.5 -> 2.
  EXPECT_EQ(per_unit(Money::from_raw(1), Quantity::from_units(2)).raw(), 0);
  EXPECT_EQ(per_unit(Money::from_raw(3), Quantity::from_units(2)).raw(), 2);
  // 100 / 3 = 33.333333333... -> 33.33333333
  EXPECT_EQ(per_unit(Money::from_units(100), Quantity::from_units(3)).to_string(), "33.33333333");
}

TEST(FixedRounded, RoundsHalfEvenToDecimals) {
  auto r = [](const char* text, int decimals) { return Price::parse(text)->rounded(decimals).to_string(); };
  EXPECT_EQ(r("1.005", 2), "1");     // 100.5 cents -> 100
  EXPECT_EQ(r("1.015", 2), "1.02");  // 101.5 -> 102
  EXPECT_EQ(r("1.0051", 2), "1.01");
  EXPECT_EQ(r("1.0049", 2), "1");
  EXPECT_EQ(r("-1.005", 2), "-1");
  EXPECT_EQ(r("-1.015", 2), "-1.02");
  EXPECT_EQ(r("2.5", 0), "2");
  EXPECT_EQ(r("3.5", 0), "4");
  EXPECT_EQ(r("-2.5", 0), "-2");
  EXPECT_EQ(r("1.23456789", 8), "1.23456789");
  EXPECT_EQ(r("1.23456789", 5), "1.23457");
  // Negative decimals are treated as zero.
  EXPECT_EQ(r("7.5", -3), "8");
  EXPECT_EQ(round_raw(123'456'789, 12), 123'456'789);
}

TEST(FixedArithmetic, ExactAdditionAndOrdering) {
  // 0.1 + 0.2 == 0.3 exactly, unlike double.
  EXPECT_EQ(*Money::parse("0.1") + *Money::parse("0.2"), *Money::parse("0.3"));
  Money m = Money::from_units(5);
  m -= *Money::parse("0.00000001");
  EXPECT_EQ(m.to_string(), "4.99999999");
  m += Money::from_raw(1);
  EXPECT_EQ(m, Money::from_units(5));
  EXPECT_EQ((-m).raw(), -5 * kFixedScale);
  EXPECT_LT(*Money::parse("-1"), Money{});
  EXPECT_GT(*Money::parse("0.00000001"), Money{});
  EXPECT_TRUE(Money{}.is_zero());
  EXPECT_DOUBLE_EQ(Money::from_units(3).to_double(), 3.0);
}

// #11 item 1: the ledger's range is symmetric (+-92233720368.54775807) and every checked
// operation refuses what leaves it instead of wrapping.
TEST(FixedRange, CheckedFromDoubleRefusesWhatDoesNotFit) {
  using meridian::core::checked_raw_from_double;
  EXPECT_EQ(checked_raw_from_double(1.5), 150'000'000);
  EXPECT_EQ(checked_raw_from_double(-1.5), -150'000'000);
  EXPECT_EQ(checked_raw_from_double(92233720368.0), 9'223'372'036'800'000'000);
  // 92233720368.54775807 as a double is 2^63 / 1e8: its raw value is 2^63, one beyond.
  EXPECT_FALSE(checked_raw_from_double(92233720368.54775807));
  EXPECT_FALSE(checked_raw_from_double(-92233720368.54775807));
  EXPECT_FALSE(checked_raw_from_double(1e10 * 10));
  EXPECT_FALSE(checked_raw_from_double(1e300));
  EXPECT_FALSE(checked_raw_from_double(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(checked_raw_from_double(-std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(Price::checked_from_double(1e11));
  EXPECT_EQ(Price::checked_from_double(65000.12)->raw(), 6'500'012'000'000);
}

TEST(FixedRange, CheckedArithmeticRefusesInsteadOfWrapping) {
  using meridian::core::checked_add;
  using meridian::core::checked_mul_div_round;
  using meridian::core::checked_notional;
  using meridian::core::checked_scale;
  using meridian::core::checked_sub;
  const auto max = Money::from_raw(kMax);
  EXPECT_FALSE(checked_add(max, Money::from_raw(1)));
  EXPECT_EQ(checked_add(max, Money::from_raw(-1))->raw(), kMax - 1);
  // int64 min is outside the symmetric range: -max - 1 is refused.
  EXPECT_FALSE(checked_sub(-max, Money::from_raw(1)));
  EXPECT_FALSE(checked_add(-max, Money::from_raw(-1)));
  EXPECT_EQ(checked_sub(Money{}, max)->raw(), -kMax);
  // The reproduction: 1,000,000 x 100,000 = 1e11, beyond the range (it wrapped to
  // -84467440737.1).
  EXPECT_FALSE(checked_notional(Price::from_units(100'000), Quantity::from_units(1'000'000)));
  EXPECT_EQ(checked_notional(Price::from_units(100'000), Quantity::from_units(900'000))->raw(),
            90'000'000'000 * kFixedScale);
  EXPECT_FALSE(checked_mul_div_round(kMax, 2, 1));
  EXPECT_EQ(*checked_mul_div_round(kMax, -1, 1), -kMax);
  EXPECT_FALSE(checked_mul_div_round(kMin, 1, 1)) << "int64 min is out of range";
  EXPECT_FALSE(checked_mul_div_round(1, 1, 0));
  EXPECT_FALSE(checked_scale(max, 2, 1));
  EXPECT_FALSE(checked_scale(max, 1, 0));
  EXPECT_EQ(checked_scale(max, 1, 2)->raw(), kMax / 2 + 1);  // ...903.5 -> half-even ...904
}

TEST(FixedRange, SaturatingFiguresClampAtTheRange) {
  using meridian::core::saturating_add;
  using meridian::core::saturating_notional;
  using meridian::core::saturating_sub;
  const auto max = Money::from_raw(kMax);
  EXPECT_EQ(saturating_add(max, Money::from_units(1)).raw(), kMax);
  EXPECT_EQ(saturating_add(-max, Money::from_units(-1)).raw(), -kMax);
  EXPECT_EQ(saturating_sub(-max, Money::from_units(1)).raw(), -kMax);
  EXPECT_EQ(saturating_sub(max, Money::from_units(-1)).raw(), kMax);
  EXPECT_EQ(saturating_add(Money::from_units(1), Money::from_units(2)), Money::from_units(3));
  EXPECT_EQ(saturating_notional(Price::from_units(100'000), Quantity::from_units(1'000'000)).raw(), kMax);
  EXPECT_EQ(saturating_notional(Price::from_units(100'000), Quantity::from_units(-1'000'000)).raw(), -kMax);
  // per_unit of a tiny quantity that cost a lot clamps too.
  EXPECT_EQ(per_unit(max, Quantity::from_raw(1)).raw(), kMax);
}

TEST(FixedRange, RoundingNearTheEndsStaysInside) {
  EXPECT_EQ(round_raw(kMax, 0), kMax / kFixedScale * kFixedScale);
  EXPECT_EQ(round_raw(-kMax, 2), -(kMax / 1'000'000 * 1'000'000));
  EXPECT_EQ(round_raw(kMax, 8), kMax);
}

TEST(DecimalText, ExactFromTextWithExponentsAndSurplusZeros) {
  EXPECT_EQ(parse_decimal_raw("42000.10"), 4'200'010'000'000);
  EXPECT_EQ(parse_decimal_raw("1.5e-05"), 1500);
  EXPECT_EQ(parse_decimal_raw("1.5E-05"), 1500);
  EXPECT_EQ(parse_decimal_raw("-2.5E+2"), -25'000'000'000);
  EXPECT_EQ(parse_decimal_raw("3e2"), 30'000'000'000);
  EXPECT_EQ(parse_decimal_raw("42.000000000000"), 4'200'000'000);
  EXPECT_EQ(parse_decimal_raw("0.000000010"), 1);
  EXPECT_EQ(parse_decimal_raw("1e-8"), 1);
  EXPECT_EQ(parse_decimal_raw(".5"), 50'000'000);
  for (const char* bad : {"", "-", "e5", "1e", "1e+", "1.000000001", "1e-9", "nan", "inf", "1e400", "1..2", "1.2.3",
                          "0x10", "1,5", "1e5.5", "99999999999999999999"})
    EXPECT_FALSE(parse_decimal_raw(bad)) << '"' << bad << '"';
}

// Found by fuzz/csv_bars_fuzz: "e+-5" read as "e-5" (the '+' was dropped and from_chars took
// the '-'); a sign after the sign is not a number.
TEST(DecimalText, ExponentWithTwoSignsIsNotANumber) {
  EXPECT_FALSE(parse_decimal_raw("-12.5e+-05").has_value());
  EXPECT_FALSE(parse_decimal_raw("35E+-01").has_value());
  EXPECT_FALSE(parse_decimal_raw("1e+").has_value());
  EXPECT_EQ(parse_decimal_raw("-12.5e+05"), -1'250'000'00000000);
  EXPECT_EQ(parse_decimal_raw("-12.5e-05"), -12'500);
}

TEST(DecimalText, EdgesOfTheRangeAreExactAndOneUnitBeyondIsRefused) {
  constexpr std::int64_t kMax = INT64_MAX;
  EXPECT_EQ(parse_decimal_raw("92233720368.54775807"), kMax);
  EXPECT_EQ(parse_decimal_raw("-92233720368.54775807"), -kMax);
  EXPECT_EQ(parse_decimal_raw("9223372036854775807e-8"), kMax);  // exponent form of the max
  EXPECT_EQ(parse_decimal_raw("9.223372036854775807E10"), kMax);
  EXPECT_EQ(parse_decimal_raw("92233720368.5477580700"), kMax);  // surplus zeros
  EXPECT_FALSE(parse_decimal_raw("92233720368.54775808"));       // one unit beyond
  EXPECT_FALSE(parse_decimal_raw("-92233720368.54775808"));      // INT64_MIN is never produced
  EXPECT_FALSE(parse_decimal_raw("9223372036854775808e-8"));
  EXPECT_FALSE(parse_decimal_raw("1e11"));
  EXPECT_FALSE(parse_decimal_raw("1e40"));
  EXPECT_FALSE(parse_decimal_raw("1e-41"));
  EXPECT_FALSE(parse_decimal_raw("1e+300"));  // a JSON number's shortest text (nlohmann's dump)
}

TEST(DecimalText, NegativeZeroAndSignsAndTinyValues) {
  EXPECT_EQ(parse_decimal_raw("-0"), 0);
  EXPECT_EQ(parse_decimal_raw("-0.0e5"), 0);
  EXPECT_EQ(parse_decimal_raw("+5"), 500'000'000);
  EXPECT_EQ(parse_decimal_raw("-0.00000001"), -1);
  EXPECT_EQ(parse_decimal_raw("-1E-8"), -1);
  EXPECT_EQ(parse_decimal_raw("0.1e-7"), 1);
  EXPECT_FALSE(parse_decimal_raw("+-5"));
  EXPECT_FALSE(parse_decimal_raw("--5"));
  EXPECT_FALSE(parse_decimal_raw(" 5"));
  EXPECT_FALSE(parse_decimal_raw("5 "));
}

TEST(DecimalText, MoreThanEightDecimalsOnlyWhenTheSurplusIsZeros) {
  EXPECT_EQ(parse_decimal_raw("0.123456780"), 12'345'678);
  EXPECT_EQ(parse_decimal_raw("1.000000000000000000000000000000"), 100'000'000);
  EXPECT_EQ(parse_decimal_raw("12345678.0e-8"), 12'345'678);
  EXPECT_FALSE(parse_decimal_raw("12345678.9e-8"));
  EXPECT_FALSE(parse_decimal_raw("0.123456789"));
  EXPECT_FALSE(parse_decimal_raw("0.000000001"));
  EXPECT_FALSE(parse_decimal_raw("1.23456789e-1"));  // the exponent pushes a digit past the 8th
  EXPECT_FALSE(parse_decimal_raw("190.55000000000001"));
}
