// OrderManager: the portfolio's order book and the executor's report queue. Engine strand only.
#include "meridian/engine/order_manager.hpp"

#include "engine_log.hpp"

namespace meridian::engine {

namespace {
bool is_entry_leg(const execution::Order& o) noexcept {
  return o.parent_id == 0;
}
}  // namespace

OrderManager::OrderManager(execution::Executor& executor, execution::ExecutionSink& sink, Listener& listener)
    : executor_(executor), sink_(sink), listener_(listener) {
  reports_.reserve(64);
}

void OrderManager::restore(std::vector<execution::Order> recent,
                           std::span<const std::pair<execution::OrderId, std::uint32_t>> seqs,
                           std::vector<execution::Order> open) {
  for (auto& o : recent) remember_finished(o);
  for (const auto& [id, seq] : seqs) event_seqs_[id] = seq;
  for (auto& o : open) {
    if (!o.request.client_order_id.empty()) client_ids_[o.request.client_order_id] = o.id;
    const auto id = o.id;
    try {
      // Accepted orders rest again. A stored "new" one went to an asynchronous venue whose answer
      // the restart cut off: its executor asks the venue (a paper order is never stored new).
      if (o.status == execution::OrderStatus::accepted || o.status == execution::OrderStatus::partially_filled ||
          o.status == execution::OrderStatus::new_order)
        executor_.restore(std::move(o));
    } catch (const std::exception& e) {
      engine_log()->error("order {} cannot rest again after the restart and is left out: {}", id, e.what());
    }
  }
  ++changes_;
}

void OrderManager::drain() {
  if (draining_) return;         // the outer drain applies what this call would have
  if (reports_.empty()) return;  // most ticks: nothing was reported
  struct Guard {
    OrderManager& m;
    ~Guard() {
      m.draining_ = false;
      m.reports_.clear();
      m.next_report_ = 0;
    }
  } guard{*this};
  draining_ = true;
  // Applying a report may call the executor (cancel an exit), which queues more: the index
  // walk sees them too, and the queue only empties once all are applied.
  while (next_report_ < reports_.size()) {
    // Moved out first: applying may grow reports_ and move its elements.
    auto r = std::move(reports_[next_report_]);
    ++next_report_;
    if (r.kind == execution::ExecutionReport::Kind::fill) listener_.on_fill(r.order, r.fill);
    record(std::move(r.order));
  }
}

OrderManager::EventSeqs::iterator OrderManager::event_seq_of(execution::OrderId id) {
  if (auto it = event_seqs_.find(id); it != event_seqs_.end()) return it;
  if (spare_seqs_.empty()) return event_seqs_.emplace(id, 0).first;
  auto node = std::move(spare_seqs_.back());
  spare_seqs_.pop_back();
  node.key() = id;
  node.mapped() = 0;
  return event_seqs_.insert(std::move(node)).position;
}

void OrderManager::record(execution::Order order) {
  const auto seq = event_seq_of(order.id);
  const auto event_seq = ++seq->second;
  if (execution::is_terminal(order.status)) {
    spare_seqs_.push_back(event_seqs_.extract(seq));
    remember_finished(order);
  } else if (!order.request.client_order_id.empty()) {
    client_ids_[order.request.client_order_id] = order.id;
  }
  ++changes_;
  listener_.on_order(std::move(order), event_seq);  // its last use: moved, not copied
}

void OrderManager::remember_finished(const execution::Order& order) {
  finished_.push(order);
  if (!order.request.client_order_id.empty()) client_ids_[order.request.client_order_id] = order.id;
}

void OrderManager::on_tick(const core::Tick& tick) {
  executor_.on_tick(tick, sink_);
  drain();
}

void OrderManager::submit(execution::Order order) {
  const auto id = order.id;
  executor_.submit(std::move(order), sink_);
  drain();
  // An asynchronous venue answers later. The order is recorded now, as new, so the id its
  // client was given names it at once (listed, broadcast, journaled: a restart asks the venue
  // about it before anything else); the venue's answer follows as its next state.
  if (event_seqs_.contains(id)) return;  // reported already (paper: accepted or rejected)
  for (const auto& o : executor_.open_orders())
    if (o.id == id) {
      if (o.status == execution::OrderStatus::new_order) record(o);
      return;
    }
}

bool OrderManager::cancel(execution::OrderId id, std::string_view reason) {
  const bool cancelled = executor_.cancel(id, reason, sink_);
  drain();
  return cancelled;
}

bool OrderManager::replace(execution::OrderId id, const execution::OrderRequest& changes) {
  const bool replaced = executor_.replace(id, changes, sink_);
  drain();
  return replaced;
}

void OrderManager::cancel_exits(std::uint64_t owner, core::SymbolId symbol) {
  std::vector<execution::OrderId> ids;
  for (const auto& o : executor_.open_orders())
    if (o.request.strategy_id == owner && o.request.symbol == symbol && o.parent_id != 0) ids.push_back(o.id);
  for (auto id : ids) executor_.cancel(id, "position_closed", sink_);
  drain();
}

void OrderManager::cancel_all(std::string_view reason) {
  std::vector<execution::OrderId> ids;
  for (const auto& o : executor_.open_orders()) ids.push_back(o.id);
  for (auto id : ids) executor_.cancel(id, reason, sink_);
  drain();
}

void OrderManager::clear() {
  finished_.clear();
  client_ids_.clear();
  event_seqs_.clear();
  ++changes_;
}

bool OrderManager::has_working_order(std::uint64_t owner, core::SymbolId symbol) const noexcept {
  for (const auto& o : executor_.open_orders())
    if (o.request.strategy_id == owner && o.request.symbol == symbol && is_entry_leg(o)) return true;
  return false;
}

const execution::Order* OrderManager::find(execution::OrderId id) const noexcept {
  for (const auto& o : executor_.open_orders())
    if (o.id == id) return &o;
  for (const auto& o : *finished_.series())
    if (o.id == id) return &o;
  return nullptr;
}

const execution::OrderId* OrderManager::client_order(const std::string& client_order_id) const noexcept {
  const auto it = client_ids_.find(client_order_id);
  return it == client_ids_.end() ? nullptr : &it->second;
}

bool OrderManager::has_pending_fills() const noexcept {
  bool any = false;
  for_each_pending_fill([&](const execution::Fill&) { any = true; });
  return any;
}

core::Quantity OrderManager::after_pending(core::Quantity held, core::SymbolId symbol,
                                           std::uint64_t owner) const noexcept {
  for_each_pending_fill([&](const execution::Fill& f) {
    if (f.symbol != symbol || (owner != 0 && f.strategy_id != owner)) return;
    held = f.side == core::Side::buy ? core::saturating_add(held, f.quantity) : core::saturating_sub(held, f.quantity);
  });
  return held;
}

}  // namespace meridian::engine
