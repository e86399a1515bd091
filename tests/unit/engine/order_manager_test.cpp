// OrderManager on its own, against a scripted executor: the order in which queued reports are
// applied (a fill before its order; reports queued while applying, by the outer drain), the
// order_events numbering, client_order_id memory, and the pending-fill view the executor's
// queries rely on.
#include "meridian/engine/order_manager.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace meridian;
using execution::ExecutionReport;
using execution::Fill;
using execution::Order;
using execution::OrderStatus;

namespace {

// Reports what it is told to; the engine side under test drains them.
class ScriptedExecutor final : public execution::Executor {
 public:
  void submit(Order order, execution::ExecutionSink& sink) override {
    if (answer_later) {  // an asynchronous venue: nothing reported during the call
      order.status = OrderStatus::new_order;
      open_.push_back(order);
      return;
    }
    order.status = OrderStatus::accepted;
    open_.push_back(order);
    sink.report(ExecutionReport::changed(order));
  }
  bool cancel(execution::OrderId id, std::string_view reason, execution::ExecutionSink& sink) override {
    for (auto it = open_.begin(); it != open_.end(); ++it)
      if (it->id == id) {
        Order o = *it;
        open_.erase(it);
        o.status = OrderStatus::cancelled;
        o.reason = std::string(reason);
        sink.report(ExecutionReport::changed(std::move(o)));
        return true;
      }
    return false;
  }
  bool replace(execution::OrderId, const execution::OrderRequest&, execution::ExecutionSink&) override { return false; }
  void on_tick(const core::Tick&, execution::ExecutionSink&) override {}
  void restore(Order order) override { open_.push_back(std::move(order)); }
  std::optional<core::Money> fee_for(core::SymbolId, core::Price, core::Quantity,
                                     execution::Liquidity) const noexcept override {
    return core::Money{};
  }
  core::Price market_price(core::Side, core::Quantity, const core::Tick& touch) const noexcept override {
    return touch.last;
  }
  std::span<const Order> open_orders() const noexcept override { return open_; }
  std::string_view name() const noexcept override { return "scripted"; }
  std::span<const ExecutionReport> in_flight() const noexcept override { return in_flight_; }

  std::vector<Order> open_;
  std::vector<ExecutionReport> in_flight_;
  bool answer_later = false;
};

// Both sides of the manager: the sink the executor reports to (it queues into the manager) and
// the listener that sees applied reports, recording what it saw in order.
struct Engine final : execution::ExecutionSink, engine::OrderManager::Listener {
  ScriptedExecutor executor;
  engine::OrderManager orders{executor, *this, *this};
  std::vector<std::string> seen;
  std::vector<std::uint32_t> seqs;
  execution::OrderId cancel_on_fill = 0;  // an exit to cancel when a fill settles

  void report(ExecutionReport r) override { orders.queue(std::move(r)); }
  core::Quantity reducible(const Order&) const noexcept override { return core::Quantity{}; }
  execution::OrderId allocate_order_id() noexcept override { return 0; }
  void on_fill(const Order& order, const Fill&) override {
    seen.push_back("fill " + std::to_string(order.id));
    if (cancel_on_fill) orders.cancel(cancel_on_fill, "position_closed");  // drains from inside a drain
  }
  void on_order(Order order, std::uint32_t event_seq) override {
    seen.push_back("order " + std::to_string(order.id) + " " + std::string(to_string(order.status)));
    seqs.push_back(event_seq);
  }
};

Order order(execution::OrderId id, std::uint64_t owner, std::string client_id = {}, execution::OrderId parent = 0) {
  Order o;
  o.id = id;
  o.request.symbol = 0;
  o.request.quantity = core::Quantity::from_units(1);
  o.request.strategy_id = owner;
  o.request.client_order_id = std::move(client_id);
  o.parent_id = parent;
  return o;
}

Fill fill(execution::OrderId id, std::uint64_t owner, core::Side side, std::int64_t units) {
  return Fill{id,
              0,
              side,
              core::Quantity::from_units(units),
              core::Price::from_units(10),
              core::Money{},
              execution::Liquidity::taker,
              {},
              owner};
}

}  // namespace

TEST(OrderManager, FillComesBeforeItsOrderAndNestedReportsDrainAfter) {
  Engine e;
  e.orders.submit(order(1, 7));
  e.orders.submit(order(2, 7, "", 1));  // an exit leg of order 1
  e.seen.clear();
  e.cancel_on_fill = 2;
  auto filled = order(1, 7);
  filled.status = OrderStatus::filled;
  e.report(ExecutionReport::filled(filled, fill(1, 7, core::Side::buy, 1)));
  e.orders.drain();
  // The cancel asked for while the fill settled is applied after the fill's own order update.
  EXPECT_EQ(e.seen, (std::vector<std::string>{"fill 1", "order 1 filled", "order 2 cancelled"}));
}

TEST(OrderManager, NumbersEachOrdersEventsAndForgetsFinishedOnes) {
  Engine e;
  e.orders.submit(order(1, 0, "abc"));
  auto done = order(1, 0, "abc");
  done.status = OrderStatus::filled;
  e.orders.record(done);
  e.orders.submit(order(1, 0));  // the same id again (a test-only reuse): numbering starts over
  EXPECT_EQ(e.seqs, (std::vector<std::uint32_t>{1, 2, 1}));
  ASSERT_NE(e.orders.client_order("abc"), nullptr);
  EXPECT_EQ(*e.orders.client_order("abc"), 1u);
  EXPECT_EQ(e.orders.client_order("other"), nullptr);
  ASSERT_EQ(e.orders.finished().series()->size(), 1u);
  e.orders.clear();
  EXPECT_EQ(e.orders.client_order("abc"), nullptr);
  EXPECT_TRUE(e.orders.finished().series()->empty());
}

TEST(OrderManager, WorkingOrdersAreEntriesOfTheirOwner) {
  Engine e;
  e.orders.submit(order(1, 7, "", 9));  // an exit leg only
  EXPECT_FALSE(e.orders.has_working_order(7, 0));
  e.orders.submit(order(2, 7));
  EXPECT_TRUE(e.orders.has_working_order(7, 0));
  EXPECT_FALSE(e.orders.has_working_order(8, 0));
  const auto before = e.orders.changes();
  e.orders.cancel_exits(7, 0);
  EXPECT_GT(e.orders.changes(), before);
  ASSERT_EQ(e.orders.open().size(), 1u);
  EXPECT_EQ(e.orders.open()[0].id, 2u);
}

TEST(OrderManager, PendingFillsCountQueuedAndInFlightReports) {
  Engine e;
  EXPECT_FALSE(e.orders.has_pending_fills());
  e.report(ExecutionReport::filled(order(1, 7), fill(1, 7, core::Side::buy, 3)));
  e.executor.in_flight_.push_back(ExecutionReport::filled(order(2, 8), fill(2, 8, core::Side::sell, 1)));
  EXPECT_TRUE(e.orders.has_pending_fills());
  const auto held = core::Quantity::from_units(5);
  EXPECT_EQ(e.orders.after_pending(held, 0, 0), core::Quantity::from_units(7));  // every owner
  EXPECT_EQ(e.orders.after_pending(held, 0, 7), core::Quantity::from_units(8));  // owner 7 only
  EXPECT_EQ(e.orders.after_pending(held, 1, 0), held);                           // another symbol
  e.orders.drain();
  e.executor.in_flight_.clear();
  EXPECT_FALSE(e.orders.has_pending_fills());
}

namespace {

// An asynchronous venue answers after submit returns: the order is recorded at once as new (so
// its id names it: listed, journaled, restored), and the venue's answer is its next event. A
// synchronous executor's order is recorded only as it reported it.
TEST(OrderManager, AnOrderAnAsynchronousVenueHasNotAnsweredIsRecordedAsNewAndRestoredAsSuch) {
  Engine e;
  e.orders.submit(order(1, 0));
  EXPECT_EQ(e.seen, (std::vector<std::string>{"order 1 accepted"}));

  e.executor.answer_later = true;
  e.orders.submit(order(2, 0, "mine"));
  ASSERT_EQ(e.seen.size(), 2u);
  EXPECT_EQ(e.seen[1], "order 2 new");
  EXPECT_EQ(e.seqs[1], 1u);
  Order answered = e.executor.open_[1];
  answered.status = OrderStatus::accepted;
  e.orders.queue(ExecutionReport::changed(answered));
  e.orders.drain();
  EXPECT_EQ(e.seen.back(), "order 2 accepted");
  EXPECT_EQ(e.seqs.back(), 2u);

  // A restart: a stored new order goes back to its executor (which asks the venue about it).
  Engine restarted;
  Order stored = order(3, 0);
  stored.status = OrderStatus::new_order;
  restarted.orders.restore({}, {}, {stored});
  ASSERT_EQ(restarted.executor.open_.size(), 1u);
  EXPECT_EQ(restarted.executor.open_[0].id, 3u);
}

}  // namespace
