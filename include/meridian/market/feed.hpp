#pragma once
// A source of market data. Feeds deliver ticks on the executor they were given (the
// engine strand), never block it, and report their own health. A venue feed runs on its own
// strand behind an OffStrandFeed (off_strand_feed.hpp), which delivers on the engine strand.
#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>

#include "meridian/core/types.hpp"

namespace meridian::market {

class TickSink {
 public:
  virtual ~TickSink() = default;
  virtual void on_ticks(std::span<const core::Tick> ticks) = 0;
};

struct FeedHealth {
  bool connected = false;
  std::uint64_t ticks = 0;     // delivered to the sink
  std::uint64_t errors = 0;    // failures of the source itself (connection, malformed message)
  std::uint64_t bad_rows = 0;  // input records counted and skipped (CSV rows)
  std::uint64_t dropped = 0;   // good ticks lost because the engine fell behind (OffStrandFeed's full ring)
};

// The counters behind FeedHealth, written on the feed's executor and read from any thread.
struct FeedCounters {
  std::atomic<bool> connected{false};
  std::atomic<std::uint64_t> tick_count{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> bad_rows{0};
  std::atomic<std::uint64_t> dropped{0};
  FeedHealth health() const noexcept {
    return {connected.load(), tick_count.load(), errors.load(), bad_rows.load(), dropped.load()};
  }
};

class Feed {
 public:
  virtual ~Feed() = default;
  virtual void start(TickSink& sink) = 0;
  virtual void stop() = 0;
  // A feed starts with every symbol it can serve subscribed. Any thread may call these; they
  // take effect on the feed's executor. A symbol the feed cannot serve is ignored.
  virtual void subscribe(std::span<const core::SymbolId> symbols) = 0;
  virtual void unsubscribe(std::span<const core::SymbolId> symbols) = 0;
  virtual std::string_view name() const noexcept = 0;  // a static string: "simulated", "csv"
  // Any thread.
  virtual FeedHealth health() const noexcept = 0;
};

}  // namespace meridian::market
