#pragma once
// An executor whose reports arrive later and from elsewhere, as a live venue's do: it wraps the
// paper executor (the same fills, so a run can be compared with the synchronous one), holds
// every report it makes in flight, and hands them over only after a round trip through another
// thread that posts back to the engine's io_context (the strand in the daemon). Between a
// report's making and its arrival the engine answers the executor's queries counting it
// (Executor::in_flight), and commands see orders the engine has not heard of yet.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <vector>

#include "meridian/execution/paper_executor.hpp"

namespace meridian::engine::test {

class AsyncPaper final : public execution::Executor, private execution::ExecutionSink {
 public:
  AsyncPaper(execution::PaperConfig config, const core::InstrumentTable& instruments, boost::asio::io_context& io)
      : paper_(std::move(config), instruments), io_(io) {}
  ~AsyncPaper() override { pool_.join(); }

  void submit(execution::Order order, execution::ExecutionSink& sink) override {
    engine_ = &sink;
    paper_.submit(std::move(order), *this);
  }
  bool cancel(execution::OrderId id, std::string_view reason, execution::ExecutionSink& sink) override {
    engine_ = &sink;
    return paper_.cancel(id, reason, *this);
  }
  bool replace(execution::OrderId id, const execution::OrderRequest& changes, execution::ExecutionSink& sink) override {
    engine_ = &sink;
    return paper_.replace(id, changes, *this);
  }
  void on_tick(const core::Tick& tick, execution::ExecutionSink& sink) override {
    engine_ = &sink;
    paper_.on_tick(tick, *this);
  }
  void restore(execution::Order order) override { paper_.restore(std::move(order)); }
  std::optional<core::Money> fee_for(core::SymbolId symbol, core::Price price, core::Quantity quantity,
                                     execution::Liquidity liquidity) const noexcept override {
    return paper_.fee_for(symbol, price, quantity, liquidity);
  }
  core::Price market_price(core::Side side, core::Quantity quantity, const core::Tick& touch) const noexcept override {
    return paper_.market_price(side, quantity, touch);
  }
  std::span<const execution::Order> open_orders() const noexcept override { return paper_.open_orders(); }
  std::string_view name() const noexcept override { return paper_.name(); }
  std::span<const execution::ExecutionReport> in_flight() const noexcept override { return in_flight_; }

  // Runs the io_context until every report made so far has arrived at the engine.
  void deliver_all() {
    while (!in_flight_.empty()) {
      io_.restart();
      io_.run_one_for(std::chrono::seconds(1));
    }
  }
  std::size_t batches() const noexcept { return batches_; }

 private:
  // ExecutionSink, for the paper executor inside: reports are held; queries go to the engine,
  // which counts what is held here.
  void report(execution::ExecutionReport r) override {
    in_flight_.push_back(std::move(r));
    if (scheduled_) return;
    scheduled_ = true;
    // Another thread decides when the batch arrives; the arrival itself runs on the io thread.
    boost::asio::post(pool_, [this] { boost::asio::post(io_, [this] { arrive(); }); });
  }
  core::Quantity reducible(const execution::Order& order) const noexcept override { return engine_->reducible(order); }
  execution::OrderId allocate_order_id() noexcept override { return engine_->allocate_order_id(); }
  bool can_settle(const execution::Fill& fill) const noexcept override { return engine_->can_settle(fill); }

  void arrive() {
    scheduled_ = false;
    auto batch = std::exchange(in_flight_, {});
    ++batches_;
    for (auto& r : batch) engine_->report(std::move(r));
    engine_->reports_arrived();
  }

  execution::PaperExecutor paper_;
  boost::asio::io_context& io_;
  boost::asio::thread_pool pool_{1};
  execution::ExecutionSink* engine_ = nullptr;
  std::vector<execution::ExecutionReport> in_flight_;
  bool scheduled_ = false;
  std::size_t batches_ = 0;
};

}  // namespace meridian::engine::test
