#pragma once
// The market regime of one symbol's bars (issue 14 item 7): trending up, trending down,
// ranging or volatile, with a confidence and the inputs behind it, from streaming indicators:
// ADX(14) and the efficiency ratio (how much of the path's length went one way) for trend;
// for volatile, the percentile of the bars' mean range in its own recent history (so each
// symbol is judged against its usual volatility, and a steady trend's gaps are not mistaken for
// a storm as they would be by ATR, which scored the same on the simulator); ATR's and the
// Bollinger(20, 2) width's percentiles beside them.
// O(window) per bar for the two percentiles, allocation only at construction: meant for bar
// closes, not ticks. Validated against the simulator's own regimes (tests/unit/indicators).
#include <cstddef>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"
#include "meridian/indicators/adx.hpp"
#include "meridian/indicators/atr.hpp"
#include "meridian/indicators/bollinger.hpp"
#include "meridian/indicators/ohlcv.hpp"
#include "meridian/indicators/wilder_average.hpp"

namespace meridian::indicators {

enum class MarketRegime : std::uint8_t { unknown, trending_up, trending_down, ranging, volatile_ };
std::string_view to_string(MarketRegime r) noexcept;

struct RegimeReading {
  MarketRegime regime = MarketRegime::unknown;
  double confidence = 0.0;             // 0..1
  double adx = kNoValue;               // ADX(14)
  double efficiency_ratio = kNoValue;  // |net move| / path length over `er_period` bars, 0..1
  double atr_percentile = kNoValue;    // of ATR(14) among the last `history` values, 0..1
  // Of the bars' mean range (high - low, Wilder-smoothed over 14) among the last `history`
  // values, 0..1: unlike ATR's, a trend's gaps between closes are not volatility here.
  double volatility_percentile = kNoValue;
  double bollinger_width_percentile = kNoValue;  // of (upper - lower) / middle, likewise
  std::size_t bars = 0;                          // bars seen
};

// Defaults chosen on the simulator (seed 7, 10 symbols x 8,000 one-minute bars, a grid over
// the four): the best balanced accuracy with overall accuracy above always-"ranging".
struct RegimeParams {
  std::size_t er_period = 45;
  std::size_t history = 1440;         // bars the percentiles look back over (a day of 1m bars)
  double volatile_percentile = 0.80;  // volatility at or above this percentile: volatile
  double trend_efficiency = 0.20;     // efficiency ratio at or above this: trending
};

class RegimeClassifier {
 public:
  explicit RegimeClassifier(RegimeParams params = {});
  // A bar, then the reading it gives: O(history).
  void update(const Ohlcv& bar) noexcept {
    warm(bar);
    classify();
  }
  void update(const core::Bar& bar) noexcept { update(to_ohlcv(bar)); }
  // A bar without a new reading, O(1): replaying history to the bar a reading is wanted at.
  void warm(const Ohlcv& bar) noexcept;
  void warm(const core::Bar& bar) noexcept { warm(to_ohlcv(bar)); }
  // unknown until the windows hold enough bars (er_period + 1 closes and 60 mean ranges).
  const RegimeReading& reading() const noexcept { return reading_; }

 private:
  // A fixed window of the last values, oldest overwritten first.
  struct Window {
    explicit Window(std::size_t size) : values(size ? size : 1, 0.0) {}
    std::vector<double> values;
    std::size_t next = 0;    // where the next value goes: the oldest once full
    std::size_t filled = 0;  // values held
    void push(double x) noexcept;
    bool full() const noexcept { return filled == values.size(); }
    double newest() const noexcept { return values[(next + values.size() - 1) % values.size()]; }
    // The i-th oldest value (0: the oldest), for a full window.
    double at(std::size_t i) const noexcept { return values[(next + i) % values.size()]; }
    // x's percentile rank among the held values: the share below it, ties counting half (a
    // window of equal values ranks its value at 0.5, not at the top). NaN when empty.
    double rank(double x) const noexcept;
  };
  void classify() noexcept;

  RegimeParams params_;
  Adx adx_{14};
  Atr atr_{14};
  BollingerBands bands_{20, 2.0};
  WilderAverage range_{14};  // the bars' high - low, smoothed
  Window closes_;            // the last er_period + 1 closes
  Window atrs_;              // the last `history` ATR values
  Window widths_;            // the last `history` Bollinger widths
  Window ranges_;            // the last `history` mean bar ranges
  RegimeReading reading_;
};

}  // namespace meridian::indicators
