// The ledger: fixed-point cash and positions. Hand-computed trades, and the exact
// reconciliation invariant over random sequences of fills.
#include "meridian/engine/ledger.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

using meridian::core::Money;
using meridian::core::notional;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Side;
using meridian::core::SymbolId;
using meridian::core::Timestamp;
using meridian::engine::Ledger;
using meridian::engine::PositionState;

namespace {
Money money(const char* s) {
  return *Money::parse(s);
}
Price price(const char* s) {
  return *Price::parse(s);
}
Quantity qty(const char* s) {
  return *Quantity::parse(s);
}
const Timestamp kTs{std::chrono::seconds(1'800'000'000)};

// cash + sum(cost_basis) - (initial + sum(realized) - fees), in raw units: must be 0.
std::int64_t invariant_gap(const Ledger& l, Money initial) {
  Money lhs = l.cash();
  for (const auto& p : l.positions()) lhs += p.cost_basis;
  const Money rhs = initial + l.realized_pnl() - l.fees_paid();
  return (lhs - rhs).raw();
}
}  // namespace

TEST(Ledger, BuysAndSellsWithRealizedPnl) {
  const Money initial = money("100000");
  Ledger l(initial, 2);
  // Buy 10 @ 100, fee 1: cash 100000 - 1000 - 1 = 98999.
  EXPECT_EQ(l.apply(0, Side::buy, qty("10"), price("100"), money("1"), kTs), Money{});
  EXPECT_EQ(l.cash(), money("98999"));
  EXPECT_EQ(l.position(0).quantity, qty("10"));
  EXPECT_EQ(l.position(0).cost_basis, money("1000"));
  EXPECT_EQ(l.position(0).updated_at, kTs);
  // Buy 10 @ 110, fee 1.1: cash 98999 - 1100 - 1.1 = 97897.9; cost 2100 for 20.
  l.apply(0, Side::buy, qty("10"), price("110"), money("1.1"), kTs);
  EXPECT_EQ(l.cash(), money("97897.9"));
  EXPECT_EQ(l.position(0).cost_basis, money("2100"));
  // Sell 5 @ 120, fee 0.6: cost share 2100 * 5/20 = 525; proceeds 600; realized 75;
  // cash 97897.9 + 600 - 0.6 = 98497.3.
  EXPECT_EQ(l.apply(0, Side::sell, qty("5"), price("120"), money("0.6"), kTs), money("75"));
  EXPECT_EQ(l.cash(), money("98497.3"));
  EXPECT_EQ(l.position(0).quantity, qty("15"));
  EXPECT_EQ(l.position(0).cost_basis, money("1575"));
  EXPECT_EQ(l.position(0).realized_pnl, money("75"));
  EXPECT_EQ(l.open_positions(), 1u);
  // Sell the remaining 15 @ 90, fee 1.35: proceeds 1350, cost 1575, realized -225.
  EXPECT_EQ(l.apply(0, Side::sell, qty("15"), price("90"), money("1.35"), kTs), money("-225"));
  EXPECT_EQ(l.cash(), money("99845.95"));  // 98497.3 + 1350 - 1.35
  EXPECT_TRUE(l.position(0).quantity.is_zero());
  EXPECT_TRUE(l.position(0).cost_basis.is_zero());
  EXPECT_EQ(l.realized_pnl(), money("-150"));  // 75 - 225
  EXPECT_EQ(l.fees_paid(), money("4.05"));     // 1 + 1.1 + 0.6 + 1.35
  EXPECT_EQ(l.open_positions(), 0u);
  // 100000 - 150 - 4.05 = 99845.95: the books close.
  EXPECT_EQ(invariant_gap(l, initial), 0);
  // The other symbol was never touched.
  EXPECT_EQ(l.position(1), PositionState{});
}

TEST(Ledger, SellingEverythingTakesTheWholeCostBasis) {
  // 3 units costing 1.00000000 do not split evenly, so pro-rata shares are rounded; the
  // last sale must take whatever is left so a flat position keeps no residue.
  Ledger l(money("10"), 1);
  l.apply(0, Side::buy, qty("1"), price("0.5"), Money{}, kTs);
  l.apply(0, Side::buy, qty("2"), price("0.25"), Money{}, kTs);
  ASSERT_EQ(l.position(0).cost_basis, money("1"));
  // Sell 1 of 3: 1 / 3 = 0.333333333 -> 0.33333333; 0.66666667 left.
  EXPECT_EQ(l.apply(0, Side::sell, qty("1"), price("0.5"), Money{}, kTs), money("0.16666667"));
  EXPECT_EQ(l.position(0).cost_basis, money("0.66666667"));
  // Sell 1 of 2: 0.66666667 / 2 = 0.333333335, a tie -> 0.33333334 (even); 0.33333333 left.
  EXPECT_EQ(l.apply(0, Side::sell, qty("1"), price("0.5"), Money{}, kTs), money("0.16666666"));
  EXPECT_EQ(l.position(0).cost_basis, money("0.33333333"));
  // Sell the last one: all of the remaining cost.
  EXPECT_EQ(l.apply(0, Side::sell, qty("1"), price("0.5"), Money{}, kTs), money("0.16666667"));
  EXPECT_TRUE(l.position(0).cost_basis.is_zero());
  EXPECT_TRUE(l.position(0).quantity.is_zero());
  // Total realized = proceeds 1.5 - cost 1, exactly.
  EXPECT_EQ(l.realized_pnl(), money("0.5"));
}

TEST(Ledger, ProRataCostUsesHalfEvenRounding) {
  Ledger l(money("1"), 1);
  // Cost 1 raw unit over 2: selling 1 takes 0.5 raw -> 0 (even), 1 stays.
  l.restore(l.cash(), l.fees_paid(), 0, PositionState{qty("2"), Money::from_raw(1), Money{}, kTs});
  l.apply(0, Side::sell, qty("1"), Price{}, Money{}, kTs);
  EXPECT_EQ(l.position(0).cost_basis.raw(), 1);
  // Cost 3 raw over 2: selling 1 takes 1.5 -> 2, 1 stays.
  l.restore(l.cash(), l.fees_paid(), 0, PositionState{qty("2"), Money::from_raw(3), Money{}, kTs});
  l.apply(0, Side::sell, qty("1"), Price{}, Money{}, kTs);
  EXPECT_EQ(l.position(0).cost_basis.raw(), 1);
}

TEST(Ledger, OversellThrows) {
  Ledger l(money("1000"), 1);
  l.apply(0, Side::buy, qty("2"), price("10"), Money{}, kTs);
  EXPECT_THROW(l.apply(0, Side::sell, qty("2.00000001"), price("10"), Money{}, kTs), std::logic_error);
  Ledger empty(money("1000"), 1);
  EXPECT_THROW(empty.apply(0, Side::sell, qty("1"), price("10"), Money{}, kTs), std::logic_error);
  EXPECT_THROW(empty.apply(1, Side::buy, qty("1"), price("10"), Money{}, kTs), std::out_of_range);
}

TEST(Ledger, OversellLeavesTheLedgerUnchanged) {
  // Regression (was a bug): src/engine/ledger.cpp Ledger::apply adds the fee to fees_paid_ and sets
  // updated_at (lines 15-16) before the oversell check throws (line 23), so a refused
  // sell still charges its fee and the invariant cash + cost == initial + realized - fees
  // breaks by that fee. Recovery (src/storage/recovery.cpp) catches this logic_error and
  // keeps replaying into the corrupted ledger.
  const Money initial = money("1000");
  Ledger l(initial, 1);
  l.apply(0, Side::buy, qty("2"), price("10"), money("0.5"), kTs);
  const Ledger before = l;
  EXPECT_THROW(l.apply(0, Side::sell, qty("3"), price("10"), money("0.7"), kTs + std::chrono::seconds(1)),
               std::logic_error);
  EXPECT_EQ(l.fees_paid(), before.fees_paid());
  EXPECT_EQ(l.position(0).updated_at, before.position(0).updated_at);
  EXPECT_EQ(invariant_gap(l, initial), 0);
}

TEST(Ledger, InvariantHoldsExactlyOverRandomFills) {
  for (std::uint64_t seed : {1u, 2u, 3u, 42u, 2024u}) {
    std::mt19937_64 rng(seed);
    constexpr std::size_t kSymbols = 4;
    const Money initial = Money::from_units(1'000'000);
    Ledger l(initial, kSymbols);
    std::uniform_int_distribution<SymbolId> symbol(0, kSymbols - 1);
    std::uniform_int_distribution<std::int64_t> price_raw(1, 100'000'00000000);  // up to 100000, any 1e-8
    std::uniform_int_distribution<std::int64_t> qty_raw(1, 5'00000000);          // up to 5, any 1e-8
    std::uniform_int_distribution<std::int64_t> fee_raw(0, 10'00000000);
    std::uniform_int_distribution<int> action(0, 9);

    // Independent running totals: cash from the trade list alone.
    Money expected_cash = initial;
    Money realized_sum;
    for (int i = 0; i < 5000; ++i) {
      const SymbolId s = symbol(rng);
      const auto p = Price::from_raw(price_raw(rng));
      const auto fee = Money::from_raw(fee_raw(rng));
      const auto held = l.position(s).quantity;
      const int a = action(rng);
      if (a < 5 || held.is_zero()) {
        const auto q = Quantity::from_raw(qty_raw(rng));
        l.apply(s, Side::buy, q, p, fee, kTs);
        expected_cash -= notional(p, q) + fee;
      } else {
        // Partial sells of a random share, and sometimes the whole position.
        const auto q =
            a == 9 ? held : Quantity::from_raw(std::uniform_int_distribution<std::int64_t>(1, held.raw())(rng));
        realized_sum += l.apply(s, Side::sell, q, p, fee, kTs);
        expected_cash += notional(p, q) - fee;
        if (q == held) {
          ASSERT_TRUE(l.position(s).cost_basis.is_zero()) << "flat position keeps no cost";
        }
      }
      ASSERT_EQ(invariant_gap(l, initial), 0) << "seed " << seed << " step " << i;
      ASSERT_EQ(l.cash(), expected_cash) << "seed " << seed << " step " << i;
      ASSERT_EQ(l.realized_pnl(), realized_sum);
      for (const auto& pos : l.positions()) {
        ASSERT_GE(pos.quantity.raw(), 0);
        ASSERT_GE(pos.cost_basis.raw(), 0);
      }
    }
  }
}

TEST(Ledger, RestoreAndEquality) {
  Ledger a(money("500"), 2);
  a.apply(1, Side::buy, qty("3"), price("20"), money("0.1"), kTs);
  Ledger b(money("0"), 2);
  EXPECT_FALSE(a == b);
  b.restore(a.cash(), a.fees_paid(), 1, a.position(1));
  EXPECT_TRUE(a == b);
  // Equality ignores when a position was last updated (not part of the books).
  PositionState later = a.position(1);
  later.updated_at = kTs + std::chrono::hours(1);
  b.restore(a.cash(), a.fees_paid(), 1, later);
  EXPECT_TRUE(a == b);
  b.restore_cash(a.cash() + Money::from_raw(1), a.fees_paid());
  EXPECT_FALSE(a == b);
}

// #11 item 1: a fill whose arithmetic leaves the range is refused whole: can_apply says so and
// apply throws without changing anything (it wrapped before: cash became 84,467,540,737).
TEST(Ledger, AFillThatWouldOverflowIsRefusedWhole) {
  Ledger l(money("100000"), 1);
  const Ledger before = l;
  // The reproduction: 1,000,000 x 100,000.
  EXPECT_FALSE(l.can_apply(0, Side::buy, qty("1000000"), price("100000"), Money{}));
  EXPECT_THROW(l.apply(0, Side::buy, qty("1000000"), price("100000"), Money{}, kTs), std::logic_error);
  EXPECT_EQ(l, before);
  EXPECT_EQ(l.cash(), money("100000"));

  // The notional fits, but cash after it does not (cash 100000 - 92233720368 < -range? no: the
  // fee on top of a notional at the top of the range does).
  const auto top = Price::from_raw(INT64_MAX);
  EXPECT_FALSE(l.can_apply(0, Side::buy, qty("1"), top, money("1")));
  EXPECT_THROW(l.apply(0, Side::buy, qty("1"), top, money("1"), kTs), std::logic_error);
  EXPECT_EQ(l, before);

  // A buy that fits, then a sale at a price whose proceeds overflow cash.
  ASSERT_TRUE(l.can_apply(0, Side::buy, qty("1000"), price("90000000"), Money{}));
  l.apply(0, Side::buy, qty("1000"), price("90000000"), Money{}, kTs);  // 9e10: cash -89999900000
  EXPECT_EQ(l.cash(), money("-89999900000"));
  const Ledger held = l;
  EXPECT_FALSE(l.can_apply(0, Side::buy, qty("1000"), price("3000000"), Money{})) << "cash below -range";
  EXPECT_TRUE(l.can_apply(0, Side::sell, qty("1000"), price("90000000"), Money{}));
  // Fees paid accumulate: a fee beyond the range is refused.
  EXPECT_FALSE(l.can_apply(0, Side::sell, qty("1"), price("1"), Money::from_raw(INT64_MAX)));
  EXPECT_EQ(l, held);
  // Negative or zero quantities, negative prices and fees are not fills.
  EXPECT_FALSE(l.can_apply(0, Side::buy, Quantity{}, price("1"), Money{}));
  EXPECT_FALSE(l.can_apply(0, Side::buy, qty("1"), Price::from_raw(-1), Money{}));
  EXPECT_FALSE(l.can_apply(0, Side::buy, qty("1"), price("1"), Money::from_raw(-1)));
  EXPECT_FALSE(l.can_apply(1, Side::buy, qty("1"), price("1"), Money{})) << "unknown symbol";
}

TEST(Ledger, RealizedPnlSumClampsInsteadOfWrapping) {
  Ledger l(money("0"), 2);
  const auto big = Money::from_raw(INT64_MAX - 5);
  l.restore(Money{}, Money{}, 0, PositionState{Quantity{}, Money{}, big, kTs});
  l.restore(Money{}, Money{}, 1, PositionState{Quantity{}, Money{}, big, kTs});
  EXPECT_EQ(l.realized_pnl().raw(), INT64_MAX);
}
