// StrategySet: strategies sharing pooled indicators produce exactly (bit for bit) the signals
// of the same strategies run one by one, and share one series per indicator and parameters.
#include "meridian/strategies/strategy_set.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "meridian/strategies/indicator_pool.hpp"
#include "meridian/strategies/registry.hpp"
#include "meridian/strategies/rsi_mean_reversion.hpp"
#include "meridian/strategies/stoch_rsi_cross.hpp"
#include "signal_identical.hpp"
#include "strategy_test_support.hpp"

using namespace meridian;
using namespace meridian::strategies;
using namespace meridian::strategies::testing;
using meridian::test::bits;
using meridian::test::expect_identical;

namespace {

struct Member {
  const StrategyClass* cls;
  ParamValues values;
};

// Every class with its defaults, plus RSI users on other periods: two more sharing RSI(10) and
// one alone on RSI(21).
std::vector<Member> members() {
  std::vector<Member> out;
  for (const auto& cls : strategy_classes()) out.push_back({&cls, ParamValues(cls.params)});
  auto with = [](std::string_view name, std::size_t index, double value) {
    const auto* cls = find_strategy_class(name);
    ParamValues v(cls->params);
    v.set(index, value);
    return Member{cls, v};
  };
  out.push_back(with(RsiMeanReversion::kClassName, 0, 10));
  out.push_back(with(StochRsiCross::kClassName, 0, 10));
  out.push_back(with(StochRsiCross::kClassName, 0, 21));
  return out;
}

// Three symbols' random walks, interleaved bar by bar as the engine delivers them.
std::vector<core::Bar> interleaved(std::size_t per_symbol) {
  std::vector<std::vector<core::Bar>> series;
  for (core::SymbolId s = 0; s < 3; ++s) series.push_back(random_walk(100 + s, per_symbol, s, 50.0 + 40.0 * s));
  std::vector<core::Bar> out;
  for (std::size_t i = 0; i < per_symbol; ++i)
    for (const auto& one : series) out.push_back(one[i]);
  return out;
}

// Per bar, per member: the signal or nothing.
using Table = std::vector<std::vector<std::optional<Signal>>>;

Table run_set(StrategySet& set, const std::vector<core::Bar>& bars) {
  Table out(bars.size(), std::vector<std::optional<Signal>>(set.size()));
  for (std::size_t b = 0; b < bars.size(); ++b)
    set.on_bar(bars[b], [&](std::size_t i, const Signal& s) { out[b][i] = s; });
  return out;
}

void expect_same_tables(const Table& x, const Table& y) {
  ASSERT_EQ(x.size(), y.size());
  for (std::size_t b = 0; b < x.size(); ++b)
    for (std::size_t i = 0; i < x[b].size(); ++i) {
      SCOPED_TRACE("bar " + std::to_string(b) + ", member " + std::to_string(i));
      ASSERT_EQ(x[b][i].has_value(), y[b][i].has_value());
      if (x[b][i]) expect_identical(*x[b][i], *y[b][i]);
    }
}

}  // namespace

TEST(StrategySet, SignalsAreBitIdenticalToEachStrategyRunAlone) {
  const auto list = members();
  const auto bars = interleaved(3000);
  StrategySet set(3);
  for (const auto& m : list) set.add(*m.cls, m.values);

  Table alone(bars.size(), std::vector<std::optional<Signal>>(list.size()));
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto s = list[i].cls->create(list[i].values, 3);
    for (std::size_t b = 0; b < bars.size(); ++b) alone[b][i] = s->on_bar(bars[b]);
  }
  const auto together = run_set(set, bars);
  expect_same_tables(together, alone);

  std::vector<std::size_t> fired(list.size());
  for (const auto& row : together)
    for (std::size_t i = 0; i < row.size(); ++i) fired[i] += row[i].has_value();
  for (std::size_t i = 0; i < list.size(); ++i)
    EXPECT_GT(fired[i], 0u) << list[i].cls->name << ": a comparison without signals proves nothing";
}

TEST(StrategySet, OneSeriesPerIndicatorAndParameters) {
  StrategySet set(2);
  for (const auto& cls : strategy_classes()) set.add(cls, ParamValues(cls.params));
  EXPECT_EQ(set.size(), strategy_classes().size());
  EXPECT_EQ(set.pool().size(), 1u);  // RSI(14): RSI mean reversion and Stochastic RSI cross
  for (const auto& m : members()) set.add(*m.cls, m.values);
  EXPECT_EQ(set.pool().size(), 3u);  // and RSI(10), RSI(21)
}

TEST(StrategySet, ResetStartsEveryStrategyAndThePoolOver) {
  const auto bars = interleaved(1500);
  StrategySet set(3);
  for (const auto& m : members()) set.add(*m.cls, m.values);
  const auto first = run_set(set, bars);
  set.reset();
  expect_same_tables(run_set(set, bars), first);
}

TEST(StrategySet, ABarOfAnUnknownSymbolIsIgnored) {
  StrategySet set(1);
  for (const auto& m : members()) set.add(*m.cls, m.values);
  std::size_t signals = 0;
  for (const auto& bar : random_walk(7, 500, 5)) set.on_bar(bar, [&](std::size_t, const Signal&) { ++signals; });
  EXPECT_EQ(signals, 0u);
}

TEST(IndicatorPool, TheSamePeriodIsTheSameSeries) {
  IndicatorPool pool(4);
  const auto a = pool.rsi(14);
  const auto b = pool.rsi(14);
  const auto c = pool.rsi(10);
  EXPECT_EQ(a.data(), b.data());
  EXPECT_NE(a.data(), c.data());
  EXPECT_EQ(a.size(), 4u);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.rsi(14).data(), a.data());  // still there after another series was added
  EXPECT_THROW(pool.rsi(0), std::invalid_argument);
  EXPECT_EQ(pool.size(), 2u);
}

TEST(IndicatorPool, UpdatesOnlyTheBarsSymbol) {
  IndicatorPool pool(2);
  const auto rsi = pool.rsi(2);
  const auto bars = random_walk(3, 10, 1);
  for (const auto& bar : bars) pool.update(bar);
  EXPECT_TRUE(rsi[1].ready());
  EXPECT_FALSE(rsi[0].ready());
  indicators::Rsi alone(2);
  for (const auto& bar : bars) alone.update(bar.close.to_double());
  EXPECT_EQ(bits(rsi[1].value), bits(alone.value()));
  pool.reset();
  EXPECT_FALSE(rsi[1].ready());
}

TEST(IndicatorPool, ASeededEntryHoldsTheGivenState) {
  IndicatorPool pool(2);
  RsiValue state(5);
  for (const auto& bar : random_walk(4, 20, 1)) state.update(bar.close.to_double());
  pool.seed_rsi(5, 1, state);
  EXPECT_TRUE(pool.rsi(5)[1].identical(state));
  EXPECT_FALSE(pool.rsi(5)[0].identical(state));  // another symbol's entry is untouched
  EXPECT_THROW(pool.seed_rsi(5, 2, state), std::out_of_range);
}

// A strategy switched to a pool entry identical to its own state goes on exactly as alone.
TEST(RsiSource, SharedFromAnIdenticalStateReadsWhatItsOwnWould) {
  const auto bars = random_walk(5, 400);
  const std::size_t half = bars.size() / 2;
  RsiMeanReversion alone(RsiMeanReversionParams{}, 1);
  RsiMeanReversion switched(RsiMeanReversionParams{}, 1);
  IndicatorPool pool(1);
  std::size_t signals = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    if (i == half) {
      auto* rsi = switched.shared_rsi();
      ASSERT_NE(rsi, nullptr);
      ASSERT_FALSE(rsi->pooled());
      pool.seed_rsi(rsi->period(), 0, rsi->own()[0]);
      rsi->share(pool.rsi(rsi->period()));
      EXPECT_TRUE(rsi->pooled());
      EXPECT_TRUE(rsi->own().empty());
    }
    if (i >= half) pool.update(bars[i]);
    const auto a = alone.on_bar(bars[i]);
    const auto b = switched.on_bar(bars[i]);
    ASSERT_EQ(a.has_value(), b.has_value()) << "bar " << i;
    if (a) {
      expect_identical(*a, *b);
      signals += i >= half;
    }
  }
  EXPECT_GT(signals, 0u) << "no signal after the switch proves nothing";
  auto* rsi = switched.shared_rsi();
  rsi->unshare();
  EXPECT_FALSE(rsi->pooled());
  ASSERT_EQ(rsi->own().size(), 1u);
  EXPECT_TRUE(rsi->own()[0].identical(RsiValue(rsi->period())));  // its own again, fresh
}
