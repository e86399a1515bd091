#pragma once
// Per-route request counters for GET /api/stats and /metrics: for each route of the table (by
// its index in Router::routes()) and one slot for requests no route answered (static files,
// 404, 405, refusals before routing), the responses by status class and a latency histogram.
//
// Contract: sized once (reset) before the server starts; record() is then lock-free and
// allocation-free from any thread. Latency is from the request read in full to its response
// handed to the socket (the handler's time, a command's wait for the engine or the journal
// included; the write itself not).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "meridian/core/latency_histogram.hpp"

namespace meridian::api {

class RouteStats {
 public:
  struct Slot {
    std::array<std::atomic<std::uint64_t>, 5> status{};  // 1xx..5xx
    core::LatencyHistogram latency;
  };

  // Before any record(): `routes` slots plus the unrouted one.
  void reset(std::size_t routes) {
    routes_ = routes;
    slots_ = std::make_unique<Slot[]>(routes + 1);
  }
  std::size_t routes() const noexcept { return routes_; }
  std::size_t unrouted() const noexcept { return routes_; }  // the index of the unrouted slot

  void record(std::size_t index, unsigned status, std::chrono::nanoseconds elapsed) noexcept {
    if (!slots_) return;
    auto& slot = slots_[index < routes_ ? index : routes_];
    const unsigned cls = status / 100;
    if (cls >= 1 && cls <= 5) slot.status[cls - 1].fetch_add(1, std::memory_order_relaxed);
    slot.latency.record(elapsed);
  }
  // Slot `index` (0..routes(), the last being unrouted).
  const Slot& slot(std::size_t index) const noexcept { return slots_[index]; }

 private:
  std::size_t routes_ = 0;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace meridian::api
