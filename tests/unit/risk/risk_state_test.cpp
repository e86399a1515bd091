// Risk state transitions: the daily-loss latch and the UTC day boundary, states set by hand,
// the drawdown halt and its reset.
#include <gtest/gtest.h>

#include <chrono>

#include "meridian/risk/pre_trade.hpp"

using meridian::core::Money;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Side;
using meridian::core::Timestamp;
using meridian::risk::Denial;
using meridian::risk::Limits;
using meridian::risk::OrderIntent;
using meridian::risk::PortfolioView;
using meridian::risk::RiskEngine;
using meridian::risk::RiskState;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
Timestamp civil(int y, unsigned mo, unsigned d, nanoseconds t = 0ns) {
  return Timestamp(sys_days{year{y} / month{mo} / day{d}}.time_since_epoch() + t);
}
const Timestamp kDay1 = civil(2026, 3, 2);
const Timestamp kDay2 = civil(2026, 3, 3);
const Timestamp kDay3 = civil(2026, 3, 4);

Money units(std::int64_t n) {
  return Money::from_units(n);
}

// An entry (a buy with plenty of cash) and an exit (selling part of a long).
Denial entry(RiskEngine& risk, Timestamp now) {
  OrderIntent o;
  o.side = Side::buy;
  o.quantity = Quantity::from_units(1);
  o.price = Price::from_units(100);
  PortfolioView p;
  p.cash = units(1'000'000);
  return risk.check(o, p, now);
}
Denial exit(RiskEngine& risk, Timestamp now) {
  OrderIntent o;
  o.side = Side::sell;
  o.quantity = Quantity::from_units(1);
  o.price = Price::from_units(100);
  PortfolioView p;
  p.position = Quantity::from_units(3);
  return risk.check(o, p, now);
}

Limits daily_loss_limit(std::int64_t loss) {
  Limits l;
  l.max_daily_loss = units(loss);
  return l;
}
}  // namespace

TEST(RiskState, DailyLossReducesUntilTheNextUtcDay) {
  RiskEngine risk(daily_loss_limit(1000));
  risk.on_equity(units(100'000), kDay1 + 9h);
  EXPECT_EQ(risk.day_start_equity(), units(100'000));
  risk.on_equity(units(98'500), kDay2 - 1h);
  EXPECT_EQ(risk.state(), RiskState::reducing);
  EXPECT_TRUE(risk.daily_loss_hit());
  EXPECT_EQ(risk.daily_pnl(), units(-1500));
  // Recovering within the day does not lift it.
  risk.on_equity(units(100'000), kDay2 - 1ns);
  EXPECT_EQ(risk.state(), RiskState::reducing);
  EXPECT_EQ(entry(risk, kDay2 - 1ns), Denial::daily_loss);
  EXPECT_EQ(exit(risk, kDay2 - 1ns), Denial::none);
  // Midnight UTC: a new day, opening at the current equity.
  risk.on_equity(units(99'000), kDay2);
  EXPECT_EQ(risk.state(), RiskState::active);
  EXPECT_FALSE(risk.daily_loss_hit());
  EXPECT_EQ(risk.day_start_equity(), units(99'000));
  EXPECT_EQ(risk.daily_pnl(), Money{});
  EXPECT_EQ(entry(risk, kDay2), Denial::none);
  // The new day's loss is measured from its own start.
  risk.on_equity(*Money::parse("98000.00000001"), kDay2 + 1h);
  EXPECT_EQ(risk.state(), RiskState::active);
  risk.on_equity(units(98'000), kDay2 + 2h);
  EXPECT_EQ(risk.state(), RiskState::reducing);
}

TEST(RiskState, DayBoundaryFloorsTimesBeforeTheEpoch) {
  // -1 ns is 1969-12-31 (day -1), not day 0: truncating division would merge them.
  RiskEngine risk(daily_loss_limit(10));
  const Timestamp epoch{};
  risk.on_equity(units(1000), epoch - 24h);  // 1969-12-31 00:00, day -1
  risk.on_equity(units(900), epoch - 1ns);   // same day
  EXPECT_EQ(risk.state(), RiskState::reducing);
  EXPECT_EQ(risk.day_start_equity(), units(1000));
  risk.on_equity(units(900), epoch);
  EXPECT_EQ(risk.state(), RiskState::active);
  EXPECT_EQ(risk.day_start_equity(), units(900));
  // And -24h - 1ns is the day before that.
  RiskEngine other(daily_loss_limit(10));
  other.on_equity(units(1000), epoch - 24h - 1ns);
  other.on_equity(units(900), epoch - 24h);
  EXPECT_EQ(other.state(), RiskState::active);
  EXPECT_EQ(other.day_start_equity(), units(900));
}

TEST(RiskState, StaleMarksCountToTheCurrentDay) {
  RiskEngine risk(daily_loss_limit(100));
  risk.on_equity(units(1000), kDay2);
  risk.on_equity(units(950), kDay1 + 23h);  // behind the clock: not a new (earlier) day
  EXPECT_EQ(risk.day_start_equity(), units(1000));
  risk.on_equity(units(900), kDay2 + 1h);
  EXPECT_EQ(risk.state(), RiskState::reducing);
}

TEST(RiskState, ReducingSetByHandSurvivesTheDay) {
  RiskEngine risk(daily_loss_limit(1000));
  risk.on_equity(units(100'000), kDay1);
  EXPECT_EQ(risk.set_state(RiskState::reducing), RiskState::active);
  EXPECT_EQ(entry(risk, kDay1 + 1h), Denial::reducing_only);
  // A daily-loss breach on top does not change what the operator chose.
  risk.on_equity(units(98'000), kDay1 + 2h);
  EXPECT_TRUE(risk.daily_loss_hit());
  EXPECT_EQ(entry(risk, kDay1 + 2h), Denial::reducing_only);
  risk.on_equity(units(98'000), kDay2 + 1s);
  EXPECT_EQ(risk.state(), RiskState::reducing);
  EXPECT_FALSE(risk.daily_loss_hit());
  EXPECT_EQ(entry(risk, kDay2 + 1s), Denial::reducing_only);
  EXPECT_EQ(exit(risk, kDay2 + 1s), Denial::none);
  EXPECT_EQ(risk.set_state(RiskState::active), RiskState::reducing);
  EXPECT_EQ(entry(risk, kDay2 + 2s), Denial::none);
  // Back under automatic control: the next breach reduces and the next day lifts it.
  risk.on_equity(units(97'000), kDay2 + 3h);
  EXPECT_EQ(risk.state(), RiskState::reducing);
  risk.on_equity(units(97'000), kDay3);
  EXPECT_EQ(risk.state(), RiskState::active);
}

TEST(RiskState, HaltSetByHandSurvivesTheDay) {
  RiskEngine risk(daily_loss_limit(1000));
  risk.on_equity(units(100'000), kDay1);
  risk.set_state(RiskState::halted);
  risk.on_equity(units(98'000), kDay1 + 1h);  // a breach while halted stays halted
  EXPECT_EQ(risk.state(), RiskState::halted);
  risk.on_equity(units(98'000), kDay2);
  EXPECT_EQ(risk.state(), RiskState::halted);
  EXPECT_EQ(exit(risk, kDay2), Denial::halted);
}

TEST(RiskState, SettingActiveOverridesTheDailyLossForTheRestOfTheDay) {
  RiskEngine risk(daily_loss_limit(1000));
  risk.on_equity(units(100'000), kDay1);
  risk.on_equity(units(98'000), kDay1 + 1h);
  ASSERT_EQ(risk.state(), RiskState::reducing);
  EXPECT_EQ(risk.set_state(RiskState::active), RiskState::reducing);
  EXPECT_FALSE(risk.daily_loss_hit());
  EXPECT_EQ(entry(risk, kDay1 + 2h), Denial::none);
  risk.on_equity(units(97'000), kDay1 + 3h);  // not re-armed today
  EXPECT_EQ(risk.state(), RiskState::active);
  // Re-armed the next day, from the new day's start.
  risk.on_equity(units(97'000), kDay2);
  risk.on_equity(units(96'000), kDay2 + 1h);
  EXPECT_EQ(risk.state(), RiskState::reducing);
  EXPECT_TRUE(risk.daily_loss_hit());
}

TEST(RiskState, DrawdownHaltsUntilSetActive) {
  Limits limits;
  limits.max_drawdown = 0.2;
  RiskEngine risk(limits);
  risk.on_equity(units(100), kDay1);
  risk.on_equity(units(120), kDay1 + 1h);
  EXPECT_EQ(risk.peak_equity(), units(120));
  risk.on_equity(*Money::parse("96.00000001"), kDay1 + 2h);  // 19.99999992 %
  EXPECT_EQ(risk.state(), RiskState::active);
  EXPECT_NEAR(risk.drawdown(), 23.99999999 / 120, 1e-15);
  risk.on_equity(units(96), kDay1 + 3h);  // 24 / 120 = 20 %
  EXPECT_EQ(risk.state(), RiskState::halted);
  EXPECT_EQ(entry(risk, kDay1 + 3h), Denial::drawdown_halt);
  EXPECT_EQ(exit(risk, kDay1 + 3h), Denial::drawdown_halt);
  // Neither a recovery nor a new day lifts it.
  risk.on_equity(units(119), kDay1 + 4h);
  risk.on_equity(units(96), kDay2 + 1h);
  EXPECT_EQ(risk.state(), RiskState::halted);
  EXPECT_EQ(risk.peak_equity(), units(120));
  // Set active: the peak restarts at the last equity, so the same mark does not halt again.
  EXPECT_EQ(risk.set_state(RiskState::active), RiskState::halted);
  EXPECT_EQ(risk.peak_equity(), units(96));
  EXPECT_EQ(risk.drawdown(), 0.0);
  risk.on_equity(units(96), kDay2 + 2h);
  EXPECT_EQ(risk.state(), RiskState::active);
  EXPECT_EQ(entry(risk, kDay2 + 2h), Denial::none);
  // 20 % and more below the new peak halts again (20 / 96).
  risk.on_equity(units(76), kDay2 + 3h);
  EXPECT_EQ(risk.state(), RiskState::halted);
}

TEST(RiskState, ReducingByHandAfterADrawdownHaltUnwindsWithoutReHalting) {
  Limits limits;
  limits.max_drawdown = 0.1;
  RiskEngine risk(limits);
  risk.on_equity(units(100), kDay1);
  risk.on_equity(units(80), kDay1 + 1min);
  ASSERT_EQ(risk.state(), RiskState::halted);
  EXPECT_EQ(risk.set_state(RiskState::reducing), RiskState::halted);
  risk.on_equity(units(80), kDay1 + 2min);
  EXPECT_EQ(risk.state(), RiskState::reducing);
  EXPECT_EQ(exit(risk, kDay1 + 2min), Denial::none);
  EXPECT_EQ(entry(risk, kDay1 + 2min), Denial::reducing_only);
}

TEST(RiskState, SettingReducingFromActiveKeepsThePeak) {
  Limits limits;
  limits.max_drawdown = 0.1;
  RiskEngine risk(limits);
  risk.on_equity(units(100), kDay1);
  risk.on_equity(units(95), kDay1 + 1min);
  risk.set_state(RiskState::reducing);
  EXPECT_EQ(risk.peak_equity(), units(100));
  risk.on_equity(units(90), kDay1 + 2min);
  EXPECT_EQ(risk.state(), RiskState::halted);
}

TEST(RiskState, DisabledLimitsNeverChangeTheState) {
  RiskEngine risk(Limits{});
  risk.on_equity(units(100'000), kDay1);
  risk.on_equity(units(1), kDay1 + 1h);
  EXPECT_EQ(risk.state(), RiskState::active);
  EXPECT_FALSE(risk.daily_loss_hit());
  EXPECT_NEAR(risk.drawdown(), 0.99999, 1e-12);
}

TEST(RiskState, DrawdownIsZeroWithoutAPositivePeak) {
  Limits limits;
  limits.max_drawdown = 0.1;
  RiskEngine risk(limits);
  EXPECT_EQ(risk.drawdown(), 0.0);
  risk.on_equity(units(-50), kDay1);
  risk.on_equity(units(-80), kDay1 + 1s);
  EXPECT_EQ(risk.drawdown(), 0.0);
  EXPECT_EQ(risk.state(), RiskState::active);
}
