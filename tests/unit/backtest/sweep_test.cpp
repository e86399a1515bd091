// Parameter sweeps and walk-forward: the grid and random expansion and their refusals, the
// ranking against single backtests of each combination, the same result on one thread or two,
// cancellation, and walk-forward windows and their out-of-sample runs.
#include "meridian/backtest/sweep.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "engine_rig.hpp"
#include "meridian/backtest/sweep_request.hpp"
#include "meridian/backtest/walk_forward.hpp"
#include "meridian/market/simulated_prices.hpp"

namespace meridian::backtest {
namespace {

using engine::test::instruments;
using engine::test::kAaa;
using engine::test::kT0;

constexpr int kMinutes = 3 * 1440;

// Three seeded days of AAA minutes with short regimes: crossovers of every period trade.
const market::ReplayData& bars() {
  static const market::ReplayData data = [] {
    market::SimConfig sim;
    sim.seed = 5;
    sim.time_step = std::chrono::seconds(10);
    sim.regime_mean = std::chrono::minutes(30);
    const auto table = instruments();
    market::SimulatedPrices prices(table, sim, kT0);
    market::ReplayData out;
    out.series.push_back(std::move(prices.generate_series(kMinutes, kT0 + std::chrono::minutes(kMinutes))[kAaa]));
    return out;
  }();
  return data;
}

SweepSpec sma_spec() {
  SweepSpec s;
  s.base.strategy = engine::StrategyConfig::sma_crossover(20, 50);
  s.base.strategy.position_fraction = 0.5;
  s.base.symbols = {kAaa};
  s.base.from = kT0;
  s.base.to = kT0 + std::chrono::minutes(kMinutes);
  s.base.paper = execution::PaperConfig::at_touch(10);
  s.axes = {{"fast_period", {3, 5, 8}, {}, {}, {}}, {"slow_period", {}, 10.0, 30.0, 10.0}};
  return s;
}

TEST(SweepExpand, GridIsEveryCombinationInOdometerOrderEachDecoded) {
  const auto c = expand(sma_spec());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->names, (std::vector<std::string>{"fast_period", "slow_period"}));
  const std::vector<std::vector<double>> expected{{3, 10}, {3, 20}, {3, 30}, {5, 10}, {5, 20},
                                                  {5, 30}, {8, 10}, {8, 20}, {8, 30}};
  EXPECT_EQ(c->values, expected);
  ASSERT_EQ(c->strategies.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ(c->strategies[k].class_name, "sma_crossover");
    EXPECT_EQ(c->strategies[k].params.integer(0), expected[k][0]);
    EXPECT_EQ(c->strategies[k].params.integer(1), expected[k][1]);
    EXPECT_EQ(c->strategies[k].position_fraction, 0.5);  // what is not swept keeps the base's value
  }
  EXPECT_EQ(c->skipped, 0u);
}

TEST(SweepExpand, RowsTheClassRefusesAreSkippedAndCounted) {
  auto s = sma_spec();
  s.axes = {{"fast_period", {5, 12}, {}, {}, {}}, {"slow_period", {10, 20}, {}, {}, {}}};
  const auto c = expand(s);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->values, (std::vector<std::vector<double>>{{5, 10}, {5, 20}, {12, 20}}));
  EXPECT_EQ(c->skipped, 1u);  // fast 12 >= slow 10
  EXPECT_NE(c->skipped_reason.find("fast_period"), std::string::npos) << c->skipped_reason;

  s.axes = {{"fast_period", {30}, {}, {}, {}}, {"slow_period", {10, 20}, {}, {}, {}}};
  const auto none = expand(s);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().field, "sweep");
}

TEST(SweepExpand, TheCapRefusesTooManyCombinationsNamingTheLimit) {
  auto s = sma_spec();
  s.axes = {{"fast_period", {}, 1.0, 100.0, 1.0}, {"slow_period", {}, 2.0, 1000.0, 1.0}};
  auto c = expand(s);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "sweep");
  EXPECT_EQ(c.error().code, "too_large");
  EXPECT_NE(c.error().message.find("99900 combinations"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("the limit is 10000"), std::string::npos) << c.error().message;

  s = sma_spec();  // 9 combinations
  s.max_combinations = 8;
  c = expand(s);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("the limit is 8"), std::string::npos) << c.error().message;
  s.max_combinations = 9;
  EXPECT_TRUE(expand(s));

  s.random = 10;  // a random draw past the cap
  c = expand(s);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "random");
}

TEST(SweepExpand, AValueOutsideTheSchemaIsRefusedNamingTheParameter) {
  auto field_of = [](std::vector<Axis> axes) {
    auto s = sma_spec();
    s.axes = std::move(axes);
    const auto c = expand(s);
    return c ? std::string("(accepted)") : c.error().field + ": " + c.error().message;
  };
  EXPECT_EQ(field_of({{"fast_period", {5, 0}, {}, {}, {}}}).rfind("sweep.fast_period: ", 0), 0u);
  EXPECT_EQ(field_of({{"slow_period", {}, 10.0, 5000.0, 10.0}}).rfind("sweep.slow_period: ", 0), 0u);
  EXPECT_EQ(field_of({{"fast_period", {2.5}, {}, {}, {}}}).rfind("sweep.fast_period: ", 0), 0u);
  EXPECT_EQ(field_of({{"lookback", {3}, {}, {}, {}}}).rfind("sweep.lookback: ", 0), 0u);
  EXPECT_EQ(field_of({{"fast_period", {}, 10.0, 5.0, 1.0}}).rfind("sweep.fast_period: ", 0), 0u);
  EXPECT_EQ(field_of({{"fast_period", {}, 1.0, 5.0, 0.0}}).rfind("sweep.fast_period: ", 0), 0u);
  EXPECT_EQ(
      field_of({{"fast_period", {3}, {}, {}, {}}, {"fast_period", {4}, {}, {}, {}}}).rfind("sweep.fast_period", 0), 0u);
  // A number parameter's grid needs a step; a random draw does not.
  auto s = SweepSpec{};
  s.base = sma_spec().base;
  s.base.strategy = *engine::decode_strategy(nlohmann::json{{"class", "bollinger_reversion"}}, {});
  s.axes = {{"stddev_multiplier", {}, {}, {}, {}}};
  ASSERT_FALSE(expand(s));
  EXPECT_EQ(expand(s).error().field, "sweep.stddev_multiplier");
  s.random = 5;
  EXPECT_TRUE(expand(s));
}

TEST(SweepExpand, RandomDrawsAreDistinctInsideTheBoundsAndSeeded) {
  auto s = sma_spec();
  s.axes = {{"fast_period", {}, {}, {}, {}}, {"slow_period", {}, 10.0, 200.0, {}}};
  s.random = 25;
  s.seed = 3;
  const auto a = expand(s);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_EQ(a->values.size(), 25u);
  std::set<std::vector<double>> distinct(a->values.begin(), a->values.end());
  EXPECT_EQ(distinct.size(), 25u);
  for (const auto& row : a->values) {
    EXPECT_GE(row[0], 1);  // fast_period's schema bounds
    EXPECT_LE(row[0], 1000);
    EXPECT_EQ(row[0], std::floor(row[0]));
    EXPECT_GE(row[1], 10);
    EXPECT_LE(row[1], 200);
    EXPECT_LT(row[0], row[1]);  // the class's rule: a refused draw is drawn again
  }
  EXPECT_EQ(expand(s)->values, a->values);
  s.seed = 4;
  EXPECT_NE(expand(s)->values, a->values);
}

void expect_same_ranking(const SweepResult& a, const SweepResult& b) {
  ASSERT_EQ(a.ranked.size(), b.ranked.size());
  for (std::size_t k = 0; k < a.ranked.size(); ++k) {
    EXPECT_EQ(a.ranked[k].index, b.ranked[k].index) << k;
    EXPECT_EQ(a.ranked[k].values, b.ranked[k].values) << k;
    EXPECT_EQ(a.ranked[k].score, b.ranked[k].score) << k;
    EXPECT_EQ(a.ranked[k].metrics.final_equity, b.ranked[k].metrics.final_equity) << k;
    EXPECT_EQ(a.ranked[k].metrics.fills, b.ranked[k].metrics.fills) << k;
    EXPECT_EQ(a.ranked[k].metrics.sharpe, b.ranked[k].metrics.sharpe) << k;
  }
}

TEST(Sweep, OneThreadAndTwoRankTheSame) {
  const auto table = instruments();
  auto s = sma_spec();
  s.rank = RankBy::sharpe;
  const auto c = expand(s);
  ASSERT_TRUE(c);
  s.threads = 1;
  const auto one = sweep(table, s, *c, bars());
  s.threads = 2;
  const auto two = sweep(table, s, *c, bars());
  EXPECT_EQ(one.threads, 1u);
  EXPECT_EQ(two.threads, 2u);
  EXPECT_EQ(one.status, Status::completed);
  EXPECT_EQ(one.ranked.size(), c->strategies.size());
  EXPECT_EQ(one.bars, std::uint64_t(kMinutes));
  expect_same_ranking(one, two);
  // Ranked best first by the metric asked for.
  for (std::size_t k = 1; k < one.ranked.size(); ++k)
    EXPECT_GE(one.ranked[k - 1].metrics.sharpe, one.ranked[k].metrics.sharpe) << k;
}

TEST(Sweep, TheBestIsTheBestOfEachCombinationRunAlone) {
  const auto table = instruments();
  for (const auto rank : {RankBy::total_return, RankBy::max_drawdown}) {
    auto s = sma_spec();
    s.rank = rank;
    s.threads = 2;
    const auto c = expand(s);
    ASSERT_TRUE(c);
    const auto swept = sweep(table, s, *c, bars());
    ASSERT_EQ(swept.ranked.size(), c->strategies.size());

    std::size_t best = 0;
    std::vector<double> scores;
    for (std::size_t k = 0; k < c->strategies.size(); ++k) {
      auto spec = s.base;
      spec.strategy = c->strategies[k];
      const auto alone = run(table, spec, bars());
      scores.push_back(score(alone.metrics, rank));
      if (better(scores[k], scores[best], rank)) best = k;
      // Every combination's figures are its single backtest's.
      const auto it = std::find_if(swept.ranked.begin(), swept.ranked.end(), [&](auto& r) { return r.index == k; });
      ASSERT_NE(it, swept.ranked.end());
      EXPECT_EQ(it->metrics.final_equity, alone.metrics.final_equity) << k;
      EXPECT_EQ(it->metrics.fills, alone.metrics.fills) << k;
    }
    // The crafted bars separate the combinations: a ranking that ignored them could not pass.
    EXPECT_GT(*std::max_element(scores.begin(), scores.end()), *std::min_element(scores.begin(), scores.end()));
    EXPECT_EQ(swept.ranked.front().index, best) << to_string(rank);
    EXPECT_EQ(swept.ranked.front().score, scores[best]);
    if (rank == RankBy::max_drawdown) {
      EXPECT_LE(swept.ranked.front().metrics.max_drawdown, swept.ranked.back().metrics.max_drawdown);
    }
  }
}

TEST(Sweep, ReportsProgressAndStopsWhenCancelled) {
  const auto table = instruments();
  auto s = sma_spec();
  s.threads = 2;
  const auto c = expand(s);
  ASSERT_TRUE(c);
  std::vector<std::uint64_t> seen;
  SweepControl control;
  control.on_progress = [&](const SweepProgress& p) {
    EXPECT_EQ(p.total, c->strategies.size());
    seen.push_back(p.done);
  };
  const auto full = sweep(table, s, *c, bars(), control);
  ASSERT_EQ(seen.size(), c->strategies.size());
  for (std::size_t k = 0; k < seen.size(); ++k) EXPECT_EQ(seen[k], k + 1);

  // Cancelled after the third combination: the rest are not run, the finished ones are ranked.
  std::atomic<bool> cancel{false};
  control.cancel = &cancel;
  control.on_progress = [&](const SweepProgress& p) {
    if (p.done == 3) cancel = true;
  };
  s.threads = 1;
  const auto part = sweep(table, s, *c, bars(), control);
  EXPECT_EQ(part.status, Status::cancelled);
  EXPECT_EQ(part.ranked.size(), 3u);
  EXPECT_EQ(full.status, Status::completed);
}

TEST(WalkForward, WindowsCoverTheRangeWithoutOverlap) {
  const auto from = kT0, to = kT0 + std::chrono::minutes(1000) + std::chrono::seconds(30);
  const auto w = walk_forward_windows(from, to, {3, 0.7});
  ASSERT_TRUE(w) << w.error().message;
  ASSERT_EQ(w->size(), 3u);
  EXPECT_EQ(w->front().in_from, from);
  EXPECT_EQ(w->back().out_to, to);
  for (std::size_t k = 0; k < w->size(); ++k) {
    const auto& x = (*w)[k];
    EXPECT_LT(x.in_from, x.in_to);
    EXPECT_LT(x.in_to, x.out_to);
    if (k > 0) {
      EXPECT_EQ(x.in_from, (*w)[k - 1].out_to);  // no gap, no overlap
    }
    EXPECT_EQ((x.in_to - x.in_from) % std::chrono::minutes(1), core::Duration::zero());
  }
  // 333 minutes a window (the last 334 and a half): 233 in sample.
  EXPECT_EQ((*w)[0].in_to - (*w)[0].in_from, std::chrono::minutes(233));

  EXPECT_EQ(walk_forward_windows(from, to, {0, 0.7}).error().field, "walk_forward.windows");
  EXPECT_EQ(walk_forward_windows(from, to, {3, 1.0}).error().field, "walk_forward.in_sample");
  EXPECT_EQ(walk_forward_windows(from, from + std::chrono::minutes(5), {3, 0.5}).error().field, "walk_forward.windows");
}

TEST(WalkForward, TestsEachInSampleWinnerOutOfSample) {
  const auto table = instruments();
  auto s = sma_spec();
  s.rank = RankBy::total_return;
  s.threads = 2;
  const auto c = expand(s);
  ASSERT_TRUE(c);
  const auto windows = walk_forward_windows(s.base.from, s.base.to, {3, 0.7});
  ASSERT_TRUE(windows);
  std::uint64_t last_done = 0, progress_calls = 0;
  SweepControl control;
  control.on_progress = [&](const SweepProgress& p) {
    EXPECT_GT(p.done, last_done);
    EXPECT_EQ(p.total, 3 * (c->strategies.size() + 1));
    last_done = p.done;
    ++progress_calls;
  };
  const auto wf = walk_forward(table, s, *c, *windows, bars(), control);
  EXPECT_EQ(wf.status, Status::completed);
  EXPECT_EQ(last_done, 3 * (c->strategies.size() + 1));
  EXPECT_EQ(progress_calls, last_done);
  ASSERT_EQ(wf.windows.size(), 3u);

  double in_sum = 0, out_sum = 0, growth = 1;
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& r = wf.windows[k];
    EXPECT_EQ(r.window.in_from, (*windows)[k].in_from);
    // The winner is the in-sample sweep's, ...
    auto in = s;
    in.base.from = r.window.in_from;
    in.base.to = r.window.in_to;
    const auto swept = sweep(table, in, *c, bars());
    EXPECT_EQ(r.best.index, swept.ranked.front().index) << k;
    EXPECT_EQ(r.best.score, swept.ranked.front().score) << k;
    EXPECT_EQ(r.ranked, c->strategies.size());
    // ... and the out-of-sample figures are that winner's alone on the rest of the window.
    auto out = s.base;
    out.from = r.window.in_to;
    out.to = r.window.out_to;
    out.strategy = c->strategies[r.best.index];
    const auto alone = run(table, out, bars());
    EXPECT_EQ(r.out_of_sample.final_equity, alone.metrics.final_equity) << k;
    EXPECT_EQ(r.out_score, alone.metrics.total_return) << k;
    EXPECT_GT(alone.progress.bars_done, 0u);
    in_sum += r.best.score;
    out_sum += r.out_score;
    growth *= 1 + r.out_score;
  }
  EXPECT_DOUBLE_EQ(wf.mean_in_score, in_sum / 3);
  EXPECT_DOUBLE_EQ(wf.mean_out_score, out_sum / 3);
  EXPECT_DOUBLE_EQ(wf.out_of_sample_return, growth - 1);
}

TEST(SweepRequest, DecodesTheJsonAndNamesTheFieldAtFault) {
  nlohmann::json j{{"strategy", {{"class", "sma_crossover"}}},
                   {"symbols", {"AAA"}},
                   {"from", "2026-04-01T00:00:00Z"},
                   {"to", "2026-04-02T00:00:00Z"},
                   {"data", "sim:7"},
                   {"sweep", {{"fast_period", {5, 10}}, {"slow_period", {{"from", 30}, {"to", 50}, {"step", 10}}}}},
                   {"rank", "calmar"},
                   {"threads", 2},
                   {"walk_forward", {{"windows", 2}, {"in_sample", 0.6}}}};
  auto r = decode_sweep_request(j, instruments());
  ASSERT_TRUE(r) << r.error().field << ": " << r.error().message;
  EXPECT_EQ(r->combinations.strategies.size(), 6u);
  EXPECT_EQ(r->request.sweep.rank, RankBy::calmar);
  EXPECT_EQ(r->request.sweep.threads, 2u);
  EXPECT_EQ(r->request.request.data.kind, DataSource::Kind::sim);
  EXPECT_EQ(r->windows.size(), 2u);

  auto field = [&](const char* key, nlohmann::json value) {
    auto bad = j;
    bad[key] = std::move(value);
    auto d = decode_sweep_request(bad, instruments());
    return d ? std::string("(accepted)") : d.error().field;
  };
  EXPECT_EQ(field("rank", "luck"), "rank");
  EXPECT_EQ(field("threads", -1), "threads");
  EXPECT_EQ(field("random", 0), "random");
  EXPECT_EQ(field("sweep", nlohmann::json::object()), "sweep");
  EXPECT_EQ(field("sweep", {{"fast_period", {0, 5}}}), "sweep.fast_period");
  EXPECT_EQ(field("sweep", {{"fast_period", {{"from", 5}, {"by", 1}}}}), "sweep.fast_period");
  EXPECT_EQ(field("walk_forward", {{"windows", 0}}), "walk_forward.windows");
  EXPECT_EQ(field("walk_forward", {{"windows", -3}}), "walk_forward.windows");
  EXPECT_EQ(field("walk_forward", {{"windows", 101}}), "walk_forward.windows");
  EXPECT_EQ(field("walk_forward", {{"windows", 2.5}}), "walk_forward.windows");
  EXPECT_EQ(field("walk_forward", {{"in_sample", "most"}}), "walk_forward.in_sample");
  EXPECT_EQ(field("seed", std::numeric_limits<std::uint64_t>::max()), "seed");
  {
    // Past int64 (nlohmann keeps it unsigned): out of range, said as such, never wrapped.
    auto bad = j;
    bad["walk_forward"]["windows"] = std::numeric_limits<std::uint64_t>::max();
    auto d = decode_sweep_request(bad, instruments());
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().field, "walk_forward.windows");
    EXPECT_NE(d.error().message.find("whole number in [1, 100]"), std::string::npos) << d.error().message;
  }
  EXPECT_EQ(field("walk_forward", {{"folds", 2}}), "walk_forward.folds");
  EXPECT_EQ(field("symbols", {"ZZZ"}), "symbols");  // the base request's own errors
}

}  // namespace
}  // namespace meridian::backtest
