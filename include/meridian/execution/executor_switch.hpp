#pragma once
// A portfolio's executor that can change while the portfolio runs: paper, then a live gateway
// after POST /api/gateway/connect, and back after /disconnect. Engine strand only, like every
// executor. An order lives and dies with the executor that took it, so a switch happens only
// while the current executor has no open order and no report in flight; the portfolio's ledger,
// positions and strategies stay as they are.
#include <functional>
#include <memory>

#include "meridian/execution/executor.hpp"

namespace meridian::execution {

class ExecutorSwitch final : public Executor {
 public:
  // `on_destroy` runs when the switch goes (with its portfolio): a registry of switches forgets it.
  explicit ExecutorSwitch(std::unique_ptr<Executor> initial, std::function<void()> on_destroy = {});
  ~ExecutorSwitch() override;
  ExecutorSwitch(const ExecutorSwitch&) = delete;
  ExecutorSwitch& operator=(const ExecutorSwitch&) = delete;

  // Whether the current executor may be replaced now (no open order, nothing in flight).
  bool idle() const noexcept;
  // Replaces the current executor with `next` and returns the old one (the caller decides when
  // it goes: a gateway's destructor closes its connections). Null, and `next` untouched, when
  // the current one is not idle.
  std::unique_ptr<Executor> replace(std::unique_ptr<Executor>& next);
  const Executor& current() const noexcept { return *current_; }

  void submit(Order order, ExecutionSink& sink) override { current_->submit(std::move(order), sink); }
  bool cancel(OrderId id, std::string_view reason, ExecutionSink& sink) override {
    return current_->cancel(id, reason, sink);
  }
  bool replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) override {
    return current_->replace(id, changes, sink);
  }
  void on_tick(const core::Tick& tick, ExecutionSink& sink) override { current_->on_tick(tick, sink); }
  void restore(Order order) override { current_->restore(std::move(order)); }
  std::optional<core::Money> fee_for(core::SymbolId symbol, core::Price price, core::Quantity quantity,
                                     Liquidity liquidity = Liquidity::taker) const noexcept override {
    return current_->fee_for(symbol, price, quantity, liquidity);
  }
  core::Price market_price(core::Side side, core::Quantity quantity, const core::Tick& touch) const noexcept override {
    return current_->market_price(side, quantity, touch);
  }
  std::span<const Order> open_orders() const noexcept override { return current_->open_orders(); }
  std::string_view name() const noexcept override { return current_->name(); }
  std::span<const ExecutionReport> in_flight() const noexcept override { return current_->in_flight(); }
  bool accepting_entries() const noexcept override { return current_->accepting_entries(); }

 private:
  std::unique_ptr<Executor> current_;
  std::function<void()> on_destroy_;
};

}  // namespace meridian::execution
