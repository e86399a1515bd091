#pragma once
// Mean and spread of a series, for the figures the API reports beside the analytics.hpp ratios
// (volatility). Pure functions in double; non-finite values are skipped.
#include <span>

namespace meridian::risk {

// The mean of the finite values; 0 for none.
double mean(std::span<const double> xs) noexcept;
// The sample standard deviation (n - 1) of the finite values; 0 for fewer than two, or when
// all are equal (exactly, whatever the rounding of the mean).
double sample_stdev(std::span<const double> xs) noexcept;

}  // namespace meridian::risk
