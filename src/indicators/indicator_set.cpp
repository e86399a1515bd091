#include "meridian/indicators/indicator_set.hpp"

#include <algorithm>

namespace meridian::indicators {

IndicatorSet::IndicatorSet()
    : sma20_(20),
      sma50_(50),
      ema20_(20),
      macd_(12, 26, 9),
      bollinger_(20, 2.0),
      atr14_(14),
      stoch_rsi_(14, 14, 3, 3),
      adx14_(14),
      vwap_(SessionReset::utc_day),
      supertrend_(10, 3.0) {}

void IndicatorSet::update(const Ohlcv& bar) {
  sma20_.update(bar.close);
  sma50_.update(bar.close);
  ema20_.update(bar.close);
  macd_.update(bar.close);
  bollinger_.update(bar.close);
  atr14_.update(bar);
  stoch_rsi_.update(bar.close);
  adx14_.update(bar);
  vwap_.update(bar);
  supertrend_.update(bar);
}

IndicatorSet::Row IndicatorSet::row() const noexcept {
  return {sma20_.value(),
          sma50_.value(),
          ema20_.value(),
          rsi14().value(),
          macd_.line(),
          macd_.signal(),
          macd_.histogram(),
          bollinger_.upper(),
          bollinger_.middle(),
          bollinger_.lower(),
          atr14_.value(),
          stoch_rsi_.k(),
          stoch_rsi_.d(),
          adx14_.adx(),
          vwap_.value(),
          supertrend_.value(),
          supertrend_.ready() ? static_cast<double>(supertrend_.direction()) : kNoValue};
}

std::size_t IndicatorSet::warmup() const noexcept {
  return std::max({sma20_.warmup(), sma50_.warmup(), ema20_.warmup(), macd_.warmup(), bollinger_.warmup(),
                   atr14_.warmup(), stoch_rsi_.warmup(), adx14_.warmup(), vwap_.warmup(), supertrend_.warmup()});
}

void IndicatorSet::reset() noexcept {
  sma20_.reset();
  sma50_.reset();
  ema20_.reset();
  macd_.reset();
  bollinger_.reset();
  atr14_.reset();
  stoch_rsi_.reset();
  adx14_.reset();
  vwap_.reset();
  supertrend_.reset();
}

}  // namespace meridian::indicators
