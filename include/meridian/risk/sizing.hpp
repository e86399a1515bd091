#pragma once
// Position sizing: pure functions, zero on degenerate input.
#include "meridian/core/fixed.hpp"

namespace meridian::risk {

// Largest quantity, in lots of 10^-qty_decimals, whose notional at `price` is at most
// fraction * equity. Zero when price, equity or fraction is not positive.
core::Quantity fixed_fraction(core::Money equity, double fraction, core::Price price, int qty_decimals) noexcept;

}  // namespace meridian::risk
