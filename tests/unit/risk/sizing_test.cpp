// fixed_fraction: whole lots, never over budget, zero on degenerate input.
#include "meridian/risk/sizing.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <random>
#include <string>

using meridian::core::Money;
using meridian::core::notional;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::risk::fixed_fraction;

namespace {
Money money(const char* s) {
  return *Money::parse(s);
}
Price price(const char* s) {
  return *Price::parse(s);
}
}  // namespace

TEST(FixedFraction, WholeSharesFloorToBudget) {
  // budget 10000 * 0.1 = 1000; 1000 / 33 = 30.3 -> 30 shares (990); 31 would be 1023.
  EXPECT_EQ(fixed_fraction(money("10000"), 0.1, price("33"), 0), Quantity::from_units(30));
  // Exactly on budget is allowed: 1000 / 10 = 100 shares.
  EXPECT_EQ(fixed_fraction(money("10000"), 0.1, price("10"), 0), Quantity::from_units(100));
}

TEST(FixedFraction, RoundsDownToTheLotSize) {
  // budget 100000 * 0.5 = 50000; 50000 / 65000 = 0.76923... -> 0.769 at 3 decimals
  // (notional 0.769 * 65000 = 49985).
  EXPECT_EQ(fixed_fraction(money("100000"), 0.5, price("65000"), 3).to_string(), "0.769");
  // budget 10000; 10000 / 65000 = 0.15384615... -> 0.153846 at 6 decimals (9999.99).
  const auto q = fixed_fraction(money("100000"), 0.1, price("65000"), 6);
  EXPECT_EQ(q.to_string(), "0.153846");
  EXPECT_EQ(notional(price("65000"), q).to_string(), "9999.99");
  // 8 decimals is the finest lot: 1 / 3 = 0.33333333
  EXPECT_EQ(fixed_fraction(money("1"), 1.0, price("3"), 8).to_string(), "0.33333333");
}

TEST(FixedFraction, FractionAboveOneIsCapped) {
  // 2.0 behaves as 1.0: budget 1000 / 10 = 100, not 200.
  EXPECT_EQ(fixed_fraction(money("1000"), 2.0, price("10"), 0), Quantity::from_units(100));
}

TEST(FixedFraction, ZeroOnDegenerateInput) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(fixed_fraction(money("0"), 0.1, price("10"), 0).is_zero());
  EXPECT_TRUE(fixed_fraction(money("-1000"), 0.1, price("10"), 0).is_zero());
  EXPECT_TRUE(fixed_fraction(money("1000"), 0.1, price("0"), 0).is_zero());
  EXPECT_TRUE(fixed_fraction(money("1000"), 0.1, price("-10"), 0).is_zero());
  EXPECT_TRUE(fixed_fraction(money("1000"), 0.0, price("10"), 0).is_zero());
  EXPECT_TRUE(fixed_fraction(money("1000"), -0.5, price("10"), 0).is_zero());
  EXPECT_TRUE(fixed_fraction(money("1000"), nan, price("10"), 0).is_zero());
  EXPECT_TRUE(fixed_fraction(money("1000"), inf, price("10"), 0).is_zero());
  EXPECT_TRUE(fixed_fraction(money("1000"), -inf, price("10"), 0).is_zero());
  // Budget below one lot: 100 * 0.1 = 10 < one share at 50.
  EXPECT_TRUE(fixed_fraction(money("100"), 0.1, price("50"), 0).is_zero());
}

TEST(FixedFraction, RandomInputsNeverExceedBudgetAndLeaveLessThanOneLot) {
  std::mt19937_64 rng(4242);
  std::uniform_int_distribution<std::int64_t> equity_cents(1, 100'000'000'00);  // up to 100M
  std::uniform_int_distribution<std::int64_t> price_ticks(1, 10'000'000);       // 0.01 .. 100000
  std::uniform_real_distribution<double> frac(0.001, 1.0);
  std::uniform_int_distribution<int> decimals(0, 8);
  int non_zero = 0;
  for (int i = 0; i < 20'000; ++i) {
    const auto equity = Money::from_raw(equity_cents(rng) * 1'000'000);
    const auto p = Price::from_raw(price_ticks(rng) * 1'000'000);
    const double f = frac(rng);
    const int qd = decimals(rng);
    const auto q = fixed_fraction(equity, f, p, qd);
    const double budget = equity.to_double() * f;
    const auto lot = Quantity::from_raw(static_cast<std::int64_t>(std::llround(std::pow(10.0, 8 - qd))));

    ASSERT_GE(q.raw(), 0);
    // On the lot grid.
    ASSERT_EQ(q.raw() % lot.raw(), 0) << "qd=" << qd << " q=" << q.to_string();
    // Never over budget.
    ASSERT_LE(notional(p, q).to_double(), budget) << i;
    // Maximal: one more lot would (up to double rounding of the budget) exceed it.
    ASSERT_GT(notional(p, q + lot).to_double(), budget * (1 - 1e-12))
        << "equity=" << equity.to_string() << " f=" << f << " price=" << p.to_string() << " qd=" << qd
        << " q=" << q.to_string();
    non_zero += q.is_zero() ? 0 : 1;
  }
  EXPECT_GT(non_zero, 10'000);  // the sample must mostly size real orders
}

TEST(FixedFraction, HugeLotCountDoesNotOverflow) {
  // Regression (was a bug): src/risk/sizing.cpp fixed_fraction() has no guard for a lot count beyond the
  // Fixed range (~9.22e10 units): here floor(1e6 / 0.00001) = 1e11 shares, so
  // Quantity::from_double saturates at INT64_MAX raw and .rounded(0) then overflows in
  // round_raw (src/core/fixed.cpp:39, signed overflow: UBSan aborts; a release build
  // wraps negative and happens to return 0). Sizing must be pure and total: it should
  // return zero (or the largest representable in-budget quantity), never hit UB.
  const auto p = price("0.00001");
  const auto q = fixed_fraction(money("1000000"), 1.0, p, 0);
  EXPECT_GE(q.raw(), 0);
  EXPECT_LE(notional(p, q).to_double(), 1'000'000.0);
}

using meridian::risk::atr_sized;
using meridian::risk::fixed_notional;
using meridian::risk::fixed_risk;
using meridian::risk::kelly_fraction;

TEST(SizingFixedRisk, RiskBudgetOverStopDistance) {
  // 100000 * 1 % = 1000 at risk; 5 per unit to the stop -> 200 units (20000 at entry).
  EXPECT_EQ(fixed_risk(money("100000"), 0.01, price("100"), price("95"), 0), Quantity::from_units(200));
  // A stop above the entry (a short) works the same: 1000 / 4 = 250.
  EXPECT_EQ(fixed_risk(money("100000"), 0.01, price("100"), price("104"), 0), Quantity::from_units(250));
  // 1000 / 3 = 333.33 -> 333 units risking 999.
  EXPECT_EQ(fixed_risk(money("100000"), 0.01, price("30"), price("27"), 0), Quantity::from_units(333));
  // 1000 / 3 at 2 decimals -> 333.33.
  EXPECT_EQ(fixed_risk(money("100000"), 0.01, price("30"), price("27"), 2).to_string(), "333.33");
}

TEST(SizingFixedRisk, NeverMoreThanEquityBuys) {
  // A 0.01 stop would allow 100000 units; equity buys 1000 at 100.
  EXPECT_EQ(fixed_risk(money("100000"), 0.01, price("100"), price("99.99"), 0), Quantity::from_units(1000));
  // 10000 * 2 % = 200 over 1000 -> 0.2, but 10000 buys 0.153846.. at 65000 -> 0.153 (3 decimals).
  EXPECT_EQ(fixed_risk(money("10000"), 0.02, price("65000"), price("64000"), 3).to_string(), "0.153");
  // A risk fraction above one is capped at the whole equity.
  EXPECT_EQ(fixed_risk(money("1000"), 5.0, price("10"), price("5"), 0), Quantity::from_units(100));
}

TEST(SizingFixedRisk, RandomInputsStayWithinBothBudgets) {
  std::mt19937_64 rng(777);
  std::uniform_int_distribution<std::int64_t> equity_cents(1, 10'000'000'00);
  std::uniform_int_distribution<std::int64_t> price_ticks(100, 10'000'000);
  std::uniform_real_distribution<double> frac(0.001, 0.05);
  std::uniform_real_distribution<double> stop_frac(0.001, 0.3);
  std::uniform_int_distribution<int> decimals(0, 8);
  int non_zero = 0;
  for (int i = 0; i < 10'000; ++i) {
    const auto equity = Money::from_raw(equity_cents(rng) * 1'000'000);
    const auto entry = Price::from_raw(price_ticks(rng) * 1'000'000);
    const auto stop = Price::from_double(entry.to_double() * (1 - stop_frac(rng)));
    const double f = frac(rng);
    const int qd = decimals(rng);
    const auto q = fixed_risk(equity, f, entry, stop, qd);
    const auto lot = Quantity::from_raw(static_cast<std::int64_t>(std::llround(std::pow(10.0, 8 - qd))));
    const double distance = (entry - stop).to_double();
    const double risk_budget = equity.to_double() * f;
    ASSERT_GE(q.raw(), 0);
    ASSERT_EQ(q.raw() % lot.raw(), 0);
    ASSERT_LE(q.to_double() * distance, risk_budget) << i;
    ASSERT_LE(notional(entry, q).to_double(), equity.to_double()) << i;
    // Maximal: one more lot breaks one of the two budgets.
    const auto more = q + lot;
    ASSERT_TRUE(more.to_double() * distance > risk_budget * (1 - 1e-12) ||
                notional(entry, more).to_double() > equity.to_double() * (1 - 1e-12))
        << i;
    non_zero += q.is_zero() ? 0 : 1;
  }
  EXPECT_GT(non_zero, 5'000);
}

TEST(SizingAtr, StopDistanceIsAMultipleOfTheAtr) {
  // 1000 at risk over 2 * 2.5 = 5 -> 200 units.
  EXPECT_EQ(atr_sized(money("100000"), 0.01, 2.5, 2.0, price("100"), 0), Quantity::from_units(200));
  // Twice the volatility, half the size.
  EXPECT_EQ(atr_sized(money("100000"), 0.01, 5.0, 2.0, price("100"), 0), Quantity::from_units(100));
  // Capped by what the equity buys: 1000 / 0.001 would be 1e6 units.
  EXPECT_EQ(atr_sized(money("100000"), 0.01, 0.001, 1.0, price("100"), 0), Quantity::from_units(1000));
  // 10000 * 1 % = 100 over 3 * 150 = 450 -> 0.2222.. -> 0.2222 at 4 decimals.
  EXPECT_EQ(atr_sized(money("10000"), 0.01, 150.0, 3.0, price("3000"), 4).to_string(), "0.2222");
}

TEST(SizingFixedNotional, AFixedAmountPerPosition) {
  // 1000 / 33 = 30.3 -> 30 (990).
  EXPECT_EQ(fixed_notional(money("1000"), price("33"), 0), Quantity::from_units(30));
  EXPECT_EQ(fixed_notional(money("1000"), price("10"), 0), Quantity::from_units(100));
  EXPECT_EQ(fixed_notional(money("500"), price("65000"), 6).to_string(), "0.007692");
}

TEST(SizingKelly, EdgeScaledAndCapped) {
  // p = 0.6, b = 1: 0.6 - 0.4 = 0.2; half Kelly 0.1; capped at 0.05.
  EXPECT_NEAR(kelly_fraction(0.6, 1.0, 1.0, 1.0), 0.2, 1e-15);
  EXPECT_NEAR(kelly_fraction(0.6, 1.0, 0.5, 1.0), 0.1, 1e-15);
  EXPECT_DOUBLE_EQ(kelly_fraction(0.6, 1.0, 1.0, 0.05), 0.05);
  // p = 0.4, b = 2: 0.4 - 0.6 / 2 = 0.1.
  EXPECT_NEAR(kelly_fraction(0.4, 2.0, 1.0, 1.0), 0.1, 1e-15);
  // Certain wins: f* = 1, capped.
  EXPECT_DOUBLE_EQ(kelly_fraction(1.0, 1.0, 1.0, 0.25), 0.25);
  // No edge or a negative one: nothing.
  EXPECT_EQ(kelly_fraction(0.5, 1.0, 1.0, 1.0), 0.0);
  EXPECT_EQ(kelly_fraction(0.3, 2.0, 1.0, 1.0), 0.0);
  EXPECT_EQ(kelly_fraction(0.0, 5.0, 1.0, 1.0), 0.0);
}

namespace {
const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

struct DegenerateSize {
  const char* name;
  Quantity (*size)();
};

// Each case is one bad input to one sizing function; all must size nothing.
const DegenerateSize kDegenerateSizes[] = {
    {"risk_zero_equity", [] { return fixed_risk(money("0"), 0.01, price("100"), price("95"), 0); }},
    {"risk_negative_equity", [] { return fixed_risk(money("-100000"), 0.01, price("100"), price("95"), 0); }},
    {"risk_zero_fraction", [] { return fixed_risk(money("100000"), 0.0, price("100"), price("95"), 0); }},
    {"risk_negative_fraction", [] { return fixed_risk(money("100000"), -0.01, price("100"), price("95"), 0); }},
    {"risk_nan_fraction", [] { return fixed_risk(money("100000"), kNan, price("100"), price("95"), 0); }},
    {"risk_inf_fraction", [] { return fixed_risk(money("100000"), kInf, price("100"), price("95"), 0); }},
    {"risk_zero_distance", [] { return fixed_risk(money("100000"), 0.01, price("100"), price("100"), 0); }},
    {"risk_zero_entry", [] { return fixed_risk(money("100000"), 0.01, price("0"), price("95"), 0); }},
    {"risk_negative_entry", [] { return fixed_risk(money("100000"), 0.01, price("-100"), price("95"), 0); }},
    {"risk_zero_stop", [] { return fixed_risk(money("100000"), 0.01, price("100"), price("0"), 0); }},
    {"risk_negative_stop", [] { return fixed_risk(money("100000"), 0.01, price("100"), price("-5"), 0); }},
    {"risk_min_entry", [] { return fixed_risk(money("100000"), 0.01, Price::from_raw(INT64_MIN), price("95"), 0); }},
    {"risk_below_one_lot", [] { return fixed_risk(money("100"), 0.01, price("100"), price("90"), 0); }},
    {"atr_zero_atr", [] { return atr_sized(money("100000"), 0.01, 0.0, 2.0, price("100"), 0); }},
    {"atr_negative_atr", [] { return atr_sized(money("100000"), 0.01, -1.0, 2.0, price("100"), 0); }},
    {"atr_nan_atr", [] { return atr_sized(money("100000"), 0.01, kNan, 2.0, price("100"), 0); }},
    {"atr_inf_atr", [] { return atr_sized(money("100000"), 0.01, kInf, 2.0, price("100"), 0); }},
    {"atr_zero_multiple", [] { return atr_sized(money("100000"), 0.01, 2.5, 0.0, price("100"), 0); }},
    {"atr_negative_multiple", [] { return atr_sized(money("100000"), 0.01, 2.5, -2.0, price("100"), 0); }},
    {"atr_nan_multiple", [] { return atr_sized(money("100000"), 0.01, 2.5, kNan, price("100"), 0); }},
    {"atr_overflowing_distance", [] { return atr_sized(money("100000"), 0.01, 1e300, 1e300, price("100"), 0); }},
    {"atr_zero_equity", [] { return atr_sized(money("0"), 0.01, 2.5, 2.0, price("100"), 0); }},
    {"atr_nan_fraction", [] { return atr_sized(money("100000"), kNan, 2.5, 2.0, price("100"), 0); }},
    {"atr_zero_entry", [] { return atr_sized(money("100000"), 0.01, 2.5, 2.0, price("0"), 0); }},
    {"notional_zero_amount", [] { return fixed_notional(money("0"), price("100"), 0); }},
    {"notional_negative_amount", [] { return fixed_notional(money("-1000"), price("100"), 0); }},
    {"notional_zero_price", [] { return fixed_notional(money("1000"), price("0"), 0); }},
    {"notional_negative_price", [] { return fixed_notional(money("1000"), price("-10"), 0); }},
    {"notional_below_one_lot", [] { return fixed_notional(money("99"), price("100"), 0); }},
    {"notional_tiny_price", [] { return fixed_notional(money("1000000"), price("0.00001"), 0); }},
};

// gtest names the case by its name rather than dumping the struct's bytes.
void PrintTo(const DegenerateSize& c, std::ostream* os) {
  *os << c.name;
}

class SizingDegenerate : public ::testing::TestWithParam<DegenerateSize> {};
}  // namespace

TEST_P(SizingDegenerate, SizesNothing) {
  const auto q = GetParam().size();
  EXPECT_TRUE(q.is_zero()) << q.to_string();
}

INSTANTIATE_TEST_SUITE_P(Sizing, SizingDegenerate, ::testing::ValuesIn(kDegenerateSizes),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(SizingKelly, ZeroOnDegenerateInput) {
  for (double p : {kNan, kInf, -0.1, 1.1}) EXPECT_EQ(kelly_fraction(p, 1.0, 1.0, 1.0), 0.0) << p;
  for (double b : {kNan, kInf, 0.0, -1.0}) EXPECT_EQ(kelly_fraction(0.6, b, 1.0, 1.0), 0.0) << b;
  for (double m : {kNan, kInf, 0.0, -0.5}) EXPECT_EQ(kelly_fraction(0.6, 1.0, m, 1.0), 0.0) << m;
  for (double c : {kNan, kInf, 0.0, -0.5}) EXPECT_EQ(kelly_fraction(0.6, 1.0, 1.0, c), 0.0) << c;
}
