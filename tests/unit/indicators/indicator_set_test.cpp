// IndicatorSet: the CLI's panel. Each column equals the stand-alone indicator (and so the golden
// vectors), the fixed-point core::Bar path equals the double path, and fields are NaN until
// their own first value.
#include "meridian/indicators/indicator_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "golden.hpp"

namespace meridian::indicators {
namespace {

using testing::load_golden;
using testing::load_series;
using testing::matches;

std::size_t column(std::string_view name) {
  for (std::size_t i = 0; i < IndicatorSet::kColumns.size(); ++i)
    if (IndicatorSet::kColumns[i] == name) return i;
  ADD_FAILURE() << "no column " << name;
  return 0;
}

TEST(IndicatorSet, ColumnsMatchTheGoldenVectors) {
  for (auto series_name : testing::kSeries) {
    SCOPED_TRACE(series_name);
    const auto series = load_series(series_name);
    IndicatorSet set;
    std::vector<IndicatorSet::Row> rows;
    for (const auto& bar : series.bars) {
      set.update(bar);
      rows.push_back(set.row());
    }
    const auto col = [&](std::string_view name) {
      std::vector<double> out;
      for (const auto& r : rows) out.push_back(r[column(name)]);
      return out;
    };
    struct Check {
      std::string_view column, file, golden_column;
      double floor;
    };
    double price = series.closes[0];  // the series' lowest close: the scale of price-like outputs
    for (double c : series.closes) price = std::min(price, c);
    for (const Check& c : {Check{"sma20", "sma", "sma20", price}, Check{"sma50", "sma", "sma50", price},
                           Check{"ema20", "ema", "ema20", price}, Check{"rsi14", "rsi", "rsi14", 1.0},
                           Check{"macd", "macd", "macd", price}, Check{"macd_signal", "macd", "signal", price},
                           Check{"macd_hist", "macd", "hist", price}, Check{"bb_upper", "bbands", "upper", price},
                           Check{"bb_middle", "bbands", "middle", price}, Check{"bb_lower", "bbands", "lower", price},
                           Check{"atr14", "atr", "atr14", 0.0}, Check{"stochrsi_k", "stochrsi", "k", 1.0},
                           Check{"stochrsi_d", "stochrsi", "d", 1.0}, Check{"adx14", "adx", "adx14", 1.0},
                           Check{"vwap", "vwap", "session", price}, Check{"supertrend", "supertrend", "st10_3", price},
                           Check{"supertrend_dir", "supertrend", "dir10_3", 0.0}}) {
      const auto golden = load_golden(c.file, series_name);
      EXPECT_TRUE(matches(col(c.column), golden.at(std::string(c.golden_column)), 1e-9, c.floor)) << c.column;
    }
  }
}

TEST(IndicatorSet, FixedPointBarsGiveTheSameRows) {
  const auto series = load_series("golden");
  IndicatorSet from_doubles, from_bars;
  for (std::size_t i = 0; i < series.bars.size(); ++i) {
    from_doubles.update(series.bars[i]);
    from_bars.update(series.fixed_bars[i]);
    const auto a = from_doubles.row();
    const auto b = from_bars.row();
    for (std::size_t k = 0; k < a.size(); ++k)
      ASSERT_TRUE(testing::same(a[k], b[k])) << "bar " << i << " " << IndicatorSet::kColumns[k];
  }
}

TEST(IndicatorSet, WarmupAndReset) {
  const auto series = load_series("golden");
  IndicatorSet set;
  EXPECT_EQ(set.warmup(), 50u);  // SMA 50 is the longest
  for (std::size_t i = 0; i < set.warmup(); ++i) set.update(series.bars[i]);
  for (double v : set.row()) EXPECT_FALSE(std::isnan(v));
  set.reset();
  for (double v : set.row()) EXPECT_TRUE(std::isnan(v));
}

}  // namespace
}  // namespace meridian::indicators
