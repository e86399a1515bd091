// Pre-trade checks: each denial at its exact boundary, the reducing-order exemptions, the
// order-rate window and the counters.
#include "meridian/risk/pre_trade.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

using meridian::core::Money;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Side;
using meridian::core::Timestamp;
using meridian::risk::Denial;
using meridian::risk::kDenialCount;
using meridian::risk::Limits;
using meridian::risk::OrderIntent;
using meridian::risk::PortfolioView;
using meridian::risk::RiskEngine;
using meridian::risk::RiskState;
using namespace std::chrono_literals;

namespace {
const Timestamp kNow = Timestamp(std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}.time_since_epoch() + 12h);

OrderIntent order(Side side, const char* qty, const char* price, const char* fee = "0") {
  OrderIntent o;
  o.side = side;
  o.quantity = *Quantity::parse(qty);
  o.price = *Price::parse(price);
  o.fee = *Money::parse(fee);
  return o;
}
OrderIntent buy(const char* qty, const char* price, const char* fee = "0") {
  return order(Side::buy, qty, price, fee);
}
OrderIntent sell(const char* qty, const char* price, const char* fee = "0") {
  return order(Side::sell, qty, price, fee);
}
OrderIntent limit_order(Side side, const char* qty, const char* price, const char* last) {
  auto o = order(side, qty, price);
  o.last_trade = *Price::parse(last);
  o.price_is_limit = true;
  return o;
}

// `position` held at `mark`; exposure is this symbol's notional plus `other_exposure`.
PortfolioView portfolio(const char* cash, const char* position = "0", const char* mark = "100",
                        const char* other_exposure = "0", std::uint32_t open_positions = 0) {
  PortfolioView p;
  p.cash = *Money::parse(cash);
  p.position = *Quantity::parse(position);
  const auto abs_position = p.position.raw() < 0 ? -p.position : p.position;
  p.position_notional = meridian::core::notional(*Price::parse(mark), abs_position);
  p.gross_exposure = p.position_notional + *Money::parse(other_exposure);
  p.open_positions = open_positions + (p.position.is_zero() ? 0 : 1);
  p.equity = p.cash + p.position_notional;
  return p;
}

// Every limit disabled, so a test exercises one at a time.
Limits no_limits() {
  Limits l;
  l.max_order_notional = Money{};
  return l;
}
}  // namespace

TEST(PreTradeDenial, ZeroOrNegativeQuantity) {
  RiskEngine risk(no_limits());
  EXPECT_EQ(risk.check(buy("0", "100"), portfolio("1000000"), kNow), Denial::zero_quantity);
  EXPECT_EQ(risk.check(buy("-1", "100"), portfolio("1000000"), kNow), Denial::zero_quantity);
  EXPECT_EQ(risk.check(sell("0", "100"), portfolio("0", "5"), kNow), Denial::zero_quantity);
  EXPECT_EQ(risk.check(buy("0.00000001", "100"), portfolio("1000000"), kNow), Denial::none);
}

TEST(PreTradeDenial, NoPriceEvenForAnExit) {
  RiskEngine risk(no_limits());
  EXPECT_EQ(risk.check(buy("1", "0"), portfolio("1000000"), kNow), Denial::no_price);
  EXPECT_EQ(risk.check(buy("1", "-1"), portfolio("1000000"), kNow), Denial::no_price);
  EXPECT_EQ(risk.check(sell("5", "0"), portfolio("0", "5"), kNow), Denial::no_price);
  EXPECT_EQ(risk.check(buy("1", "0.00000001"), portfolio("1000000"), kNow), Denial::none);
}

TEST(PreTradeDenial, HaltedDeniesEntriesAndExits) {
  RiskEngine risk(no_limits());
  EXPECT_EQ(risk.set_state(RiskState::halted), RiskState::active);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow), Denial::halted);
  EXPECT_EQ(risk.check(sell("5", "100"), portfolio("0", "5"), kNow), Denial::halted);
  EXPECT_EQ(risk.set_state(RiskState::active), RiskState::halted);
  EXPECT_EQ(risk.check(sell("5", "100"), portfolio("0", "5"), kNow), Denial::none);
}

// Issue 15: a live gateway that is down (or not reconciled since it came back) pauses what opens
// or grows a position; an exit still goes, and halted still wins.
TEST(PreTradeDenial, APausedGatewayRefusesEntriesNotExits) {
  RiskEngine risk(no_limits());
  auto paused = portfolio("1000000", "5");
  paused.entries_paused = true;
  EXPECT_EQ(risk.check(buy("1", "100"), paused, kNow), Denial::gateway_disconnected);
  EXPECT_EQ(risk.check(sell("5", "100"), paused, kNow), Denial::none);
  EXPECT_EQ(risk.check(sell("2", "100"), paused, kNow), Denial::none);
  auto flat = portfolio("1000000");
  flat.entries_paused = true;
  EXPECT_EQ(risk.check(buy("0.00000001", "100"), flat, kNow), Denial::gateway_disconnected);
  flat.entries_paused = false;
  EXPECT_EQ(risk.check(buy("0.00000001", "100"), flat, kNow), Denial::none);
  risk.set_state(RiskState::halted);
  EXPECT_EQ(risk.check(buy("1", "100"), paused, kNow), Denial::halted);
  EXPECT_EQ(risk.denials()[static_cast<std::size_t>(Denial::gateway_disconnected)], 2u);
}

TEST(PreTradeDenial, DrawdownHaltNamesTheDrawdown) {
  auto limits = no_limits();
  limits.max_drawdown = 0.1;
  RiskEngine risk(limits);
  risk.on_equity(Money::from_units(100'000), kNow);
  // 9999.99 below the peak is 9.99999 %: still active.
  risk.on_equity(*Money::parse("90000.01"), kNow + 1s);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 1s), Denial::none);
  risk.on_equity(Money::from_units(90'000), kNow + 2s);
  EXPECT_EQ(risk.state(), RiskState::halted);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 2s), Denial::drawdown_halt);
  EXPECT_EQ(risk.check(sell("5", "100"), portfolio("0", "5"), kNow + 2s), Denial::drawdown_halt);
  // A halt by hand on top says halted.
  risk.set_state(RiskState::halted);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 2s), Denial::halted);
}

TEST(PreTradeDenial, ReducingOnlyLetsPositionsShrink) {
  auto limits = no_limits();
  limits.allow_short = true;
  RiskEngine risk(limits);
  risk.set_state(RiskState::reducing);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow), Denial::reducing_only);
  EXPECT_EQ(risk.check(sell("1", "100"), portfolio("1000000"), kNow), Denial::reducing_only);  // opens a short
  // Long 5: selling up to 5 shrinks it; 5.00000001 would cross zero into a short.
  EXPECT_EQ(risk.check(sell("5", "100"), portfolio("0", "5"), kNow), Denial::none);
  EXPECT_EQ(risk.check(sell("2", "100"), portfolio("0", "5"), kNow), Denial::none);
  EXPECT_EQ(risk.check(sell("5.00000001", "100"), portfolio("0", "5"), kNow), Denial::reducing_only);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000", "5"), kNow), Denial::reducing_only);
  // Short 5: buying up to 5 covers it.
  EXPECT_EQ(risk.check(buy("5", "100"), portfolio("0", "-5"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("5.00000001", "100"), portfolio("1000000", "-5"), kNow), Denial::reducing_only);
  EXPECT_EQ(risk.check(sell("1", "100"), portfolio("1000000", "-5"), kNow), Denial::reducing_only);
}

TEST(PreTradeDenial, DailyLossDeniesEntriesNotExits) {
  auto limits = no_limits();
  limits.max_daily_loss = Money::from_units(1000);
  RiskEngine risk(limits);
  risk.on_equity(Money::from_units(100'000), kNow);
  risk.on_equity(*Money::parse("99000.00000001"), kNow + 1s);  // 999.99999999 lost: below the limit
  EXPECT_FALSE(risk.daily_loss_hit());
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 1s), Denial::none);
  risk.on_equity(Money::from_units(99'000), kNow + 2s);  // exactly 1000 lost
  EXPECT_TRUE(risk.daily_loss_hit());
  EXPECT_EQ(risk.state(), RiskState::reducing);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 2s), Denial::daily_loss);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000", "5"), kNow + 2s), Denial::daily_loss);
  EXPECT_EQ(risk.check(sell("5", "100"), portfolio("0", "5"), kNow + 2s), Denial::none);
}

TEST(PreTradeDenial, MaxQuantity) {
  auto limits = no_limits();
  limits.max_order_quantity = Quantity::from_units(10);
  RiskEngine risk(limits);
  EXPECT_EQ(risk.check(buy("10", "100"), portfolio("1000000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("10.00000001", "100"), portfolio("1000000"), kNow), Denial::max_quantity);
  EXPECT_EQ(risk.check(sell("11", "100"), portfolio("0", "11.5"), kNow), Denial::none);  // an exit
  EXPECT_EQ(risk.check(sell("11", "100"), portfolio("0", "10"), kNow), Denial::max_quantity);
}

TEST(PreTradeDenial, MaxNotional) {
  auto limits = no_limits();
  limits.max_order_notional = Money::from_units(1000);
  RiskEngine risk(limits);
  // 10 @ 100 = 1000: at the limit is allowed; 10 @ 100.00000001 = 1000.0000001 is not.
  EXPECT_EQ(risk.check(buy("10", "100"), portfolio("1000000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("10", "100.00000001"), portfolio("1000000"), kNow), Denial::max_notional);
  // Reported before cash and position; an exit of the whole position is exempt.
  EXPECT_EQ(risk.check(buy("11", "100"), portfolio("0"), kNow), Denial::max_notional);
  EXPECT_EQ(risk.check(sell("12", "100"), portfolio("0", "11"), kNow), Denial::max_notional);
  EXPECT_EQ(risk.check(sell("11", "100"), portfolio("0", "11"), kNow), Denial::none);
}

TEST(PreTradeDenial, MaxNotionalDefaultIsOneMillion) {
  RiskEngine risk;
  EXPECT_EQ(risk.check(buy("10000", "100"), portfolio("2000000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("10000.00000001", "100"), portfolio("2000000"), kNow), Denial::max_notional);
}

TEST(PreTradeDenial, HugeOrdersDoNotWrapAround) {
  // INT64_MAX raw units at 1e9 would wrap an int64 notional (possibly negative, passing every
  // limit and the cash check). Its notional does not fit the ledger at all: out_of_range (#11),
  // whatever the limits.
  OrderIntent huge = buy("1", "1000000000");
  huge.quantity = Quantity::from_raw(INT64_MAX);
  RiskEngine with_default;
  EXPECT_EQ(with_default.check(huge, portfolio("1000000"), kNow), Denial::out_of_range);
  RiskEngine unlimited(no_limits());
  EXPECT_EQ(unlimited.check(huge, portfolio("1000000"), kNow), Denial::out_of_range);
  auto limits = no_limits();
  limits.max_position_notional = Money::from_units(1000);
  RiskEngine position_limited(limits);
  PortfolioView near_max;  // a long of 9e10 units: adding INT64_MAX raw more passes the int64 range
  near_max.cash = Money::from_units(1'000'000);
  near_max.position = Quantity::from_units(90'000'000'000);
  EXPECT_EQ(position_limited.check(huge, near_max, kNow), Denial::out_of_range);
  // A notional that fits but a position after the order that does not.
  EXPECT_EQ(unlimited.check(buy("3000000000", "0.00000001"), near_max, kNow), Denial::out_of_range);
}

// #11 item 1: every order whose arithmetic would not fit the ledger is denied out_of_range,
// exits included (a reducing order is exempt from limits and cash, not from the range).
TEST(PreTradeDenial, OutOfRangeArithmeticIsDenied) {
  RiskEngine unlimited(no_limits());
  // The reproduction: 1,000,000 x 100,000 = 1e11.
  EXPECT_EQ(unlimited.check(buy("1000000", "100000"), portfolio("100000"), kNow), Denial::out_of_range);
  // The notional fits exactly; the fee on top does not.
  EXPECT_EQ(unlimited.check(buy("1", "92233720368.54775807", "0.00000001"), portfolio("1000"), kNow),
            Denial::out_of_range);
  EXPECT_EQ(unlimited.check(buy("1", "92233720368.54775807"), portfolio("1000"), kNow), Denial::insufficient_cash);
  // A sale whose proceeds would take cash beyond the range, though it reduces the position.
  EXPECT_EQ(unlimited.check(sell("10", "9000000000"), portfolio("5000000000", "10"), kNow), Denial::out_of_range);
  EXPECT_EQ(unlimited.check(sell("10", "9000000000"), portfolio("0", "10"), kNow), Denial::none);
  // A fee the executor could not compute.
  auto no_fee = buy("1", "100");
  no_fee.fee_fits = false;
  EXPECT_EQ(unlimited.check(no_fee, portfolio("1000"), kNow), Denial::out_of_range);
  // Halted still says halted.
  RiskEngine halted(no_limits());
  halted.set_state(RiskState::halted);
  EXPECT_EQ(halted.check(buy("1000000", "100000"), portfolio("100000"), kNow), Denial::halted);
}

TEST(PreTradeDenial, MaxPositionIsTheNotionalAfterTheOrder) {
  auto limits = no_limits();
  limits.max_position_notional = Money::from_units(1000);
  limits.allow_short = true;
  RiskEngine risk(limits);
  // Long 5 @ 100 (500): buying 5 more reaches 1000 exactly.
  EXPECT_EQ(risk.check(buy("5", "100"), portfolio("1000000", "5"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("5.00000001", "100"), portfolio("1000000", "5"), kNow), Denial::max_position);
  // Short 5: selling 5 more reaches 1000; 6 more is 1100.
  EXPECT_EQ(risk.check(sell("5", "100"), portfolio("1000000", "-5"), kNow), Denial::none);
  EXPECT_EQ(risk.check(sell("6", "100"), portfolio("1000000", "-5"), kNow), Denial::max_position);
  // Long 20 (2000, over the limit since prices rose): selling part of it is still allowed.
  EXPECT_EQ(risk.check(sell("5", "100"), portfolio("0", "20"), kNow), Denial::none);
  // Flipping long 5 to short 15 is an entry of 1500.
  EXPECT_EQ(risk.check(sell("20", "100"), portfolio("0", "5"), kNow), Denial::max_position);
}

TEST(PreTradeDenial, MaxOpenPositionsOnlyForANewSymbol) {
  auto limits = no_limits();
  limits.max_open_positions = 2;
  RiskEngine risk(limits);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000", "0", "100", "0", 1), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000", "0", "100", "0", 2), kNow), Denial::max_open_positions);
  // Adding to one of the two open symbols opens nothing new.
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000", "3", "100", "0", 1), kNow), Denial::none);
}

TEST(PreTradeDenial, MaxGrossExposureAfterTheOrder) {
  auto limits = no_limits();
  limits.max_gross_exposure = Money::from_units(5000);
  RiskEngine risk(limits);
  // 3500 elsewhere + long 5 @ 100 (500); buying 10 makes this symbol 1500: 5000 in all.
  EXPECT_EQ(risk.check(buy("10", "100"), portfolio("1000000", "5", "100", "3500"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("10.00000001", "100"), portfolio("1000000", "5", "100", "3500"), kNow),
            Denial::max_gross_exposure);
  // A new symbol on top of 4000.
  EXPECT_EQ(risk.check(buy("10", "100"), portfolio("1000000", "0", "100", "4000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("10", "100.00000001"), portfolio("1000000", "0", "100", "4000"), kNow),
            Denial::max_gross_exposure);
  // Already over (marks moved): an exit lowers exposure and passes.
  EXPECT_EQ(risk.check(sell("5", "100"), portfolio("0", "5", "100", "9000"), kNow), Denial::none);
}

TEST(PreTradeDenial, OrderRateCountsAcceptedOrdersInTheTrailingMinute) {
  auto limits = no_limits();
  limits.max_orders_per_minute = 3;
  RiskEngine risk(limits);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("0", "100"), portfolio("1000000"), kNow), Denial::zero_quantity);  // not counted
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 10s), Denial::none);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 20s), Denial::none);
  EXPECT_EQ(risk.orders_last_minute(kNow + 20s), 3u);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 30s), Denial::order_rate);
  EXPECT_EQ(risk.orders_last_minute(kNow + 30s), 3u);  // the denial did not count
  // The first order is 60 s old one nanosecond later: it leaves the window exactly at 60 s.
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 60s - 1ns), Denial::order_rate);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 60s), Denial::none);
  // Window now holds 10 s, 20 s, 60 s.
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 69s), Denial::order_rate);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 70s), Denial::none);
  EXPECT_EQ(risk.orders_last_minute(kNow + 70s), 3u);
  EXPECT_EQ(risk.orders_last_minute(kNow + 200s), 0u);
}

TEST(PreTradeDenial, OrderRateNeverBlocksAnExitButCountsIt) {
  auto limits = no_limits();
  limits.max_orders_per_minute = 1;
  RiskEngine risk(limits);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(sell("1", "100"), portfolio("0", "5"), kNow + 1s), Denial::none);
  EXPECT_EQ(risk.orders_last_minute(kNow + 1s), 2u);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 2s), Denial::order_rate);
}

TEST(PreTradeDenial, OrderRateRingWrapsAtItsCapacity) {
  auto limits = no_limits();
  limits.max_orders_per_minute = meridian::risk::kMaxOrdersPerMinute + 10;  // counted as the cap
  RiskEngine risk(limits);
  for (std::uint32_t i = 0; i < meridian::risk::kMaxOrdersPerMinute; ++i) {
    ASSERT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + i * 1ms), Denial::none) << i;
  }
  EXPECT_EQ(risk.orders_last_minute(kNow + 5s), meridian::risk::kMaxOrdersPerMinute);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 5s), Denial::order_rate);
  // Exits still go in, overwriting the oldest times: the count stays at the ring's size.
  EXPECT_EQ(risk.check(sell("1", "100"), portfolio("0", "5"), kNow + 5s), Denial::none);
  EXPECT_EQ(risk.orders_last_minute(kNow + 5s), meridian::risk::kMaxOrdersPerMinute);
  // The exit overwrote kNow's entry; 60 s after kNow + 1 ms that one leaves too: 1 ms .. 4095 ms
  // and the exit are left, less the 1 ms one.
  EXPECT_EQ(risk.orders_last_minute(kNow + 60s + 1ms), meridian::risk::kMaxOrdersPerMinute - 1);
  EXPECT_EQ(risk.orders_last_minute(kNow + 65s), 0u);
  EXPECT_EQ(risk.check(buy("1", "100"), portfolio("1000000"), kNow + 65s), Denial::none);
  EXPECT_EQ(risk.orders_last_minute(kNow + 65s), 1u);
}

TEST(PreTradeDenial, PriceBandOnLimitPrices) {
  auto limits = no_limits();
  limits.price_band = 0.1;
  RiskEngine risk(limits);
  EXPECT_EQ(risk.check(limit_order(Side::buy, "1", "110", "100"), portfolio("1000000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(limit_order(Side::buy, "1", "110.00000001", "100"), portfolio("1000000"), kNow),
            Denial::price_band);
  EXPECT_EQ(risk.check(limit_order(Side::buy, "1", "90", "100"), portfolio("1000000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(limit_order(Side::buy, "1", "89.99999999", "100"), portfolio("1000000"), kNow),
            Denial::price_band);
  // A fat-fingered exit limit is refused too; the market exit is not.
  EXPECT_EQ(risk.check(limit_order(Side::sell, "1", "50", "100"), portfolio("0", "5"), kNow), Denial::price_band);
  auto market = limit_order(Side::sell, "1", "50", "100");
  market.price_is_limit = false;
  EXPECT_EQ(risk.check(market, portfolio("0", "5"), kNow), Denial::none);
  // Without a last trade there is nothing to compare with.
  EXPECT_EQ(risk.check(limit_order(Side::buy, "1", "500", "0"), portfolio("1000000"), kNow), Denial::none);
}

TEST(PreTradeDenial, BuyNeedsCashForNotionalPlusFee) {
  RiskEngine risk(no_limits());
  // 10 @ 100 = 1000 notional + 1 fee = 1001.
  EXPECT_EQ(risk.check(buy("10", "100", "1"), portfolio("1001"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("10", "100", "1"), portfolio("1000.99999999"), kNow), Denial::insufficient_cash);
  EXPECT_EQ(risk.check(buy("10", "100", "1"), portfolio("1000"), kNow), Denial::insufficient_cash);
  EXPECT_EQ(risk.check(buy("10", "100", "0"), portfolio("1000"), kNow), Denial::none);
  EXPECT_EQ(risk.check(buy("1", "1", "0"), portfolio("-5"), kNow), Denial::insufficient_cash);
  // Covering a short is an exit: no cash needed. Flipping it long is an entry that is.
  auto limits = no_limits();
  limits.allow_short = true;
  RiskEngine shorts(limits);
  EXPECT_EQ(shorts.check(buy("5", "100", "1"), portfolio("0", "-5"), kNow), Denial::none);
  EXPECT_EQ(shorts.check(buy("6", "100", "1"), portfolio("0", "-5"), kNow), Denial::insufficient_cash);
}

TEST(PreTradeDenial, SellNeedsThePositionUnlessShortingIsAllowed) {
  RiskEngine risk(no_limits());
  EXPECT_EQ(risk.check(sell("5", "100", "1"), portfolio("0", "5"), kNow), Denial::none);
  EXPECT_EQ(risk.check(sell("5.00000001", "100"), portfolio("0", "5"), kNow), Denial::insufficient_position);
  EXPECT_EQ(risk.check(sell("1", "100"), portfolio("1000000", "0"), kNow), Denial::insufficient_position);
  auto limits = no_limits();
  limits.allow_short = true;
  RiskEngine shorts(limits);
  EXPECT_EQ(shorts.check(sell("5.00000001", "100"), portfolio("0", "5"), kNow), Denial::none);
  EXPECT_EQ(shorts.check(sell("1", "100"), portfolio("0", "0"), kNow), Denial::none);
}

TEST(PreTradeDenial, AnExitPassesEveryEntryLimitWhileReducing) {
  Limits limits;
  limits.max_order_quantity = Quantity::from_units(1);
  limits.max_order_notional = Money::from_units(1);
  limits.max_position_notional = Money::from_units(1);
  limits.max_open_positions = 1;
  limits.max_gross_exposure = Money::from_units(1);
  limits.max_daily_loss = Money::from_units(10);
  limits.max_orders_per_minute = 1;
  RiskEngine risk(limits);
  risk.on_equity(Money::from_units(1000), kNow);
  risk.on_equity(Money::from_units(900), kNow + 1s);
  ASSERT_EQ(risk.state(), RiskState::reducing);
  // Long 50 @ 100 with cash below zero: every entry limit is broken, yet the exits go through.
  const auto held = portfolio("-10", "50", "100", "20000", 3);
  EXPECT_EQ(risk.check(sell("20", "100", "5"), held, kNow + 2s), Denial::none);
  EXPECT_EQ(risk.check(sell("50", "100", "5"), held, kNow + 2s), Denial::none);
  EXPECT_EQ(risk.check(buy("1", "100"), held, kNow + 2s), Denial::daily_loss);
}

TEST(PreTradeDenial, ChecksRunInTheDocumentedOrder) {
  Limits limits;
  limits.max_order_quantity = Quantity::from_units(1);
  limits.max_order_notional = Money::from_units(1);
  limits.max_position_notional = Money::from_units(1);
  limits.max_open_positions = 1;
  RiskEngine risk(limits);
  const auto empty = portfolio("0", "0", "100", "0", 5);
  EXPECT_EQ(risk.check(buy("2", "100"), empty, kNow), Denial::max_quantity);
  EXPECT_EQ(risk.check(buy("1", "100"), empty, kNow), Denial::max_notional);
  limits.max_order_notional = Money{};
  risk.set_limits(limits);
  EXPECT_EQ(risk.check(buy("1", "100"), empty, kNow), Denial::max_position);
  limits.max_position_notional = Money{};
  risk.set_limits(limits);
  EXPECT_EQ(risk.check(buy("1", "100"), empty, kNow), Denial::max_open_positions);
  limits.max_open_positions = 0;
  risk.set_limits(limits);
  EXPECT_EQ(risk.check(buy("1", "100"), empty, kNow), Denial::insufficient_cash);
}

TEST(PreTradeDenial, CountsEveryResult) {
  RiskEngine risk(no_limits());
  risk.check(buy("0", "100"), portfolio("1000"), kNow);
  risk.check(buy("0", "100"), portfolio("1000"), kNow);
  risk.check(buy("1", "100"), portfolio("1000"), kNow);
  risk.check(buy("100", "100"), portfolio("1000"), kNow);
  const auto& d = risk.denials();
  EXPECT_EQ(d[static_cast<std::size_t>(Denial::zero_quantity)], 2u);
  EXPECT_EQ(d[static_cast<std::size_t>(Denial::none)], 1u);
  EXPECT_EQ(d[static_cast<std::size_t>(Denial::insufficient_cash)], 1u);
  EXPECT_EQ(d[static_cast<std::size_t>(Denial::max_notional)], 0u);
}

TEST(PreTradeNames, EveryDenialHasACodeAndASentence) {
  std::set<std::string> codes;
  for (std::size_t i = 0; i < kDenialCount; ++i) {
    const auto d = static_cast<Denial>(i);
    const auto code = to_string(d);
    const auto text = describe(d);
    EXPECT_NE(code, "unknown") << i;
    EXPECT_EQ(code.find(' '), std::string_view::npos) << code;
    EXPECT_FALSE(text.empty()) << code;
    EXPECT_EQ(text.back(), '.') << code;
    codes.emplace(code);
  }
  EXPECT_EQ(codes.size(), kDenialCount);
  EXPECT_EQ(to_string(Denial::max_notional), "max_notional");
  EXPECT_EQ(to_string(Denial::insufficient_position), "insufficient_position");
  EXPECT_EQ(to_string(Denial::drawdown_halt), "drawdown_halt");
}

TEST(PreTradeNames, RiskStatesRoundTrip) {
  for (auto s : {RiskState::active, RiskState::reducing, RiskState::halted}) {
    EXPECT_EQ(meridian::risk::parse_risk_state(to_string(s)), s);
  }
  EXPECT_EQ(meridian::risk::parse_risk_state("Active"), std::nullopt);
  EXPECT_EQ(meridian::risk::parse_risk_state(""), std::nullopt);
  EXPECT_EQ(to_string(RiskState::reducing), "reducing");
}
