#pragma once
// The double-precision bar that range-based indicators (ATR, ADX, SuperTrend, VWAP) consume.
// core::Bar holds fixed-point prices; indicators compute in double (ARCHITECTURE.md, Numbers),
// so a bar is converted once and tests can feed prices finer than the ledger's 1e-8 step.
#include "meridian/core/types.hpp"

namespace meridian::indicators {

struct Ohlcv {
  core::Timestamp time{};
  double open = 0.0;
  double high = 0.0;
  double low = 0.0;
  double close = 0.0;
  double volume = 0.0;
};

inline Ohlcv to_ohlcv(const core::Bar& bar) noexcept {
  return {bar.open_time,       bar.open.to_double(),  bar.high.to_double(),
          bar.low.to_double(), bar.close.to_double(), bar.volume.to_double()};
}

// What update(double price) means for a range-based indicator: a bar that traded only at
// `price` (open = high = low = close), with no volume and no time.
inline Ohlcv price_only(double price) noexcept {
  return {core::Timestamp{}, price, price, price, price, 0.0};
}

}  // namespace meridian::indicators
