// The portfolio's pre-trade risk through the Portfolio: a denial for each limit with its
// code, the risk states set by hand, the daily-loss and drawdown limits driven by marked
// equity across a UTC day boundary, and the risk memory surviving a restart.
//
// AAA trades at 100.00 (bid 99.95, ask 100.05) unless a test says otherwise; the paper
// executor fills at the touch with 10 bps fees.
#include <gtest/gtest.h>

#include "engine_rig.hpp"

namespace meridian::engine::test {
namespace {

using core::Errc;
using risk::RiskState;

PortfolioConfig with_limits(const risk::Limits& limits) {
  PortfolioConfig c = manual_config();
  c.limits = limits;
  return c;
}

void expect_denied(const Submitted& s, std::string_view code) {
  ASSERT_TRUE(s.error.has_value()) << "expected a " << code << " denial";
  EXPECT_EQ(s.error->code, Errc::rejected);
  EXPECT_EQ(s.error->reason, code);
  EXPECT_FALSE(s.error->message.empty());
}

void expect_placed(const Submitted& s) {
  ASSERT_FALSE(s.error.has_value()) << s.error->reason << ": " << s.error->message;
  EXPECT_EQ(s.ticket.order.status, OrderStatus::accepted);
}

// Buys `quantity` AAA at market and fills it on the next tick (at `t` + 1 s, ask 100.05).
void buy_filled(Rig& rig, seconds t, const char* quantity) {
  expect_placed(rig.submit(market(kAaa, Side::buy, quantity)));
  rig.tick(kAaa, t + seconds(1), "100");
  ASSERT_EQ(rig.held(kAaa), qty(quantity));
}

TEST(EngineRisk, MaxOrderQuantity) {
  risk::Limits limits;
  limits.max_order_quantity = qty("50");
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  expect_denied(rig.submit(market(kAaa, Side::buy, "51")), "max_quantity");
  expect_placed(rig.submit(market(kAaa, Side::buy, "50")));
  const auto snap = rig.snapshot();
  EXPECT_EQ(snap->counters.rejects, 1u);
  EXPECT_EQ(snap->risk.denials[static_cast<std::size_t>(risk::Denial::max_quantity)], 1u);
}

TEST(EngineRisk, MaxOrderNotional) {
  risk::Limits limits;
  limits.max_order_notional = Money::from_units(1000);
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  expect_denied(rig.submit(market(kAaa, Side::buy, "10")), "max_notional");  // 1000.50 at the ask
  expect_placed(rig.submit(market(kAaa, Side::buy, "9")));                   // 900.45
  // A limit order is valued at its limit.
  expect_placed(rig.submit(limit(kAaa, Side::buy, "10", "100.00")));
  expect_denied(rig.submit(limit(kAaa, Side::buy, "10", "100.01")), "max_notional");
}

TEST(EngineRisk, MaxPositionNotional) {
  risk::Limits limits;
  limits.max_position_notional = Money::from_units(2000);
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  buy_filled(rig, seconds(0), "15");
  expect_denied(rig.submit(market(kAaa, Side::buy, "5")), "max_position");  // 20 * 100.05 = 2001
  expect_placed(rig.submit(market(kAaa, Side::buy, "4")));                  // 19 * 100.05 = 1900.95
}

TEST(EngineRisk, MaxOpenPositions) {
  risk::Limits limits;
  limits.max_open_positions = 1;
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  rig.tick(kBbb, seconds(0), "50");
  buy_filled(rig, seconds(0), "10");
  expect_denied(rig.submit(market(kBbb, Side::buy, "10")), "max_open_positions");
  expect_placed(rig.submit(market(kAaa, Side::buy, "5")));  // adding to the open one is fine
}

TEST(EngineRisk, MaxGrossExposure) {
  risk::Limits limits;
  limits.max_gross_exposure = Money::from_units(5000);
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  rig.tick(kBbb, seconds(0), "100");
  buy_filled(rig, seconds(0), "30");                                               // marked at 100: 3000
  expect_denied(rig.submit(market(kBbb, Side::buy, "20")), "max_gross_exposure");  // + 2001
  expect_placed(rig.submit(market(kBbb, Side::buy, "19")));                        // + 1900.95
}

TEST(EngineRisk, OrderRatePerMinuteOfMarketTime) {
  risk::Limits limits;
  limits.max_orders_per_minute = 2;
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  expect_placed(rig.submit(limit(kAaa, Side::buy, "1", "90")));
  expect_placed(rig.submit(limit(kAaa, Side::buy, "1", "90")));
  expect_denied(rig.submit(limit(kAaa, Side::buy, "1", "90")), "order_rate");
  EXPECT_EQ(rig.snapshot()->risk.orders_last_minute, 2u);
  rig.tick(kAaa, seconds(59), "100");
  expect_denied(rig.submit(limit(kAaa, Side::buy, "1", "90")), "order_rate");
  rig.tick(kAaa, seconds(60), "100");  // the first two are a minute old
  expect_placed(rig.submit(limit(kAaa, Side::buy, "1", "90")));
}

TEST(EngineRisk, PriceBandAroundTheLastTrade) {
  risk::Limits limits;
  limits.price_band = 0.05;
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  expect_denied(rig.submit(limit(kAaa, Side::buy, "1", "105.01")), "price_band");
  expect_denied(rig.submit(stop(kAaa, Side::buy, "1", "94.99")), "price_band");
  expect_placed(rig.submit(limit(kAaa, Side::buy, "1", "105.00")));  // the boundary passes
  expect_placed(rig.submit(market(kAaa, Side::buy, "1")));           // no price of its own
}

TEST(EngineRisk, InsufficientCashAndNoShortSelling) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  // 1000 * 100.05 + 100.05 fee > 100000; 998 * 100.05 + 99.8499 fee = 99949.7499 fits.
  expect_denied(rig.submit(market(kAaa, Side::buy, "1000")), "insufficient_cash");
  expect_denied(rig.submit(market(kAaa, Side::sell, "1")), "insufficient_position");
  expect_placed(rig.submit(market(kAaa, Side::buy, "998")));
}

// Working buys hold their cash back: two resting limits that each fit cannot both be placed,
// and a replace is checked without its own old commitment.
TEST(EngineRisk, WorkingBuysHoldTheirCash) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  // 600 * 99 + 59.4 fee = 59459.4 each: one fits in 100000, two do not.
  auto first = rig.submit(limit(kAaa, Side::buy, "600", "99"));
  expect_placed(first);
  expect_denied(rig.submit(limit(kAaa, Side::buy, "600", "99")), "insufficient_cash");
  expect_placed(rig.submit(limit(kAaa, Side::buy, "400", "99")));
  // Cancelling the first frees its cash again.
  meridian::engine::OrderTicket cancelled;
  ASSERT_FALSE(rig.engine.cancel_order(first.ticket.order.id, cancelled));
  expect_placed(rig.submit(limit(kAaa, Side::buy, "600", "99")));
}

TEST(EngineRisk, NoQuoteNoOrder) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  expect_denied(rig.submit(market(kBbb, Side::buy, "1")), "no_price");
}

TEST(EngineRisk, HaltedByHandDeniesEverythingUntilActive) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  buy_filled(rig, seconds(0), "10");
  rig.engine.take_events();
  ASSERT_FALSE(rig.engine.set_risk_state(RiskState::halted));
  const auto changes = events_of<RiskChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].from, RiskState::active);
  EXPECT_EQ(changes[0].to, RiskState::halted);
  EXPECT_EQ(changes[0].reason, "api");
  const auto risk = records_of<RiskRecord>(rig.pull());
  ASSERT_FALSE(risk.empty());
  EXPECT_EQ(risk.back().memory.state, RiskState::halted);
  EXPECT_EQ(rig.snapshot()->risk.state, RiskState::halted);

  expect_denied(rig.submit(market(kAaa, Side::buy, "1")), "halted");
  expect_denied(rig.submit(market(kAaa, Side::sell, "5")), "halted");
  ASSERT_FALSE(rig.engine.set_risk_state(RiskState::active));
  expect_placed(rig.submit(market(kAaa, Side::buy, "1")));
}

TEST(EngineRisk, ReducingAllowsOnlyOrdersThatShrinkAPosition) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  buy_filled(rig, seconds(0), "10");
  ASSERT_FALSE(rig.engine.set_risk_state(RiskState::reducing));
  expect_denied(rig.submit(market(kAaa, Side::buy, "1")), "reducing_only");
  expect_placed(rig.submit(market(kAaa, Side::sell, "5")));
  rig.tick(kAaa, seconds(2), "100");
  EXPECT_EQ(rig.held(kAaa), qty("5"));
  expect_denied(rig.submit(market(kAaa, Side::sell, "6")), "reducing_only");  // beyond the position
}

TEST(EngineRisk, LimitsSetAtRunTimeApplyToTheNextOrder) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  risk::Limits limits;
  limits.max_order_quantity = qty("5");
  ASSERT_FALSE(rig.engine.set_risk_limits(limits));
  expect_denied(rig.submit(market(kAaa, Side::buy, "6")), "max_quantity");
  limits.allow_short = true;
  const auto r = rig.engine.set_risk_limits(limits);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, Errc::invalid_argument);
  EXPECT_EQ(rig.snapshot()->risk.limits.allow_short, false);
}

TEST(EngineRisk, ReplaceIsCheckedLikeANewOrder) {
  risk::Limits limits;
  limits.max_order_quantity = qty("100");
  limits.price_band = 0.05;
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  expect_placed(rig.submit(limit(kAaa, Side::buy, "10", "99")));
  OrderTicket t;
  auto changes = rig.order(1)->request;
  changes.quantity = qty("1000");  // placed small, then grown past the limit
  auto r = rig.engine.replace_order(1, changes, t);
  ASSERT_TRUE(r) << "a replace must not bypass max_order_quantity";
  EXPECT_EQ(r->code, Errc::rejected);
  EXPECT_EQ(r->reason, "max_quantity");
  changes.quantity = qty("10");
  changes.limit_price = px("120");
  r = rig.engine.replace_order(1, changes, t);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "price_band");
  const auto* order = rig.order(1);
  EXPECT_EQ(order->request.quantity, qty("10"));
  EXPECT_EQ(order->request.limit_price, px("99"));
  changes.limit_price = px("99.50");
  ASSERT_FALSE(rig.engine.replace_order(1, changes, t));
  EXPECT_EQ(t.order.request.limit_price, px("99.50"));
}

// Equity 100000 at the first mark; 100 bought at 100.05 (fee 10.005) leaves cash 89984.995.
TEST(EngineRisk, DailyLossReducesUntilTheNextUtcDay) {
  risk::Limits limits;
  limits.max_daily_loss = Money::from_units(1000);
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  buy_filled(rig, seconds(0), "100");
  rig.engine.take_events();
  rig.pull();

  // Marked at 85 on the next minute: 89984.995 + 8500 = 98484.995, a loss of 1515.005.
  rig.tick(kAaa, seconds(60), "85");
  auto changes = events_of<RiskChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].from, RiskState::active);
  EXPECT_EQ(changes[0].to, RiskState::reducing);
  EXPECT_EQ(changes[0].reason, "daily_loss");
  const auto risk = records_of<RiskRecord>(rig.pull());
  ASSERT_FALSE(risk.empty());
  EXPECT_TRUE(risk.back().memory.daily_loss_hit);
  auto snap = rig.snapshot();
  EXPECT_EQ(snap->risk.state, RiskState::reducing);
  EXPECT_TRUE(snap->risk.daily_loss_hit);
  EXPECT_EQ(snap->risk.daily_pnl, money("-1515.005"));

  expect_denied(rig.submit(market(kAaa, Side::buy, "1")), "daily_loss");
  expect_placed(rig.submit(market(kAaa, Side::sell, "50")));  // reducing is allowed
  rig.tick(kAaa, seconds(61), "85");
  EXPECT_EQ(rig.held(kAaa), qty("50"));
  rig.tick(kAaa, kNextDay - seconds(1), "85");
  expect_denied(rig.submit(market(kAaa, Side::buy, "1")), "daily_loss");
  rig.engine.take_events();

  rig.tick(kAaa, kNextDay, "85");  // the first tick of the next UTC day
  changes = events_of<RiskChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].to, RiskState::active);
  EXPECT_EQ(changes[0].reason, "day_boundary");
  snap = rig.snapshot();
  EXPECT_EQ(snap->risk.state, RiskState::active);
  EXPECT_FALSE(snap->risk.daily_loss_hit);
  expect_placed(rig.submit(market(kAaa, Side::buy, "1")));
}

// 500 bought at 100.05 (50025, fee 50.025): cash 49924.975, peak equity 100000.
TEST(EngineRisk, DrawdownHaltsAcrossTheDayBoundaryUntilSetActive) {
  risk::Limits limits;
  limits.max_drawdown = 0.05;
  Rig rig(with_limits(limits));
  rig.tick(kAaa, seconds(0), "100");
  buy_filled(rig, seconds(0), "500");
  rig.engine.take_events();

  rig.tick(kAaa, seconds(60), "90");  // 49924.975 + 45000: 5.075 % below the peak
  auto changes = events_of<RiskChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].to, RiskState::halted);
  EXPECT_EQ(changes[0].reason, "drawdown");
  expect_denied(rig.submit(market(kAaa, Side::buy, "1")), "drawdown_halt");
  expect_denied(rig.submit(market(kAaa, Side::sell, "100")), "drawdown_halt");

  rig.tick(kAaa, kNextDay, "90");
  rig.tick(kAaa, kNextDay + seconds(60), "90");
  EXPECT_TRUE(events_of<RiskChanged>(rig.engine.take_events()).empty());
  EXPECT_EQ(rig.snapshot()->risk.state, RiskState::halted);
  expect_denied(rig.submit(market(kAaa, Side::buy, "1")), "drawdown_halt");

  ASSERT_FALSE(rig.engine.set_risk_state(RiskState::active));
  changes = events_of<RiskChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].to, RiskState::active);
  expect_placed(rig.submit(market(kAaa, Side::buy, "1")));
  // The peak restarts from the equity now: the same prices do not halt again.
  rig.tick(kAaa, kNextDay + seconds(120), "90");
  EXPECT_EQ(rig.snapshot()->risk.state, RiskState::active);
}

TEST(EngineRisk, HaltedByDrawdownStaysHaltedAfterARestart) {
  risk::Limits limits;
  limits.max_drawdown = 0.05;
  Rig first(with_limits(limits));
  first.tick(kAaa, seconds(0), "100");
  buy_filled(first, seconds(0), "500");
  first.tick(kAaa, seconds(60), "90");
  ASSERT_EQ(first.snapshot()->risk.state, RiskState::halted);

  Rig second(manual_config(), recovered_from(first));  // limits come back with the memory
  auto snap = second.snapshot();
  EXPECT_EQ(snap->risk.state, RiskState::halted);
  EXPECT_EQ(snap->risk.limits.max_drawdown, 0.05);
  second.tick(kAaa, kNextDay, "95");
  expect_denied(second.submit(market(kAaa, Side::buy, "1")), "drawdown_halt");
  EXPECT_EQ(second.snapshot()->risk.state, RiskState::halted);
}

// What a restart resumes from is the journal. A loss of 615.005 before it and 400 after it
// are 1015.005 on the same UTC day: over a 1000 limit, although neither process saw it all.
TEST(EngineRisk, TheDaysLossSoFarSurvivesARestart) {
  risk::Limits limits;
  limits.max_daily_loss = Money::from_units(1000);
  Rig first(with_limits(limits));
  first.tick(kAaa, seconds(0), "100");
  buy_filled(first, seconds(0), "100");
  first.tick(kAaa, seconds(60), "94");  // 89984.995 + 9400 = 99384.995
  ASSERT_EQ(first.snapshot()->risk.state, RiskState::active);

  Rig second(with_limits(limits), recovered_from(first));
  second.tick(kAaa, seconds(120), "90");  // 89984.995 + 9000 = 98984.995
  const auto snap = second.snapshot();
  EXPECT_EQ(snap->risk.day_start_equity, Money::from_units(100'000));
  EXPECT_EQ(snap->risk.state, RiskState::reducing);
  expect_denied(second.submit(market(kAaa, Side::buy, "1")), "daily_loss");
}

// Likewise the drawdown is measured from the highest equity, even one reached before a restart.
TEST(EngineRisk, ThePeakSurvivesARestart) {
  risk::Limits limits;
  limits.max_drawdown = 0.05;
  Rig first(with_limits(limits));
  first.tick(kAaa, seconds(0), "100");
  buy_filled(first, seconds(0), "500");
  first.tick(kAaa, seconds(60), "120");  // 49924.975 + 60000 = 109924.975: a new peak

  Rig second(with_limits(limits), recovered_from(first));
  second.tick(kAaa, seconds(120), "109");  // 104424.975: 5.003 % below that peak
  const auto snap = second.snapshot();
  EXPECT_EQ(snap->risk.peak_equity, money("109924.975"));
  EXPECT_EQ(snap->risk.state, RiskState::halted);
}

}  // namespace
}  // namespace meridian::engine::test
