#pragma once
// Cash and positions in fixed point. Long-only for now: a sell never exceeds the
// position (risk denies it first). Invariant, exact to the unit:
//   cash + sum(cost_basis) == initial + sum(realized_pnl) - fees_paid.
#include <vector>

#include "meridian/core/fixed.hpp"
#include "meridian/core/types.hpp"

namespace meridian::engine {

struct PositionState {
  core::Quantity quantity{};
  core::Money cost_basis{};  // what the open quantity cost, fees excluded
  core::Money realized_pnl{};
  core::Timestamp updated_at{};
};

class Ledger {
 public:
  Ledger(core::Money cash, std::size_t symbol_count) : cash_(cash), positions_(symbol_count) {}

  // Applies one fill; returns the P&L it realised (zero for buys). Throws
  // std::logic_error if a sell exceeds the position (a broken invariant).
  core::Money apply(core::SymbolId symbol, core::Side side, core::Quantity qty, core::Price price, core::Money fee,
                    core::Timestamp ts);

  // Recovery: restore state as stored, then verify with reconcile().
  void restore(core::Money cash, core::Money fees_paid, core::SymbolId symbol, const PositionState& position);
  void restore_cash(core::Money cash, core::Money fees_paid) noexcept {
    cash_ = cash;
    fees_paid_ = fees_paid;
  }

  core::Money cash() const noexcept { return cash_; }
  core::Money fees_paid() const noexcept { return fees_paid_; }
  core::Money realized_pnl() const noexcept;
  const PositionState& position(core::SymbolId symbol) const { return positions_.at(symbol); }
  const std::vector<PositionState>& positions() const noexcept { return positions_; }
  std::size_t open_positions() const noexcept;

  bool operator==(const Ledger&) const = default;

 private:
  core::Money cash_;
  core::Money fees_paid_{};
  std::vector<PositionState> positions_;
};

bool operator==(const PositionState& a, const PositionState& b) noexcept;

}  // namespace meridian::engine
