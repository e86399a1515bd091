// Every indicator against the golden vectors of tests/data (an independent batch reference in
// Python, tests/data/make_golden.py), on three series: a random walk, a gapped one (jumps up to
// 1000x) and one priced near 1e-6. Checks the first value's bar index and every value to 1e-9
// relative (scaled by the output's natural size where it crosses zero).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "golden.hpp"
#include "meridian/indicators/adx.hpp"
#include "meridian/indicators/atr.hpp"
#include "meridian/indicators/bollinger.hpp"
#include "meridian/indicators/ema.hpp"
#include "meridian/indicators/macd.hpp"
#include "meridian/indicators/rsi.hpp"
#include "meridian/indicators/sma.hpp"
#include "meridian/indicators/stoch_rsi.hpp"
#include "meridian/indicators/supertrend.hpp"
#include "meridian/indicators/vwap.hpp"

namespace meridian::indicators {
namespace {

using testing::first_value;
using testing::Golden;
using testing::load_golden;
using testing::load_series;
using testing::matches;
using testing::Series;

constexpr double kRel = 1e-9;
constexpr double kOscillatorScale = 1.0;  // RSI, %K/%D, DI, ADX live on 0..100

class GoldenVectors : public ::testing::TestWithParam<std::string_view> {
 protected:
  void SetUp() override {
    series_ = load_series(GetParam());
    ASSERT_EQ(series_.bars.size(), 300u);
    price_scale_ = std::abs(series_.closes[0]);
    for (double c : series_.closes) price_scale_ = std::min(price_scale_, std::abs(c));
  }
  Golden golden(std::string_view indicator) const { return load_golden(indicator, GetParam()); }

  // Feeds every bar to `feed`, then records `read()` for each output.
  template <class Feed, class... Read>
  std::vector<std::vector<double>> run(Feed feed, Read... read) const {
    std::vector<std::vector<double>> out(sizeof...(Read));
    for (const auto& bar : series_.bars) {
      feed(bar);
      std::size_t i = 0;
      ((out[i++].push_back(read())), ...);
    }
    return out;
  }

  Series series_;
  double price_scale_ = 1.0;
};

TEST_P(GoldenVectors, Sma) {
  const auto g = golden("sma");
  for (std::size_t n : {5u, 20u, 50u}) {
    Sma sma(n);
    const auto out = run([&](const Ohlcv& b) { sma.update(b.close); }, [&] { return sma.value(); });
    const auto& want = g.at("sma" + std::to_string(n));
    EXPECT_TRUE(matches(out[0], want, kRel, price_scale_)) << "SMA(" << n << ")";
    EXPECT_EQ(first_value(out[0]), static_cast<int>(n) - 1);
    EXPECT_EQ(first_value(want), static_cast<int>(n) - 1);
  }
}

TEST_P(GoldenVectors, Ema) {
  const auto g = golden("ema");
  for (std::size_t n : {5u, 20u}) {
    Ema ema(n);
    const auto out = run([&](const Ohlcv& b) { ema.update(b.close); }, [&] { return ema.value(); });
    EXPECT_TRUE(matches(out[0], g.at("ema" + std::to_string(n)), kRel, price_scale_)) << "EMA(" << n << ")";
    EXPECT_EQ(first_value(out[0]), static_cast<int>(n) - 1);
  }
}

TEST_P(GoldenVectors, Rsi) {
  const auto g = golden("rsi");
  for (std::size_t n : {5u, 14u}) {
    Rsi rsi(n);
    const auto out = run([&](const Ohlcv& b) { rsi.update(b.close); }, [&] { return rsi.value(); });
    EXPECT_TRUE(matches(out[0], g.at("rsi" + std::to_string(n)), kRel, kOscillatorScale)) << "RSI(" << n << ")";
    EXPECT_EQ(first_value(out[0]), static_cast<int>(n));
  }
}

TEST_P(GoldenVectors, Macd) {
  const auto g = golden("macd");
  struct Case {
    std::size_t fast, slow, signal;
    std::string suffix;
    int first;
  };
  for (const Case& c : {Case{12, 26, 9, "", 33}, Case{5, 13, 4, "_5_13_4", 15}}) {
    Macd macd(c.fast, c.slow, c.signal);
    const auto out = run([&](const Ohlcv& b) { macd.update(b.close); }, [&] { return macd.line(); },
                         [&] { return macd.signal(); }, [&] { return macd.histogram(); });
    EXPECT_TRUE(matches(out[0], g.at("macd" + c.suffix), kRel, price_scale_)) << "line " << c.fast;
    EXPECT_TRUE(matches(out[1], g.at("signal" + c.suffix), kRel, price_scale_)) << "signal " << c.fast;
    EXPECT_TRUE(matches(out[2], g.at("hist" + c.suffix), kRel, price_scale_)) << "histogram " << c.fast;
    for (const auto& o : out) EXPECT_EQ(first_value(o), c.first);
  }
}

TEST_P(GoldenVectors, Bollinger) {
  const auto g = golden("bbands");
  struct Case {
    std::size_t n;
    double k;
    std::string suffix;
  };
  for (const Case& c : {Case{20, 2.0, ""}, Case{5, 1.5, "_5_1.5"}}) {
    BollingerBands bb(c.n, c.k);
    const auto out = run([&](const Ohlcv& b) { bb.update(b.close); }, [&] { return bb.upper(); },
                         [&] { return bb.middle(); }, [&] { return bb.lower(); });
    EXPECT_TRUE(matches(out[0], g.at("upper" + c.suffix), kRel, price_scale_)) << "upper " << c.n;
    EXPECT_TRUE(matches(out[1], g.at("middle" + c.suffix), kRel, price_scale_)) << "middle " << c.n;
    EXPECT_TRUE(matches(out[2], g.at("lower" + c.suffix), kRel, price_scale_)) << "lower " << c.n;
    // The band width on its own, to the same relative bound: catches a cancelling variance
    // that the bands' price level would hide.
    std::vector<double> width, want_width;
    for (std::size_t i = 0; i < out[0].size(); ++i) {
      width.push_back(out[0][i] - out[2][i]);
      want_width.push_back(g.at("upper" + c.suffix)[i] - g.at("lower" + c.suffix)[i]);
    }
    EXPECT_TRUE(matches(width, want_width, 1e-7, 0.0)) << "width " << c.n;
    EXPECT_EQ(first_value(out[1]), static_cast<int>(c.n) - 1);
  }
}

TEST_P(GoldenVectors, Atr) {
  const auto g = golden("atr");
  for (std::size_t n : {5u, 14u}) {
    Atr atr(n);
    const auto out = run([&](const Ohlcv& b) { atr.update(b); }, [&] { return atr.value(); });
    EXPECT_TRUE(matches(out[0], g.at("atr" + std::to_string(n)), kRel, 0.0)) << "ATR(" << n << ")";
    EXPECT_EQ(first_value(out[0]), static_cast<int>(n));
  }
}

TEST_P(GoldenVectors, StochRsi) {
  const auto g = golden("stochrsi");
  StochRsi s(14, 14, 3, 3);
  const auto out = run([&](const Ohlcv& b) { s.update(b.close); }, [&] { return s.k(); }, [&] { return s.d(); });
  EXPECT_TRUE(matches(out[0], g.at("k"), kRel, kOscillatorScale)) << "%K";
  EXPECT_TRUE(matches(out[1], g.at("d"), kRel, kOscillatorScale)) << "%D";
  EXPECT_EQ(first_value(out[0]), 29);
  EXPECT_EQ(first_value(out[1]), 31);
}

TEST_P(GoldenVectors, Adx) {
  const auto g = golden("adx");
  for (std::size_t n : {5u, 14u}) {
    Adx adx(n);
    const auto out = run([&](const Ohlcv& b) { adx.update(b); }, [&] { return adx.plus_di(); },
                         [&] { return adx.minus_di(); }, [&] { return adx.adx(); });
    const auto suffix = std::to_string(n);
    EXPECT_TRUE(matches(out[0], g.at("plus_di" + suffix), kRel, kOscillatorScale)) << "+DI(" << n << ")";
    EXPECT_TRUE(matches(out[1], g.at("minus_di" + suffix), kRel, kOscillatorScale)) << "-DI(" << n << ")";
    EXPECT_TRUE(matches(out[2], g.at("adx" + suffix), kRel, kOscillatorScale)) << "ADX(" << n << ")";
    EXPECT_EQ(first_value(out[0]), static_cast<int>(n));
    EXPECT_EQ(first_value(out[2]), static_cast<int>(2 * n - 1));
  }
}

TEST_P(GoldenVectors, Vwap) {
  const auto g = golden("vwap");
  SessionVwap session;
  RollingVwap rolling(20);
  const auto out = run(
      [&](const Ohlcv& b) {
        session.update(b);
        rolling.update(b);
      },
      [&] { return session.value(); }, [&] { return rolling.value(); });
  EXPECT_TRUE(matches(out[0], g.at("session"), kRel, price_scale_)) << "session VWAP";
  EXPECT_TRUE(matches(out[1], g.at("rolling20"), kRel, price_scale_)) << "rolling VWAP";
  EXPECT_EQ(first_value(out[0]), 0);
  EXPECT_EQ(first_value(out[1]), 19);
}

TEST_P(GoldenVectors, SuperTrend) {
  const auto g = golden("supertrend");
  struct Case {
    std::size_t n;
    double factor;
    std::string suffix;
  };
  for (const Case& c : {Case{10, 3.0, "10_3"}, Case{7, 2.0, "7_2"}}) {
    SuperTrend st(c.n, c.factor);
    const auto out = run([&](const Ohlcv& b) { st.update(b); }, [&] { return st.value(); },
                         [&] { return st.ready() ? static_cast<double>(st.direction()) : kNoValue; });
    EXPECT_TRUE(matches(out[0], g.at("st" + c.suffix), kRel, price_scale_)) << "line " << c.suffix;
    EXPECT_TRUE(matches(out[1], g.at("dir" + c.suffix), 0.0, 0.0)) << "direction " << c.suffix;
    EXPECT_EQ(first_value(out[0]), static_cast<int>(c.n));
  }
}

INSTANTIATE_TEST_SUITE_P(Series, GoldenVectors, ::testing::ValuesIn(testing::kSeries),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace meridian::indicators
