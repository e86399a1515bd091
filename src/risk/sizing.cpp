#include "meridian/risk/sizing.hpp"

#include <algorithm>
#include <cmath>

namespace meridian::risk {
namespace {

bool positive(double v) noexcept {
  return v > 0.0 && std::isfinite(v);
}

// The largest whole-lot quantity at or below `units` that `fits`: the double estimate is
// floored to the lot grid, then checked in fixed point, dropping one lot when rounding put it
// over (the floor is off by at most one lot).
template <class Fits>
core::Quantity whole_lots(double units, int qty_decimals, Fits fits) noexcept {
  qty_decimals = std::clamp(qty_decimals, 0, core::kFixedDecimals);
  const double lot = std::pow(10.0, -qty_decimals);
  const double lots = std::floor(units / lot);
  // A quantity must fit the ledger's int64 of 1e-8 units (about 9.2e10); beyond that the
  // input is degenerate (a near-zero price), so the answer is zero like any other.
  constexpr double kMaxUnits = 9.0e10;
  if (!(lots > 0.0) || lots * lot > kMaxUnits) return core::Quantity{};
  auto qty = core::Quantity::from_double(lots * lot).rounded(qty_decimals);
  if (!fits(qty)) qty -= core::Quantity::from_double(lot).rounded(qty_decimals);
  return qty.raw() > 0 ? qty : core::Quantity{};
}

// Risk `risk_fraction` of equity over a stop `distance` away (money per unit), and never buy
// more than the whole equity at `entry`.
core::Quantity risk_sized(core::Money equity, double risk_fraction, double distance, core::Price entry,
                          int qty_decimals) noexcept {
  if (equity.raw() <= 0 || entry.raw() <= 0 || !positive(risk_fraction) || !positive(distance)) {
    return core::Quantity{};
  }
  const double cash = equity.to_double();
  const double risk_budget = cash * std::min(risk_fraction, 1.0);
  const double units = std::min(risk_budget / distance, cash / entry.to_double());
  return whole_lots(units, qty_decimals, [&](core::Quantity q) {
    return q.to_double() * distance <= risk_budget && core::saturating_notional(entry, q).to_double() <= cash;
  });
}

}  // namespace

core::Quantity fixed_fraction(core::Money equity, double fraction, core::Price price, int qty_decimals) noexcept {
  if (equity.raw() <= 0 || price.raw() <= 0 || !positive(fraction)) return core::Quantity{};
  const double budget = equity.to_double() * std::min(fraction, 1.0);
  return whole_lots(budget / price.to_double(), qty_decimals,
                    [&](core::Quantity q) { return core::saturating_notional(price, q).to_double() <= budget; });
}

core::Quantity fixed_risk(core::Money equity, double risk_fraction, core::Price entry, core::Price stop,
                          int qty_decimals) noexcept {
  if (entry.raw() <= 0 || stop.raw() <= 0) return core::Quantity{};
  const auto distance = entry.raw() > stop.raw() ? entry - stop : stop - entry;
  return risk_sized(equity, risk_fraction, distance.to_double(), entry, qty_decimals);
}

core::Quantity atr_sized(core::Money equity, double risk_fraction, double atr, double atr_multiple, core::Price entry,
                         int qty_decimals) noexcept {
  if (!positive(atr) || !positive(atr_multiple)) return core::Quantity{};
  return risk_sized(equity, risk_fraction, atr * atr_multiple, entry, qty_decimals);
}

core::Quantity fixed_notional(core::Money amount, core::Price price, int qty_decimals) noexcept {
  return fixed_fraction(amount, 1.0, price, qty_decimals);
}

double kelly_fraction(double win_rate, double win_loss_ratio, double multiplier, double cap) noexcept {
  if (!(win_rate >= 0.0 && win_rate <= 1.0) || !positive(win_loss_ratio) || !positive(multiplier) || !positive(cap)) {
    return 0.0;
  }
  const double f = win_rate - (1.0 - win_rate) / win_loss_ratio;
  if (!(f > 0.0)) return 0.0;
  return std::min(f * multiplier, cap);
}

}  // namespace meridian::risk
