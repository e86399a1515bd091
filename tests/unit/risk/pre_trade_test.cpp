// Pre-trade checks: each denial at its exact boundary.
#include "meridian/risk/pre_trade.hpp"

#include <gtest/gtest.h>

using meridian::core::Money;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Side;
using meridian::risk::AccountView;
using meridian::risk::check_order;
using meridian::risk::Denial;
using meridian::risk::Limits;
using meridian::risk::OrderIntent;

namespace {
OrderIntent order(Side side, const char* qty, const char* price, const char* fee = "0") {
  return {side, *Quantity::parse(qty), *Price::parse(price), *Money::parse(fee)};
}
AccountView account(const char* cash, const char* position = "0") {
  return {*Money::parse(cash), *Quantity::parse(position)};
}
}  // namespace

TEST(PreTrade, ZeroOrNegativeQuantityIsDenied) {
  const Limits limits;
  EXPECT_EQ(check_order(order(Side::buy, "0", "100"), account("1000000"), limits), Denial::zero_quantity);
  EXPECT_EQ(check_order(order(Side::buy, "-1", "100"), account("1000000"), limits), Denial::zero_quantity);
  EXPECT_EQ(check_order(order(Side::sell, "0", "100"), account("0", "5"), limits), Denial::zero_quantity);
}

TEST(PreTrade, BuyNeedsCashForNotionalPlusFee) {
  const Limits limits;
  // 10 @ 100 = 1000 notional + 1 fee = 1001.
  EXPECT_EQ(check_order(order(Side::buy, "10", "100", "1"), account("1001"), limits), Denial::none);
  EXPECT_EQ(check_order(order(Side::buy, "10", "100", "1"), account("1000.99999999"), limits),
            Denial::insufficient_cash);
  // The notional alone fits; the fee tips it over.
  EXPECT_EQ(check_order(order(Side::buy, "10", "100", "1"), account("1000"), limits), Denial::insufficient_cash);
  EXPECT_EQ(check_order(order(Side::buy, "10", "100", "0"), account("1000"), limits), Denial::none);
  EXPECT_EQ(check_order(order(Side::buy, "1", "1", "0"), account("-5"), limits), Denial::insufficient_cash);
}

TEST(PreTrade, SellNeedsThePosition) {
  const Limits limits;
  EXPECT_EQ(check_order(order(Side::sell, "5", "100", "1"), account("0", "5"), limits), Denial::none);
  EXPECT_EQ(check_order(order(Side::sell, "5.00000001", "100"), account("0", "5"), limits),
            Denial::insufficient_position);
  EXPECT_EQ(check_order(order(Side::sell, "1", "100"), account("1000000", "0"), limits), Denial::insufficient_position);
  // Long-only: the buy side ignores the position.
  EXPECT_EQ(check_order(order(Side::buy, "1", "100"), account("1000", "0"), limits), Denial::none);
}

TEST(PreTrade, MaxOrderNotional) {
  Limits limits;
  limits.max_order_notional = Money::from_units(1000);
  // 10 @ 100 = 1000: at the limit is allowed.
  EXPECT_EQ(check_order(order(Side::buy, "10", "100"), account("1000000"), limits), Denial::none);
  // 10 @ 100.00000001 = 1000.0000001 > 1000.
  EXPECT_EQ(check_order(order(Side::buy, "10", "100.00000001"), account("1000000"), limits), Denial::max_notional);
  // It applies to sells too, and is reported before the cash/position checks.
  EXPECT_EQ(check_order(order(Side::sell, "11", "100"), account("0", "11"), limits), Denial::max_notional);
  EXPECT_EQ(check_order(order(Side::buy, "11", "100"), account("0"), limits), Denial::max_notional);
}

TEST(PreTrade, DenialNames) {
  EXPECT_EQ(to_string(Denial::none), "none");
  EXPECT_EQ(to_string(Denial::zero_quantity), "zero_quantity");
  EXPECT_EQ(to_string(Denial::insufficient_cash), "insufficient_cash");
  EXPECT_EQ(to_string(Denial::insufficient_position), "insufficient_position");
  EXPECT_EQ(to_string(Denial::max_notional), "max_notional");
}
