#pragma once
// Cash and positions in fixed point. Long-only for now: a sell never exceeds the
// position (risk denies it first). Invariant, exact to the unit:
//   cash + sum(cost_basis) == initial + sum(realized_pnl) - fees_paid.
// Every value the ledger holds stays inside core/fixed.hpp's range: a fill whose arithmetic
// would leave it is refused whole (can_apply says so beforehand), never applied half-way.
#include <optional>
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

  // Applies one fill; returns the P&L it realised (zero for buys). Throws std::logic_error,
  // changing nothing, if a sell exceeds the position or the fill does not fit the range (both
  // broken invariants: the risk checks and the executor's can_settle come first).
  core::Money apply(core::SymbolId symbol, core::Side side, core::Quantity qty, core::Price price, core::Money fee,
                    core::Timestamp ts);
  // Whether apply() would succeed: a positive quantity, a non-negative price and fee, a sell
  // within the position, and every sum (cash, fees, quantity, cost basis, realised P&L) in range.
  bool can_apply(core::SymbolId symbol, core::Side side, core::Quantity qty, core::Price price,
                 core::Money fee) const noexcept;

  // Recovery: restore state as stored, then verify with reconcile().
  void restore(core::Money cash, core::Money fees_paid, core::SymbolId symbol, const PositionState& position);
  void restore_cash(core::Money cash, core::Money fees_paid) noexcept {
    cash_ = cash;
    fees_paid_ = fees_paid;
  }

  core::Money cash() const noexcept { return cash_; }
  core::Money fees_paid() const noexcept { return fees_paid_; }
  // Summed over symbols, clamped to the range (each position's own figure is exact).
  core::Money realized_pnl() const noexcept;
  const PositionState& position(core::SymbolId symbol) const { return positions_.at(symbol); }
  const std::vector<PositionState>& positions() const noexcept { return positions_; }
  std::size_t open_positions() const noexcept;

  bool operator==(const Ledger&) const = default;

 private:
  struct Next {
    core::Money cash, fees_paid, realized;
    PositionState position;
  };
  std::optional<Next> next(core::SymbolId symbol, core::Side side, core::Quantity qty, core::Price price,
                           core::Money fee) const noexcept;

  core::Money cash_;
  core::Money fees_paid_{};
  std::vector<PositionState> positions_;
};

bool operator==(const PositionState& a, const PositionState& b) noexcept;

}  // namespace meridian::engine
