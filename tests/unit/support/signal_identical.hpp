#pragma once
// Two signals the same bit for bit: what "sharing indicators changes nothing" means (doubles
// compared by their bits, so even -0.0 against 0.0 or two different NaNs would fail).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

#include "meridian/strategies/signal.hpp"

namespace meridian::test {

inline std::uint64_t bits(double v) noexcept {
  return std::bit_cast<std::uint64_t>(v);
}

inline void expect_identical(const strategies::Signal& a, const strategies::Signal& b) {
  EXPECT_EQ(a.symbol, b.symbol);
  EXPECT_EQ(a.side, b.side);
  EXPECT_EQ(bits(a.strength), bits(b.strength));
  EXPECT_EQ(a.price, b.price);
  EXPECT_EQ(a.ts, b.ts);
  EXPECT_EQ(a.strategy, b.strategy);
  EXPECT_EQ(a.reason, b.reason);
  ASSERT_EQ(a.value_count, b.value_count);
  for (std::size_t i = 0; i < a.value_count; ++i) {
    EXPECT_EQ(a.values[i].name, b.values[i].name);
    EXPECT_EQ(bits(a.values[i].value), bits(b.values[i].value)) << a.values[i].name;
  }
}

}  // namespace meridian::test
