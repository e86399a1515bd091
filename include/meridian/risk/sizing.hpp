#pragma once
// Position sizing: pure functions, zero on degenerate input (non-positive or non-finite
// equity, price, fraction or distance). Quantities are whole lots of 10^-qty_decimals, never
// rounded up past the budget.
#include "meridian/core/fixed.hpp"

namespace meridian::risk {

// Largest quantity whose notional at `price` is at most fraction * equity.
core::Quantity fixed_fraction(core::Money equity, double fraction, core::Price price, int qty_decimals) noexcept;

// Fixed fractional risk: risk `risk_fraction` of equity if the stop is hit, i.e.
// qty = fraction * equity / |entry - stop|, and never more than equity buys at `entry`.
core::Quantity fixed_risk(core::Money equity, double risk_fraction, core::Price entry, core::Price stop,
                          int qty_decimals) noexcept;

// ATR-based: the stop distance is atr_multiple * atr (volatility-scaled fixed_risk).
core::Quantity atr_sized(core::Money equity, double risk_fraction, double atr, double atr_multiple, core::Price entry,
                         int qty_decimals) noexcept;

// A fixed amount of money per position.
core::Quantity fixed_notional(core::Money amount, core::Price price, int qty_decimals) noexcept;

// Kelly fraction f* = p - (1 - p) / b for win probability p and win/loss ratio b, scaled by
// `multiplier` (e.g. 0.5 for half Kelly) and capped at `cap`; zero when the edge is not
// positive or an input is degenerate.
double kelly_fraction(double win_rate, double win_loss_ratio, double multiplier, double cap) noexcept;

}  // namespace meridian::risk
