#include "meridian/engine/ledger.hpp"

#include <stdexcept>

namespace meridian::engine {

bool operator==(const PositionState& a, const PositionState& b) noexcept {
  return a.quantity == b.quantity && a.cost_basis == b.cost_basis && a.realized_pnl == b.realized_pnl;
}

core::Money Ledger::apply(core::SymbolId symbol, core::Side side, core::Quantity qty, core::Price price,
                          core::Money fee, core::Timestamp ts) {
  PositionState& pos = positions_.at(symbol);
  if (side == core::Side::sell && qty > pos.quantity) throw std::logic_error("sell exceeds position");
  const core::Money value = core::notional(price, qty);
  fees_paid_ += fee;
  pos.updated_at = ts;
  if (side == core::Side::buy) {
    cash_ -= value + fee;
    pos.quantity += qty;
    pos.cost_basis += value;
    return core::Money{};
  }
  // The sold share of the cost basis, pro rata; selling everything takes all of it so no
  // rounding residue is left on a flat position.
  const core::Money cost =
      qty == pos.quantity ? pos.cost_basis : core::scale(pos.cost_basis, qty.raw(), pos.quantity.raw());
  const core::Money realized = value - cost;
  cash_ += value - fee;
  pos.quantity -= qty;
  pos.cost_basis -= cost;
  pos.realized_pnl += realized;
  return realized;
}

void Ledger::restore(core::Money cash, core::Money fees_paid, core::SymbolId symbol, const PositionState& position) {
  cash_ = cash;
  fees_paid_ = fees_paid;
  positions_.at(symbol) = position;
}

core::Money Ledger::realized_pnl() const noexcept {
  core::Money total;
  for (const auto& p : positions_) total += p.realized_pnl;
  return total;
}

std::size_t Ledger::open_positions() const noexcept {
  std::size_t n = 0;
  for (const auto& p : positions_) n += p.quantity.is_zero() ? 0 : 1;
  return n;
}

}  // namespace meridian::engine
