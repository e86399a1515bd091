// fixed_fraction: whole lots, never over budget, zero on degenerate input.
#include "meridian/risk/sizing.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

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
