// The seeded price simulator: reproducible, well-formed quotes on the instrument's tick
// grid, and history that covers exactly the requested minutes.
#include "meridian/market/simulated_prices.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

using meridian::core::Bar;
using meridian::core::Instrument;
using meridian::core::InstrumentTable;
using meridian::core::SymbolId;
using meridian::core::Tick;
using meridian::core::Timestamp;
using meridian::market::SimConfig;
using meridian::market::SimulatedPrices;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
const Timestamp kStart{sys_days{year{2026} / 6 / 1}.time_since_epoch() + 9h};

InstrumentTable instruments() {
  using meridian::core::AssetClass;
  return InstrumentTable({
      {0, "BTC-USD", "crypto", AssetClass::crypto, "USD", 2, 6, 65000.0, 0.6},
      {0, "SOL-USD", "crypto", AssetClass::crypto, "USD", 3, 3, 150.0, 0.9},
      {0, "TCS", "nse", AssetClass::equity, "INR", 0, 0, 3900.0, 0.22},
      {0, "PENNY", "nyse", AssetClass::equity, "USD", 4, 0, 0.5, 1.5},
  });
}

std::int64_t unit(int decimals) {
  return static_cast<std::int64_t>(std::llround(std::pow(10.0, 8 - decimals)));
}

bool same(const Tick& a, const Tick& b) {
  return a.symbol == b.symbol && a.ts == b.ts && a.bid == b.bid && a.ask == b.ask && a.last == b.last &&
         a.volume == b.volume;
}
}  // namespace

TEST(SimulatedPrices, SameSeedGivesIdenticalTicks) {
  const auto table = instruments();
  SimulatedPrices a(table, SimConfig{7}, kStart);
  SimulatedPrices b(table, SimConfig{7}, kStart);
  SimulatedPrices c(table, SimConfig{8}, kStart);
  std::vector<Tick> ta;
  std::vector<Tick> tb;
  std::vector<Tick> tc;
  bool any_difference_with_other_seed = false;
  for (int step = 0; step < 500; ++step) {
    a.step(ta);
    b.step(tb);
    c.step(tc);
    ASSERT_EQ(ta.size(), table.size());
    ASSERT_EQ(tb.size(), table.size());
    for (std::size_t i = 0; i < ta.size(); ++i) {
      ASSERT_TRUE(same(ta[i], tb[i])) << "step " << step << " symbol " << i;
      any_difference_with_other_seed |= !same(ta[i], tc[i]);
    }
  }
  EXPECT_TRUE(any_difference_with_other_seed);
}

TEST(SimulatedPrices, QuotesAreOrderedAndOnTheTickGrid) {
  const auto table = instruments();
  SimulatedPrices sim(table, SimConfig{11}, kStart);
  std::vector<Tick> ticks;
  for (int step = 1; step <= 5000; ++step) {
    sim.step(ticks);
    EXPECT_EQ(sim.clock(), kStart + seconds(step));
    for (const Tick& t : ticks) {
      const auto& inst = table.at(t.symbol);
      ASSERT_EQ(t.ts, sim.clock());
      ASSERT_GT(t.bid.raw(), 0) << inst.symbol;
      ASSERT_LT(t.bid, t.ask) << inst.symbol << " step " << step;
      ASSERT_LE(t.bid, t.last) << inst.symbol << " step " << step;
      ASSERT_LE(t.last, t.ask) << inst.symbol << " step " << step;
      const auto tick = unit(inst.price_decimals);
      ASSERT_EQ(t.last.raw() % tick, 0) << inst.symbol << " " << t.last.to_string();
      ASSERT_EQ(t.bid.raw() % tick, 0) << inst.symbol << " " << t.bid.to_string();
      ASSERT_EQ(t.ask.raw() % tick, 0) << inst.symbol << " " << t.ask.to_string();
      // Volume: positive whole lots.
      ASSERT_GT(t.volume.raw(), 0);
      ASSERT_EQ(t.volume.raw() % unit(inst.qty_decimals), 0) << inst.symbol << " " << t.volume.to_string();
    }
    // Symbols in id order.
    for (std::size_t i = 0; i < ticks.size(); ++i) ASSERT_EQ(ticks[i].symbol, i);
  }
}

TEST(SimulatedPrices, SetPriceContinuesFromTheGivenLevel) {
  const auto table = instruments();
  SimulatedPrices sim(table, SimConfig{3}, kStart);
  sim.set_price(2, 5000.0);
  EXPECT_EQ(sim.price(2), 5000.0);
  // Invalid prices are ignored.
  sim.set_price(2, -1.0);
  sim.set_price(2, std::nan(""));
  sim.set_price(99, 1.0);
  EXPECT_EQ(sim.price(2), 5000.0);
  std::vector<Tick> ticks;
  sim.step(ticks);
  // One second of 22 % annual volatility moves far less than 1 %.
  EXPECT_NEAR(ticks[2].last.to_double(), 5000.0, 50.0);
  sim.set_clock(kStart);
  EXPECT_EQ(sim.clock(), kStart);
}

TEST(SimulatedPrices, HistoryCoversEachMinuteForEverySymbol) {
  const auto table = instruments();
  SimulatedPrices sim(table, SimConfig{5}, kStart);
  const Timestamp end = kStart + 17min + 23s + 400ms;  // mid-minute
  const Timestamp last_open = floor<minutes>(end) - 1min;
  constexpr std::size_t kBars = 90;
  const auto bars = sim.generate_history(kBars, end);

  ASSERT_EQ(bars.size(), kBars * table.size());
  std::map<SymbolId, std::vector<Bar>> per_symbol;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    per_symbol[bars[i].symbol].push_back(bars[i]);
    if (i > 0) {
      EXPECT_LE(bars[i - 1].open_time, bars[i].open_time) << "oldest first";
    }
  }
  ASSERT_EQ(per_symbol.size(), table.size());
  for (const auto& [symbol, series] : per_symbol) {
    ASSERT_EQ(series.size(), kBars) << table.at(symbol).symbol;
    EXPECT_EQ(series.front().open_time, last_open - minutes(kBars - 1));
    EXPECT_EQ(series.back().open_time, last_open);
    for (std::size_t i = 0; i < series.size(); ++i) {
      const Bar& b = series[i];
      if (i > 0) {
        ASSERT_EQ(b.open_time - series[i - 1].open_time, 60s);
      }
      EXPECT_EQ(b.timeframe, meridian::core::Timeframe::m1);
      EXPECT_LE(b.low, b.open);
      EXPECT_LE(b.low, b.close);
      EXPECT_GE(b.high, b.open);
      EXPECT_GE(b.high, b.close);
      EXPECT_GT(b.low.raw(), 0);
      EXPECT_EQ(b.ticks, 60u);  // one tick per simulated second
    }
  }
  // No bar reaches into the minute containing `end`.
  for (const Bar& b : bars) EXPECT_LE(b.open_time + 1min, end);
}

TEST(SimulatedPrices, HistoryIsReproducible) {
  const auto table = instruments();
  const Timestamp end = kStart + 3h;
  SimulatedPrices a(table, SimConfig{21}, kStart);
  SimulatedPrices b(table, SimConfig{21}, kStart);
  const auto ha = a.generate_history(30, end);
  const auto hb = b.generate_history(30, end);
  ASSERT_EQ(ha.size(), hb.size());
  for (std::size_t i = 0; i < ha.size(); ++i) {
    EXPECT_EQ(ha[i].symbol, hb[i].symbol);
    EXPECT_EQ(ha[i].open_time, hb[i].open_time);
    EXPECT_EQ(ha[i].close, hb[i].close);
    EXPECT_EQ(ha[i].volume, hb[i].volume);
  }
  EXPECT_TRUE(a.generate_history(0, end).empty());
}

// generate_series is generate_history split by symbol: same bars, same order within a symbol.
TEST(SimulatedPrices, SeriesSplitTheHistoryBySymbol) {
  const auto table = instruments();
  const Timestamp end = kStart + 3h;
  SimulatedPrices a(table, SimConfig{22}, kStart);
  SimulatedPrices b(table, SimConfig{22}, kStart);
  const auto history = a.generate_history(30, end);
  const auto series = b.generate_series(30, end);
  ASSERT_EQ(series.size(), table.size());
  std::vector<std::size_t> next(table.size(), 0);
  for (const auto& bar : history) {
    ASSERT_LT(next[bar.symbol], series[bar.symbol].size());
    const auto& got = series[bar.symbol][next[bar.symbol]++];
    EXPECT_EQ(got.symbol, bar.symbol);
    EXPECT_EQ(got.open_time, bar.open_time);
    EXPECT_EQ(got.close, bar.close);
  }
  for (std::size_t s = 0; s < table.size(); ++s) EXPECT_EQ(next[s], series[s].size()) << "symbol " << s;
}

// Regimes: over two simulated days every path visits every regime, and the regimes behave as
// named — volatile moves more per step than ranging, trending drifts its way, ranging stays
// near where it began.
TEST(SimulatedPrices, PathsSwitchBetweenRegimesThatBehaveAsNamed) {
  using meridian::market::Regime;
  const auto table = instruments();
  SimConfig config;
  config.seed = 7;
  config.time_step = 10s;
  SimulatedPrices sim(table, config, kStart);
  std::vector<Tick> ticks;
  struct Stats {
    double abs_return = 0, directed = 0;
    long steps = 0;
  };
  std::map<Regime, Stats> by_regime;
  std::map<SymbolId, std::map<Regime, bool>> seen;
  std::vector<double> before(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) before[i] = sim.price(static_cast<SymbolId>(i));
  for (int step = 0; step < 2 * 8640; ++step) {
    sim.step(ticks);
    for (std::size_t i = 0; i < table.size(); ++i) {
      const auto id = static_cast<SymbolId>(i);
      const auto state = sim.regime(id);
      // Per-step log return in units of the instrument's per-step volatility.
      const double sd = table.at(id).annual_volatility * std::sqrt(10.0 / (365.0 * 86400));
      const double r = std::log(sim.price(id) / before[i]) / sd;
      before[i] = sim.price(id);
      auto& s = by_regime[state.regime];
      s.abs_return += std::abs(r);
      s.directed += r * state.direction;
      ++s.steps;
      seen[id][state.regime] = true;
    }
  }
  for (const auto& [id, regimes] : seen) EXPECT_EQ(regimes.size(), 3u) << table.at(id).symbol;
  const auto mean_abs = [&](Regime r) { return by_regime[r].abs_return / by_regime[r].steps; };
  EXPECT_GT(mean_abs(Regime::volatile_), 2.0 * mean_abs(Regime::ranging));
  EXPECT_GT(by_regime[Regime::trending].directed / by_regime[Regime::trending].steps, 0.02)
      << "trending paths drift in their direction";
}

TEST(SimulatedPrices, VolumeAndSpreadFollowTheTimeOfDay) {
  const auto table = instruments();
  SimConfig config;
  config.time_step = 10s;
  const Timestamp midnight{sys_days{year{2026} / 6 / 1}.time_since_epoch()};
  auto mean_volume_and_spread = [&](Timestamp start) {
    SimulatedPrices sim(table, config, start);
    std::vector<Tick> ticks;
    double volume = 0, spread = 0;
    for (int step = 0; step < 360; ++step) {  // an hour
      sim.step(ticks);
      volume += ticks[0].volume.to_double() * ticks[0].last.to_double();
      spread += (ticks[0].ask - ticks[0].bid).to_double() / ticks[0].last.to_double();
    }
    return std::pair{volume, spread};
  };
  const auto busy = mean_volume_and_spread(midnight - 30min);
  const auto quiet = mean_volume_and_spread(midnight + 11h + 30min);
  EXPECT_GT(busy.first, 1.5 * quiet.first) << "more volume around midnight UTC than at noon";
  EXPECT_LT(busy.second, quiet.second) << "tighter spreads when busy";
}
