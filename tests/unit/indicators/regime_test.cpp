// The regime classifier on crafted series: a steady climb is trending up, a steady fall
// trending down, a sideways wiggle ranging, and the same wiggle at several times its usual size
// volatile; nothing is claimed before the windows fill.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "meridian/indicators/regime.hpp"

using namespace meridian::indicators;

namespace {

Ohlcv bar_at(double close, double range) {
  return {{}, close, close + range / 2, close - range / 2, close, 10.0};
}

// Reproducible uniform draws in [0, 1) (a 64-bit LCG: the test needs noise, not quality).
struct Noise {
  std::uint64_t state;
  double draw() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  }
};

// `n` bars of a noisy wiggle around a level moving by `drift` a bar: closes up to `wiggle`
// either side, bar ranges between half and one and a half times `range`. Returns the share of
// the last `tail` bars read as `expected`.
double feed(RegimeClassifier& c, Noise& noise, int n, double& level, double drift, double wiggle, double range,
            MarketRegime expected = MarketRegime::unknown, int tail = 0) {
  int hits = 0;
  for (int i = 0; i < n; ++i) {
    level += drift;
    const double close = level + wiggle * (2 * noise.draw() - 1);
    c.update(bar_at(close, range * (0.5 + noise.draw())));
    if (i >= n - tail && c.reading().regime == expected) ++hits;
  }
  return tail ? static_cast<double>(hits) / tail : 0.0;
}

}  // namespace

TEST(RegimeClassifier, UnknownUntilTheWindowsFill) {
  RegimeClassifier c;
  Noise noise{1};
  double level = 100;
  feed(c, noise, 30, level, 0.0, 0.5, 0.4);
  EXPECT_EQ(c.reading().regime, MarketRegime::unknown);
  EXPECT_EQ(c.reading().confidence, 0.0);
  EXPECT_EQ(to_string(c.reading().regime), "unknown");
  feed(c, noise, 100, level, 0.0, 0.5, 0.4);
  EXPECT_NE(c.reading().regime, MarketRegime::unknown);
  EXPECT_EQ(c.reading().bars, 130U);
}

// Volatility is judged against the symbol's own history (the top fifth of its bar ranges), so a
// quiet stretch of iid noise still reads "volatile" about a fifth of the time: the segments are
// scored by the share of their bars read right (at least half, against 25 % for a guess), once
// the windows have turned over.
TEST(RegimeClassifier, SidewaysIsRangingAClimbTrendsUpAFallDownAStormIsVolatile) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE("noise seed " + std::to_string(seed));
    RegimeClassifier c;
    Noise noise{seed};
    double level = 100;
    EXPECT_GE(feed(c, noise, 400, level, 0.0, 0.5, 0.4, MarketRegime::ranging, 200), 0.5);
    EXPECT_GE(feed(c, noise, 120, level, 0.3, 0.5, 0.4, MarketRegime::trending_up, 60), 0.5);
    EXPECT_GT(c.reading().adx, 20.0);
    EXPECT_GE(feed(c, noise, 120, level, -0.3, 0.5, 0.4, MarketRegime::trending_down, 60), 0.5);
    EXPECT_GE(feed(c, noise, 200, level, 0.0, 0.5, 0.4, MarketRegime::ranging, 100), 0.5);
    // The same wiggle, four times as wide and with bars eight times as wide: a storm.
    EXPECT_GE(feed(c, noise, 30, level, 0.0, 2.0, 3.2, MarketRegime::volatile_, 15), 0.9);
    EXPECT_GE(c.reading().volatility_percentile, 0.8);
    EXPECT_GE(c.reading().atr_percentile, 0.8);
    EXPECT_GT(c.reading().confidence, 0.5);
  }
}

TEST(RegimeClassifier, WarmThenUpdateReadsAsUpdatingEveryBar) {
  RegimeClassifier every, warmed;
  for (int i = 0; i < 500; ++i) {
    const auto b = bar_at(100 + 0.05 * i + std::sin(i * 0.9), 0.5 + (i % 5) * 0.1);
    every.update(b);
    if (i < 499)
      warmed.warm(b);
    else
      warmed.update(b);
  }
  EXPECT_EQ(every.reading().regime, warmed.reading().regime);
  EXPECT_DOUBLE_EQ(every.reading().efficiency_ratio, warmed.reading().efficiency_ratio);
  EXPECT_DOUBLE_EQ(every.reading().atr_percentile, warmed.reading().atr_percentile);
  EXPECT_DOUBLE_EQ(every.reading().volatility_percentile, warmed.reading().volatility_percentile);
  EXPECT_DOUBLE_EQ(every.reading().confidence, warmed.reading().confidence);
}
