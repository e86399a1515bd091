#include "meridian/engine/ledger.hpp"

#include <stdexcept>

namespace meridian::engine {

bool operator==(const PositionState& a, const PositionState& b) noexcept {
  return a.quantity == b.quantity && a.cost_basis == b.cost_basis && a.realized_pnl == b.realized_pnl;
}

// Every new value first, each through checked arithmetic; nullopt when any leaves the range
// (or the fill is not one the ledger takes), so apply() commits all of it or nothing.
std::optional<Ledger::Next> Ledger::next(core::SymbolId symbol, core::Side side, core::Quantity qty, core::Price price,
                                         core::Money fee) const noexcept {
  if (symbol >= positions_.size() || qty.raw() <= 0 || price.raw() < 0 || fee.raw() < 0) return std::nullopt;
  const PositionState& pos = positions_[symbol];
  if (side == core::Side::sell && qty > pos.quantity) return std::nullopt;
  const auto value = core::checked_notional(price, qty);
  const auto fees_paid = core::checked_add(fees_paid_, fee);
  if (!value || !fees_paid) return std::nullopt;
  Next n{cash_, *fees_paid, core::Money{}, pos};
  if (side == core::Side::buy) {
    const auto outlay = core::checked_add(*value, fee);
    const auto cash = outlay ? core::checked_sub(cash_, *outlay) : std::nullopt;
    const auto quantity = core::checked_add(pos.quantity, qty);
    const auto cost = core::checked_add(pos.cost_basis, *value);
    if (!cash || !quantity || !cost) return std::nullopt;
    n.cash = *cash;
    n.position.quantity = *quantity;
    n.position.cost_basis = *cost;
    return n;
  }
  // The sold share of the cost basis, pro rata (it is at most the cost basis: qty <= quantity);
  // selling everything takes all of it so no rounding residue is left on a flat position.
  const auto cost = qty == pos.quantity ? std::optional(pos.cost_basis)
                                        : core::checked_scale(pos.cost_basis, qty.raw(), pos.quantity.raw());
  const auto realized = cost ? core::checked_sub(*value, *cost) : std::nullopt;
  const auto proceeds = core::checked_sub(*value, fee);
  const auto cash = proceeds ? core::checked_add(cash_, *proceeds) : std::nullopt;
  const auto total_realized = realized ? core::checked_add(pos.realized_pnl, *realized) : std::nullopt;
  if (!cash || !total_realized) return std::nullopt;
  n.cash = *cash;
  n.realized = *realized;
  n.position.quantity = pos.quantity - qty;
  n.position.cost_basis = pos.cost_basis - *cost;
  n.position.realized_pnl = *total_realized;
  return n;
}

bool Ledger::can_apply(core::SymbolId symbol, core::Side side, core::Quantity qty, core::Price price,
                       core::Money fee) const noexcept {
  return next(symbol, side, qty, price, fee).has_value();
}

core::Money Ledger::apply(core::SymbolId symbol, core::Side side, core::Quantity qty, core::Price price,
                          core::Money fee, core::Timestamp ts) {
  PositionState& pos = positions_.at(symbol);
  if (side == core::Side::sell && qty > pos.quantity) throw std::logic_error("sell exceeds position");
  const auto n = next(symbol, side, qty, price, fee);
  if (!n) throw std::logic_error("fill does not fit the ledger's range");
  cash_ = n->cash;
  fees_paid_ = n->fees_paid;
  pos = n->position;
  pos.updated_at = ts;
  return n->realized;
}

void Ledger::restore(core::Money cash, core::Money fees_paid, core::SymbolId symbol, const PositionState& position) {
  cash_ = cash;
  fees_paid_ = fees_paid;
  positions_.at(symbol) = position;
}

core::Money Ledger::realized_pnl() const noexcept {
  core::Money total;
  for (const auto& p : positions_) total = core::saturating_add(total, p.realized_pnl);
  return total;
}

std::size_t Ledger::open_positions() const noexcept {
  std::size_t n = 0;
  for (const auto& p : positions_) n += p.quantity.is_zero() ? 0 : 1;
  return n;
}

}  // namespace meridian::engine
