#include "meridian/risk/sizing.hpp"

#include <cmath>

namespace meridian::risk {

core::Quantity fixed_fraction(core::Money equity, double fraction, core::Price price, int qty_decimals) noexcept {
  if (equity.raw() <= 0 || price.raw() <= 0 || !(fraction > 0.0) || !std::isfinite(fraction)) return core::Quantity{};
  if (fraction > 1.0) fraction = 1.0;
  const double budget = equity.to_double() * fraction;
  const double lot = std::pow(10.0, -qty_decimals);
  const double lots = std::floor(budget / price.to_double() / lot);
  // A quantity must fit the ledger's int64 of 1e-8 units (about 9.2e10); beyond that the
  // input is degenerate (a near-zero price), so the answer is zero like any other.
  constexpr double kMaxUnits = 9.0e10;
  if (!(lots > 0.0) || lots * lot > kMaxUnits) return core::Quantity{};
  auto qty = core::Quantity::from_double(lots * lot).rounded(qty_decimals);
  // Rounding back to the lot grid may not push the notional over budget.
  if (core::notional(price, qty).to_double() > budget) qty -= core::Quantity::from_double(lot).rounded(qty_decimals);
  return qty.raw() > 0 ? qty : core::Quantity{};
}

}  // namespace meridian::risk
