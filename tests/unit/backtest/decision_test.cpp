// The decision model on crafted votes and trades: the weighted vote, a losing class's silence,
// ties, confidence bounds, every input in the reasons, the sentiment weight; the weights from
// round trips attributed to regimes; and the inputs from simulated bars.
#include "meridian/backtest/decision.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine_rig.hpp"
#include "meridian/market/simulated_prices.hpp"
#include "meridian/strategies/registry.hpp"

namespace meridian::backtest {
namespace {

using core::Side;
using engine::test::instruments;
using engine::test::kAaa;
using engine::test::kT0;
using indicators::MarketRegime;

Vote vote(std::string_view name, std::optional<Side> side, double strength, double weight) {
  Vote v;
  v.name = name;
  v.side = side;
  v.strength = strength;
  v.weight = weight;
  return v;
}

const Reason& reason(const Decision& d, std::string_view name) {
  auto it = std::find_if(d.reasons.begin(), d.reasons.end(), [&](const Reason& r) { return r.name == name; });
  EXPECT_NE(it, d.reasons.end()) << name;
  return *it;
}

TEST(Decision, AllBuyWithPositiveWeightsIsBuy) {
  const std::vector<Vote> votes{vote("a", Side::buy, 1.0, 0.02), vote("b", Side::buy, 0.5, 0.01)};
  const auto d = decide(votes, std::nullopt, {});
  EXPECT_EQ(d.action, Action::buy);
  // Normalised weights 2/3 and 1/3: 2/3 x 1 + 1/3 x 0.5.
  EXPECT_NEAR(d.score, 2.0 / 3.0 + 1.0 / 6.0, 1e-12);
  EXPECT_NEAR(d.confidence, d.score, 1e-12);
  EXPECT_NEAR(reason(d, "a").weight, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(reason(d, "b").contribution, 1.0 / 6.0, 1e-12);
}

TEST(Decision, AllSellIsSell) {
  const std::vector<Vote> votes{vote("a", Side::sell, 0.8, 1.0), vote("b", Side::sell, 0.8, 1.0)};
  const auto d = decide(votes, std::nullopt, {});
  EXPECT_EQ(d.action, Action::sell);
  EXPECT_NEAR(d.score, -0.8, 1e-12);
  EXPECT_NEAR(d.confidence, 0.8, 1e-12);
}

TEST(Decision, LosingClassHasNoVote) {
  const std::vector<Vote> base{vote("winner", Side::buy, 0.6, 0.01)};
  auto with_loser = base;
  with_loser.push_back(vote("loser", Side::sell, 1.0, 0.0));
  const auto a = decide(base, std::nullopt, {});
  const auto b = decide(with_loser, std::nullopt, {});
  EXPECT_EQ(b.action, a.action);
  EXPECT_DOUBLE_EQ(b.score, a.score);
  EXPECT_DOUBLE_EQ(reason(b, "loser").weight, 0.0);
  EXPECT_DOUBLE_EQ(reason(b, "loser").contribution, 0.0);
  // A negative or NaN weight is no weight either.
  with_loser.back().weight = -3.0;
  EXPECT_DOUBLE_EQ(decide(with_loser, std::nullopt, {}).score, a.score);
  with_loser.back().weight = std::nan("");
  EXPECT_DOUBLE_EQ(decide(with_loser, std::nullopt, {}).score, a.score);
}

TEST(Decision, OppositeSignalsOfEqualWeightHold) {
  const std::vector<Vote> votes{vote("a", Side::buy, 0.7, 0.5), vote("b", Side::sell, 0.7, 0.5)};
  const auto d = decide(votes, std::nullopt, {});
  EXPECT_EQ(d.action, Action::hold);
  EXPECT_DOUBLE_EQ(d.score, 0.0);
  EXPECT_DOUBLE_EQ(d.confidence, 1.0);  // as far from tipping as can be
}

TEST(Decision, SilentClassesDiluteAndThresholdDecides) {
  // One buy at full strength among four equally weighted classes: score 0.25.
  std::vector<Vote> votes{vote("a", Side::buy, 1.0, 1.0), vote("b", std::nullopt, 0.0, 1.0),
                          vote("c", std::nullopt, 0.0, 1.0), vote("d", std::nullopt, 0.0, 1.0)};
  EXPECT_EQ(decide(votes, std::nullopt, {.threshold = 0.2}).action, Action::buy);
  const auto held = decide(votes, std::nullopt, {.threshold = 0.5});
  EXPECT_EQ(held.action, Action::hold);
  EXPECT_NEAR(held.confidence, 0.5, 1e-12);  // 1 - 0.25 / 0.5
}

TEST(Decision, NoWeightAtAllHoldsWithZeroConfidence) {
  const std::vector<Vote> votes{vote("a", Side::buy, 1.0, 0.0), vote("b", Side::buy, 1.0, 0.0)};
  const auto d = decide(votes, std::nullopt, {});
  EXPECT_EQ(d.action, Action::hold);
  EXPECT_DOUBLE_EQ(d.confidence, 0.0);
  EXPECT_EQ(d.reasons.size(), 2u);
  EXPECT_EQ(decide({}, std::nullopt, {}).action, Action::hold);
}

TEST(Decision, ConfidenceStaysInBounds) {
  // Strengths outside 0..1 and huge weights still give a score in [-1, 1] and confidence in [0, 1].
  for (double strength : {0.0, 0.1, 0.5, 1.0, 7.0, -2.0})
    for (double threshold : {0.0, 0.15, 1.0, 5.0}) {
      const std::vector<Vote> votes{vote("a", Side::buy, strength, 1e300), vote("b", Side::sell, 0.3, 1.0)};
      const auto d = decide(votes, 0.9, {.threshold = threshold, .sentiment_weight = 2.0});
      EXPECT_GE(d.confidence, 0.0);
      EXPECT_LE(d.confidence, 1.0);
      EXPECT_GE(d.score, -1.0);
      EXPECT_LE(d.score, 1.0);
    }
}

TEST(Decision, ReasonsNameEveryInputWithItsWeightLargestFirst) {
  const std::vector<Vote> votes{vote("small", Side::buy, 0.2, 1.0), vote("none", std::nullopt, 0.0, 1.0),
                                vote("big", Side::sell, 1.0, 2.0)};
  const auto d = decide(votes, 0.5, {.sentiment_weight = 0.25});
  ASSERT_EQ(d.reasons.size(), 4u);
  std::set<std::string_view> names;
  double weights = 0.0, contributions = 0.0;
  for (const auto& r : d.reasons) {
    names.insert(r.name);
    weights += r.weight;
    contributions += r.contribution;
  }
  EXPECT_EQ(names, (std::set<std::string_view>{"small", "none", "big", "sentiment"}));
  EXPECT_NEAR(weights, 1.0, 1e-12);
  EXPECT_NEAR(contributions, d.score, 1e-12);
  EXPECT_EQ(d.reasons.front().name, "big");
  for (std::size_t i = 1; i < d.reasons.size(); ++i)
    EXPECT_GE(std::abs(d.reasons[i - 1].contribution), std::abs(d.reasons[i].contribution));
  // Strategies share 1, sentiment 0.25 on top: big's share is (2/4) / 1.25.
  EXPECT_NEAR(reason(d, "big").weight, 0.4, 1e-12);
  EXPECT_NEAR(reason(d, "sentiment").weight, 0.2, 1e-12);
}

TEST(Decision, SentimentWeightZeroChangesNothingNonZeroMovesTheScore) {
  const std::vector<Vote> votes{vote("a", Side::buy, 0.4, 1.0), vote("b", std::nullopt, 0.0, 1.0)};
  const auto without = decide(votes, std::nullopt, {});
  const auto zero = decide(votes, -1.0, {.sentiment_weight = 0.0});
  EXPECT_DOUBLE_EQ(zero.score, without.score);
  EXPECT_EQ(zero.action, without.action);
  EXPECT_DOUBLE_EQ(reason(zero, "sentiment").weight, 0.0);
  const auto bearish = decide(votes, -1.0, {.sentiment_weight = 1.0});
  EXPECT_LT(bearish.score, without.score);
  EXPECT_NEAR(bearish.score, (0.2 - 1.0) / 2.0, 1e-12);
  EXPECT_EQ(bearish.action, Action::sell);
  EXPECT_EQ(reason(bearish, "sentiment").side, Side::sell);
  // Sentiment alone (every class lost) decides on its own.
  const std::vector<Vote> losers{vote("a", Side::sell, 1.0, 0.0)};
  EXPECT_EQ(decide(losers, 0.6, {.sentiment_weight = 0.5}).action, Action::buy);
}

engine::Trade trade(Side side, double qty, double price, double pnl, int minute) {
  engine::Trade t;
  t.symbol = kAaa;
  t.side = side;
  t.quantity = core::Quantity::from_double(qty);
  t.price = core::Price::from_double(price);
  t.realized_pnl = core::Money::from_double(pnl);
  t.ts = kT0 + std::chrono::minutes(minute);
  return t;
}

TEST(DecisionWeights, RoundTripsReturnOverCost) {
  const std::vector<engine::Trade> log{trade(Side::buy, 1, 100, 0, 1),   trade(Side::buy, 1, 110, 0, 2),
                                       trade(Side::sell, 1, 120, 15, 3), trade(Side::sell, 1, 90, -15, 4),
                                       trade(Side::sell, 1, 90, 0, 5),  // nothing held
                                       trade(Side::buy, 2, 50, 0, 6),    trade(Side::sell, 2, 45, -10, 7)};
  const auto trips = round_trips(log);
  ASSERT_EQ(trips.size(), 3u);
  EXPECT_NEAR(trips[0].ret, 15.0 / 105.0, 1e-9);
  EXPECT_NEAR(trips[1].ret, -15.0 / 105.0, 1e-9);
  EXPECT_EQ(trips[0].entry, kT0 + std::chrono::minutes(1));
  EXPECT_NEAR(trips[2].ret, -0.1, 1e-9);
  EXPECT_EQ(trips[2].entry, kT0 + std::chrono::minutes(6));
}

TEST(DecisionWeights, AttributedToTheRegimeAtEntryAndShrunk) {
  std::vector<core::Bar> bars(10);
  for (int i = 0; i < 10; ++i) bars[i].open_time = kT0 + std::chrono::minutes(i);
  std::vector<MarketRegime> regimes(10, MarketRegime::ranging);
  for (int i = 5; i < 10; ++i) regimes[i] = MarketRegime::trending_up;
  // Entries after the close of bar 2 (ranging) and of bar 7 (trending up).
  const std::vector<ClosedTrade> trips{{kT0 + std::chrono::minutes(3), 0.02},
                                       {kT0 + std::chrono::minutes(3), 0.04},
                                       {kT0 + std::chrono::minutes(8), -0.01}};
  const auto ranging = class_weight("x", trips, bars, regimes, MarketRegime::ranging, 2.0);
  EXPECT_EQ(ranging.trades, 2u);
  EXPECT_NEAR(ranging.mean_return, 0.03, 1e-12);
  EXPECT_NEAR(ranging.weight, 0.03 * 2.0 / 4.0, 1e-12);
  const auto trending = class_weight("x", trips, bars, regimes, MarketRegime::trending_up, 2.0);
  EXPECT_EQ(trending.trades, 1u);
  EXPECT_DOUBLE_EQ(trending.weight, 0.0);  // lost in this regime: no vote
  const auto volatile_ = class_weight("x", trips, bars, regimes, MarketRegime::volatile_, 2.0);
  EXPECT_EQ(volatile_.trades, 0u);
  EXPECT_DOUBLE_EQ(volatile_.weight, 0.0);
  const auto all = class_weight("x", trips, bars, regimes, MarketRegime::unknown, 0.0);
  EXPECT_EQ(all.trades, 3u);
  EXPECT_NEAR(all.weight, 0.05 / 3.0, 1e-12);
}

TEST(DecisionInputs, FromSimulatedBars) {
  market::SimConfig sim;
  sim.seed = 11;
  sim.time_step = std::chrono::seconds(10);
  sim.regime_mean = std::chrono::minutes(30);
  const auto table = instruments();
  constexpr int kMinutes = 1440;
  market::SimulatedPrices prices(table, sim, kT0);
  std::vector<core::Bar> bars;
  for (const auto& bar : prices.generate_history(kMinutes, kT0 + std::chrono::minutes(kMinutes)))
    if (bar.symbol == kAaa) bars.push_back(bar);
  ASSERT_GT(bars.size(), 1000u);
  const auto regimes = regimes_at(bars);
  const auto weights = fit_weights(table, bars, regimes.back());
  ASSERT_EQ(weights.size(), strategies::strategy_classes().size());
  std::uint64_t trades = 0;
  for (const auto& w : weights) {
    EXPECT_GE(w.weight, 0.0);
    trades += w.trades;
  }
  EXPECT_GT(trades, 0u);
  const auto votes = latest_votes(bars, weights, {.lookback = 1440, .half_life = 10});
  ASSERT_EQ(votes.size(), weights.size());
  std::size_t voting = 0;
  for (std::size_t i = 0; i < votes.size(); ++i) {
    EXPECT_EQ(votes[i].name, weights[i].name);
    EXPECT_DOUBLE_EQ(votes[i].weight, weights[i].weight);
    if (votes[i].side) {
      ++voting;
      EXPECT_LE(votes[i].strength, 1.0);
      EXPECT_LE(votes[i].strength, std::exp2(-static_cast<double>(votes[i].age_bars) / 10.0) + 1e-12);
    }
  }
  EXPECT_GT(voting, 0u);  // over a whole day some class signalled
  // A lookback of 0 keeps only signals on the newest bar.
  for (const auto& v : latest_votes(bars, weights, {.lookback = 0})) {
    if (v.side) {
      EXPECT_EQ(v.age_bars, 0u);
    }
  }
}

}  // namespace
}  // namespace meridian::backtest
