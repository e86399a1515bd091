#pragma once
// The engine strand's side of a live gateway, venue-neutral (Alpaca, Binance): the engine's view
// of the gateway's open orders, and the reports on their way from the gateway's strand, handed
// over on the engine strand (one drain posted at a time): report, then reports_arrived. Internal
// to the gateway module.
#include <algorithm>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <iterator>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <utility>
#include <vector>

#include "meridian/execution/executor.hpp"

namespace meridian::execution {

// The engine strand's side: the engine's view of the open orders, and the reports on their way
// from the gateway's strand. `outbox` is the hand-off (the gateway's strand appends, the engine
// strand takes): a mutex, not a ring, since order reports are few and never per tick.
struct GatewayFront : std::enable_shared_from_this<GatewayFront> {
  explicit GatewayFront(boost::asio::any_io_executor ex) : engine(std::move(ex)) {}

  // ---- the gateway's strand

  void hand_off(std::vector<ExecutionReport>& made) {
    if (made.empty()) return;
    bool post_drain = false;
    {
      std::lock_guard lock(mutex);
      outbox.insert(outbox.end(), std::make_move_iterator(made.begin()), std::make_move_iterator(made.end()));
      post_drain = !drain_posted;
      drain_posted = true;
    }
    made.clear();
    if (post_drain) boost::asio::post(engine, [self = shared_from_this()] { self->drain(); });
  }

  // ---- the engine strand

  // Moves what the gateway handed off into `held` (in order, behind what is there).
  void take() const {
    std::lock_guard lock(mutex);
    held.insert(held.end(), std::make_move_iterator(outbox.begin()), std::make_move_iterator(outbox.end()));
    outbox.clear();
  }

  void drain() {
    {
      std::lock_guard lock(mutex);
      drain_posted = false;
    }
    if (detached) return;
    take();
    if (sink == nullptr || held.empty()) return;  // before the first call: held until it
    hand_over();
    sink->reports_arrived();
  }

  // Inside an executor call: reports waiting so far are handed over with the call's own.
  void bind(ExecutionSink& s) {
    sink = &s;
    if (held.empty()) return;
    hand_over();
  }

  void hand_over() {
    for (auto& r : std::exchange(held, {})) {
      mirror(r.order);
      sink->report(std::move(r));
    }
  }

  // The engine's view follows every report handed over.
  void mirror(const Order& o) {
    const auto it = std::find_if(open.begin(), open.end(), [&](const Order& x) { return x.id == o.id; });
    if (is_terminal(o.status)) {
      if (it != open.end()) open.erase(it);
      cancelling.erase(o.id);
    } else if (it != open.end()) {
      *it = o;
    } else {
      open.push_back(o);
    }
  }

  const Order* find(OrderId id) const noexcept {
    for (const auto& o : open)
      if (o.id == id) return &o;
    return nullptr;
  }

  boost::asio::any_io_executor engine;
  ExecutionSink* sink = nullptr;
  std::vector<Order> open;                    // submitted or restored, not terminal as reported
  std::unordered_set<OrderId> cancelling;     // cancels asked, the order not yet terminal
  bool detached = false;                      // the executor is gone: drains deliver nothing
  mutable std::vector<ExecutionReport> held;  // taken from the outbox, not handed over yet
  mutable std::mutex mutex;                   // guards outbox and drain_posted
  mutable std::vector<ExecutionReport> outbox;
  bool drain_posted = false;
  // Whether new entries go: written on the gateway's strand (its set_entries), read on the
  // engine strand per order (the executor's accepting_entries).
  std::atomic<bool> entries{false};
};

}  // namespace meridian::execution
