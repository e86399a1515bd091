#pragma once
// One portfolio's order book, engine side: it sends orders to the executor, queues the
// executor's reports and applies them in order, and remembers what readers and idempotency
// need (recent finished orders, client_order_ids seen, each open order's next order_events
// sequence number). The executor holds the open orders themselves.
//
// Report flow: the executor reports to its ExecutionSink (the Portfolio), which queues them
// here (queue); once the executor call returns (or an asynchronous executor says they arrived)
// drain() applies them in order: a fill goes to Listener::on_fill (the Portfolio settles it in
// its ledgers), then every report's order to record(), which updates the book and hands the
// order to Listener::on_order (the Portfolio journals it and raises the event).
//
// It knows orders and owners (an order's strategy_id, 0 for the portfolio's own), not
// strategies, ledgers, risk or snapshots. Engine strand only; no locks; queueing a report
// does not allocate (the queue is reserved and reused).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "meridian/engine/order_history.hpp"
#include "meridian/execution/executor.hpp"

namespace meridian::engine {

class OrderManager {
 public:
  // Where applied reports go (the Portfolio). Called from inside drain(): a call that drains
  // again (cancel_exits from on_fill) only queues; the outer drain applies what it queued.
  class Listener {
   public:
    // A fill, before the order update that carries it.
    virtual void on_fill(const execution::Order& order, const execution::Fill& fill) = 0;
    // An order as it now stands, once the book has recorded it; `event_seq` numbers its
    // order_events row (1 for an order's first report).
    virtual void on_order(execution::Order order, std::uint32_t event_seq) = 0;

   protected:
    ~Listener() = default;
  };

  // `sink` is what the executor reports to (it queues here); both outlive the manager.
  OrderManager(execution::Executor& executor, execution::ExecutionSink& sink, Listener& listener);

  // After a restart: the recent finished orders, each open order's last event sequence, and
  // the open orders, which rest in the executor again (a stored order that never reached it,
  // or one it refuses, is logged and left out).
  void restore(std::vector<execution::Order> recent, std::span<const std::pair<execution::OrderId, std::uint32_t>> seqs,
               std::vector<execution::Order> open);

  // ExecutionSink::report lands here.
  void queue(execution::ExecutionReport report) { reports_.push_back(std::move(report)); }
  // Applies the queued reports in order, including those the applying causes (an exit
  // cancelled when its position closes). A call from inside a drain does nothing.
  void drain();
  // Records an order change that did not come from the executor (a trade recorded by hand)
  // exactly as a report's: book-keeping, then Listener::on_order.
  void record(execution::Order order);

  // Executor calls, each followed by a drain so its reports are applied when it returns.
  void on_tick(const core::Tick& tick);
  void submit(execution::Order order);
  bool cancel(execution::OrderId id, std::string_view reason);
  bool replace(execution::OrderId id, const execution::OrderRequest& changes);
  // Cancels the exit legs (bracket children) resting for an owner's position in `symbol`.
  void cancel_exits(std::uint64_t owner, core::SymbolId symbol);
  // Cancels every open order (POST /api/trading/reset).
  void cancel_all(std::string_view reason);
  // Forgets finished orders, client ids and event sequences (after cancel_all, on reset).
  void clear();

  // Whether an entry order (not an exit leg) of `owner` for `symbol` is still working.
  bool has_working_order(std::uint64_t owner, core::SymbolId symbol) const noexcept;
  // The open or recently finished order `id`; null when it is not in memory.
  const execution::Order* find(execution::OrderId id) const noexcept;
  // The order that used `client_order_id` (open, finished or no longer in memory).
  const execution::OrderId* client_order(const std::string& client_order_id) const noexcept;
  std::span<const execution::Order> open() const noexcept { return executor_.open_orders(); }
  const FinishedOrderHistory& finished() const noexcept { return finished_; }
  // Bumped whenever the open orders may have changed: readers rebuild their copy only then.
  std::uint64_t changes() const noexcept { return changes_; }

  // Fills reported (queued here, or still held by the executor) and not yet applied, in order.
  template <typename F>
  void for_each_pending_fill(F&& f) const {
    for (std::size_t k = next_report_; k < reports_.size(); ++k)
      if (reports_[k].kind == execution::ExecutionReport::Kind::fill) f(reports_[k].fill);
    for (const auto& r : executor_.in_flight())
      if (r.kind == execution::ExecutionReport::Kind::fill) f(r.fill);
  }
  bool has_pending_fills() const noexcept;
  // A position of `held` in `symbol` once the pending fills are applied: every owner's fills
  // when `owner` is 0, else only that owner's.
  core::Quantity after_pending(core::Quantity held, core::SymbolId symbol, std::uint64_t owner) const noexcept;

 private:
  using EventSeqs = std::unordered_map<execution::OrderId, std::uint32_t>;

  void remember_finished(const execution::Order& order);
  // The order's entry in event_seqs_, at 0 if it is new.
  EventSeqs::iterator event_seq_of(execution::OrderId id);

  execution::Executor& executor_;
  execution::ExecutionSink& sink_;
  Listener& listener_;
  FinishedOrderHistory finished_{kOrdersInMemory};
  std::unordered_map<std::string, execution::OrderId> client_ids_;
  // Working orders' event numbers (of their last report), by id. A finished order's node is
  // kept in spare_seqs_ and given to the next new order, so an order allocates no map node.
  EventSeqs event_seqs_;
  std::vector<EventSeqs::node_type> spare_seqs_;
  std::uint64_t changes_ = 1;
  // Execution reports not yet applied: [next_report_, end). Reserved, so queueing does not
  // allocate per tick.
  std::vector<execution::ExecutionReport> reports_;
  std::size_t next_report_ = 0;
  bool draining_ = false;
};

}  // namespace meridian::engine
