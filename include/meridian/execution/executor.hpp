#pragma once
// Where orders go: the paper executor here, live gateways later. Every call happens on the
// engine strand; executors report back through the ExecutionSink on the same strand.
#include <optional>
#include <span>
#include <string_view>

#include "meridian/execution/order.hpp"

namespace meridian::execution {

// The engine's side of execution. Called synchronously from inside submit/cancel/on_tick.
class ExecutionSink {
 public:
  virtual ~ExecutionSink() = default;
  // Every state change of every order (including bracket legs the executor creates), after
  // the change; for a fill, on_fill comes first and then on_order with the new state.
  // The Order reference is valid during the call, until the sink calls back into the executor.
  virtual void on_order(const Order& order) = 0;
  virtual void on_fill(const Order& order, const Fill& fill) = 0;
  // How much of a reduce-only order may still fill (what its strategy holds on the other
  // side). Zero cancels the order with reason "position_closed".
  virtual core::Quantity reducible(const Order& order) const noexcept = 0;
  // Ids for orders the executor creates itself (bracket legs).
  virtual OrderId allocate_order_id() noexcept = 0;
  // Whether the ledger can apply `fill` without leaving its range (core/fixed.hpp). Asked
  // before every fill: on false the executor does not fill and cancels the order with reason
  // "out_of_range", so a fill is never applied half-way. A sink without a ledger (tests) takes all.
  virtual bool can_settle(const Fill& /*fill*/) const noexcept { return true; }
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Accepts (on_order accepted) or rejects (on_order rejected, with a reason) the order.
  // Never fills inside submit: a fill needs market data that arrives after the order.
  virtual void submit(Order order, ExecutionSink& sink) = 0;
  // Cancels an open order; false when it is unknown or already terminal.
  virtual bool cancel(OrderId id, std::string_view reason, ExecutionSink& sink) = 0;
  // Cancel-and-replace: new quantity and prices for an open order, keeping its id and what has
  // filled. False (nothing changed) when the order is unknown, terminal, or the new quantity is
  // not above what has filled.
  virtual bool replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) = 0;
  // Market data, in time order, for any symbol. Paper: matches resting orders against it.
  virtual void on_tick(const core::Tick& tick, ExecutionSink& sink) = 0;
  // Recovery: an open order as it was stored rests again (no events).
  virtual void restore(Order order) = 0;
  // Cost estimates for pre-trade checks: the fee a fill would pay (nullopt when it, or the
  // notional it is a share of, does not fit the range), and the price a market order of
  // `quantity` would get against `touch`.
  virtual std::optional<core::Money> fee_for(core::SymbolId symbol, core::Price price, core::Quantity quantity,
                                             Liquidity liquidity = Liquidity::taker) const noexcept = 0;
  virtual core::Price market_price(core::Side side, core::Quantity quantity,
                                   const core::Tick& touch) const noexcept = 0;
  // Orders not yet terminal, any order.
  virtual std::span<const Order> open_orders() const noexcept = 0;
  virtual std::string_view name() const noexcept = 0;
};

}  // namespace meridian::execution
