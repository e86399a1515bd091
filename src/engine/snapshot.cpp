#include "meridian/engine/snapshot.hpp"

namespace meridian::engine {

core::Price Snapshot::mark(core::SymbolId symbol) const noexcept {
  return symbol < symbols.size() ? symbols[symbol].last.last : core::Price{};
}

core::Money Snapshot::market_value() const noexcept {
  core::Money total;
  for (const auto& p : positions) total += core::notional(mark(p.symbol), p.state.quantity);
  return total;
}

core::Money Snapshot::unrealized_pnl() const noexcept {
  core::Money total;
  for (const auto& p : positions) total += core::notional(mark(p.symbol), p.state.quantity) - p.state.cost_basis;
  return total;
}

}  // namespace meridian::engine
