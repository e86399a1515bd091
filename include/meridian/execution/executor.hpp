#pragma once
// Where orders go: the paper executor here, live gateways later. Every call happens on the
// engine strand. Executors never call back into the engine's logic: what happens to an order is
// an ExecutionReport the executor hands to its ExecutionSink, which only queues it; the sink
// applies its queue after the executor call returns (a synchronous executor) or when an
// asynchronous one says reports arrived (posted to the strand from its I/O thread).
#include <optional>
#include <span>
#include <string_view>

#include "meridian/execution/order.hpp"

namespace meridian::execution {

// One thing that happened to one order, in the order it happened: a state change (accepted,
// rejected, cancelled, expired, a bracket leg created or resized, a trailing stop moved, a
// replace) or a fill. `order` is the order as it stands after the event.
struct ExecutionReport {
  enum class Kind : std::uint8_t { order, fill };
  Kind kind = Kind::order;
  Order order;
  Fill fill{};  // kind == fill

  static ExecutionReport changed(Order o) { return {Kind::order, std::move(o), Fill{}}; }
  static ExecutionReport filled(Order o, const Fill& f) { return {Kind::fill, std::move(o), f}; }
};

// The engine's side of execution.
class ExecutionSink {
 public:
  virtual ~ExecutionSink() = default;
  // Queues a report; never calls back into the executor (so an executor may report from
  // anywhere in its own code, its state consistent or not).
  virtual void report(ExecutionReport report) = 0;
  // An asynchronous executor handed reports over (on the strand, outside any executor call):
  // the sink applies them now. A synchronous executor's reports are applied after each call.
  virtual void reports_arrived() {}

  // Queries asked during an executor call. They answer as if every report handed over so far,
  // and every report the executor still holds (Executor::in_flight), were already applied.
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
  // Accepts (reports it accepted) or rejects (reports it rejected, with a reason) the order.
  // An asynchronous venue reports either later; until then the order is new_order. Never
  // fills inside submit: a fill needs market data that arrives after the order.
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
  // Reports made and not yet handed to the sink (an asynchronous executor's; none for paper).
  virtual std::span<const ExecutionReport> in_flight() const noexcept { return {}; }
  // Whether the venue can take an order that opens or grows a position now. A live gateway says
  // no while its order stream is down and until it has reconciled after coming back (a fill it
  // missed meanwhile would change what the order is sized against); the risk check then refuses
  // entries (gateway_disconnected) and lets exits through. Paper always can.
  virtual bool accepting_entries() const noexcept { return true; }
};

}  // namespace meridian::execution
