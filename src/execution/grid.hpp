#pragma once
// Price ticks and quantity lots as raw fixed-point steps (private to the execution module).
#include <cstdint>

#include "meridian/core/fixed.hpp"

namespace meridian::execution::grid {

// 10^-decimals in raw units; decimals outside 0..8 are clamped.
inline std::int64_t step(int decimals) noexcept {
  constexpr std::int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  if (decimals < 0) decimals = 0;
  if (decimals > core::kFixedDecimals) decimals = core::kFixedDecimals;
  return kPow10[core::kFixedDecimals - decimals];
}

// Largest multiple of step <= raw, and smallest >= raw (step > 0).
inline std::int64_t floor_to(std::int64_t raw, std::int64_t step) noexcept {
  std::int64_t r = raw % step;
  if (r < 0) r += step;
  return raw - r;
}
inline std::int64_t ceil_to(std::int64_t raw, std::int64_t step) noexcept {
  const std::int64_t down = floor_to(raw, step);
  return down == raw ? raw : down + step;
}

}  // namespace meridian::execution::grid
