#pragma once
// The standard indicator panel, one row per bar: what `meridiand indicators` prints, and a
// ready-made bundle for anything that wants all of them from one update. Columns, in order:
//   sma20 sma50 ema20 rsi14 macd macd_signal macd_hist bb_upper bb_middle bb_lower atr14
//   stochrsi_k stochrsi_d adx14 vwap supertrend supertrend_dir
// MACD is (12, 26, 9), Bollinger (20, 2), Stochastic RSI (14, 14, 3, 3), VWAP resets each UTC
// day, SuperTrend is (10, 3). A field is NaN (kNoValue) until its own output exists.
#include <array>
#include <cstddef>
#include <string_view>

#include "meridian/core/types.hpp"
#include "meridian/indicators/adx.hpp"
#include "meridian/indicators/atr.hpp"
#include "meridian/indicators/bollinger.hpp"
#include "meridian/indicators/ema.hpp"
#include "meridian/indicators/macd.hpp"
#include "meridian/indicators/ohlcv.hpp"
#include "meridian/indicators/rsi.hpp"
#include "meridian/indicators/sma.hpp"
#include "meridian/indicators/stoch_rsi.hpp"
#include "meridian/indicators/supertrend.hpp"
#include "meridian/indicators/vwap.hpp"

namespace meridian::indicators {

class IndicatorSet {
 public:
  static constexpr std::array<std::string_view, 17> kColumns = {
      "sma20",      "sma50",    "ema20",     "rsi14",      "macd",          "macd_signal",
      "macd_hist",  "bb_upper", "bb_middle", "bb_lower",   "atr14",         "stochrsi_k",
      "stochrsi_d", "adx14",    "vwap",      "supertrend", "supertrend_dir"};
  using Row = std::array<double, kColumns.size()>;

  IndicatorSet();

  void update(const Ohlcv& bar);
  void update(const core::Bar& bar) { update(to_ohlcv(bar)); }
  // The latest values in kColumns order; NaN where an output does not exist yet.
  Row row() const noexcept;
  // Bars until every column has a value (the longest warm-up: SMA 50).
  std::size_t warmup() const noexcept;
  void reset() noexcept;

  const Sma& sma20() const noexcept { return sma20_; }
  const Sma& sma50() const noexcept { return sma50_; }
  const Ema& ema20() const noexcept { return ema20_; }
  // The RSI(14) inside the Stochastic RSI: the same series, computed once.
  const Rsi& rsi14() const noexcept { return stoch_rsi_.rsi(); }
  const Macd& macd() const noexcept { return macd_; }
  const BollingerBands& bollinger() const noexcept { return bollinger_; }
  const Atr& atr14() const noexcept { return atr14_; }
  const StochRsi& stoch_rsi() const noexcept { return stoch_rsi_; }
  const Adx& adx14() const noexcept { return adx14_; }
  const SessionVwap& vwap() const noexcept { return vwap_; }
  const SuperTrend& supertrend() const noexcept { return supertrend_; }

 private:
  Sma sma20_;
  Sma sma50_;
  Ema ema20_;
  Macd macd_;
  BollingerBands bollinger_;
  Atr atr14_;
  StochRsi stoch_rsi_;
  Adx adx14_;
  SessionVwap vwap_;
  SuperTrend supertrend_;
};

}  // namespace meridian::indicators
