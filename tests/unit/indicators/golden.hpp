#pragma once
// Test support: the input series and golden vectors of tests/data (made by make_golden.py),
// and a tolerance comparison that reports the first bars that differ.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/types.hpp"
#include "meridian/indicators/ohlcv.hpp"

namespace meridian::indicators::testing {

// golden: seeded random walk (ts in seconds); gapped: jumps up to 1000x, ts in ms; tiny: ~1e-6.
inline constexpr std::array<std::string_view, 3> kSeries = {"golden", "gapped", "tiny"};

struct Series {
  std::vector<Ohlcv> bars;
  std::vector<core::Bar> fixed_bars;  // the same bars as fixed-point core::Bar (exact for golden/gapped)
  std::vector<double> closes;
};

// tests/data/bars_<name>.csv; ts below 1e11 is seconds, otherwise milliseconds.
Series load_series(std::string_view name);

// Column name -> one value per bar (NaN where the golden file has no value yet).
using Golden = std::map<std::string, std::vector<double>>;
// tests/data/golden_<indicator>.csv, rows of `series` only.
Golden load_golden(std::string_view indicator, std::string_view series);

// Every bar: `actual` has a value exactly where `expected` does, and they agree within
// rel * max(|expected|, floor). `floor` is the output's natural scale, so a value that crosses
// zero (a MACD histogram) is not held to a relative bound on its rounding noise.
::testing::AssertionResult matches(const std::vector<double>& actual, const std::vector<double>& expected, double rel,
                                   double floor);

// Bitwise equality where NaN equals NaN: replaying the same input must give the same bits.
inline bool same(double a, double b) {
  return (a != a && b != b) || a == b;
}

// Index of the first bar with a value, or -1.
int first_value(const std::vector<double>& values);

}  // namespace meridian::indicators::testing
