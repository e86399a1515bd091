#include "meridian/engine/snapshot.hpp"

namespace meridian::engine {

core::Price Snapshot::mark(core::SymbolId symbol) const noexcept {
  return symbol < symbols.size() ? symbols[symbol].last.last : core::Price{};
}

core::Money Snapshot::market_value() const noexcept {
  core::Money total;
  // Marks come from the market and may outgrow the range: the figure is clamped, never wrapped.
  for (const auto& p : positions)
    total = core::saturating_add(total, core::saturating_notional(mark(p.symbol), p.state.quantity));
  return total;
}

core::Money Snapshot::unrealized_pnl() const noexcept {
  core::Money total;
  for (const auto& p : positions)
    total = core::saturating_add(
        total, core::saturating_sub(core::saturating_notional(mark(p.symbol), p.state.quantity), p.state.cost_basis));
  return total;
}

const execution::Order* Snapshot::find_order(execution::OrderId id) const noexcept {
  const execution::Order* found = nullptr;
  for_each_order([&](const execution::Order& o) {
    if (o.id == id) found = &o;
  });
  return found;
}

}  // namespace meridian::engine
