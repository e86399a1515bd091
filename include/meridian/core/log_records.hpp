#pragma once
// The daemon's log records as data (ARCHITECTURE.md, "Logs": records also feed /api/logs and
// /ws/logs, and warnings and errors the system_logs table): an spdlog sink beside the console
// one, keeping
// - a ring of the newest records (every level the loggers let through), for GET /api/logs
//   without a database and for a live stream's catch-up;
// - a bounded queue of warnings and errors for the storage side to drain in batches
//   (storage/system_log_writer.hpp): full, a record is dropped and counted, never waited for;
// - one listener (the WebSocket stream) told of every record after the sink's lock is released.
//
// Contract: log() is called by any thread that logs, the engine strand included. It never
// waits on anything but the sink's own short critical section (no I/O, no allocation beyond
// the record), never logs itself, and never throws. A record logged while the listener runs on
// the same thread (a log line about sending a log line) is kept in the ring and queue but not
// passed to the listener again, so a stream cannot feed itself.
#include <spdlog/sinks/sink.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/time.hpp"

namespace meridian::core {

struct LogRecord {
  std::uint64_t id = 0;  // 1, 2, ... in the order logged (this run); the ring's paging cursor
  Timestamp at{};
  std::string level;   // the --log-level names: trace, debug, info, warn, error, critical
  std::string logger;  // the module ("engine", "api", ...)
  std::string message;
};

// "warn" for spdlog's warning level (the names of --log-level and system_logs.level).
std::string_view level_name(spdlog::level::level_enum level) noexcept;
// The level of a --log-level name (trace..critical); nullopt for anything else ("off" too).
std::optional<spdlog::level::level_enum> parse_level(std::string_view name) noexcept;
// The numeric rank of a level name (trace 0 .. critical 5); -1 when unknown.
int level_rank(std::string_view name) noexcept;

// Whether `name` is a logger a record can come from: a module of ARCHITECTURE.md's list, the
// default logger ("meridian"), or any logger made since (core/log.hpp). Any thread.
bool is_module_name(std::string_view name);

// Which records a reader wants: at least `min_level`, from `module` (empty: any), at or after
// `since`, with ids below `before` (0: no bound).
struct LogFilter {
  int min_level = 0;  // level_rank
  std::string module;
  std::optional<Timestamp> since;
  std::uint64_t before = 0;
  bool matches(const LogRecord& r) const noexcept;
};

class LogRecords final : public spdlog::sinks::sink {
 public:
  using Listener = std::function<void(const LogRecord&)>;

  explicit LogRecords(std::size_t ring_capacity = 2000, std::size_t queue_capacity = 4096);

  void log(const spdlog::details::log_msg& msg) override;
  void flush() override {}
  // Records are data: no pattern or formatter applies (set_pattern on the logger reaches here).
  void set_pattern(const std::string&) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter>) override {}

  // Up to `limit` matching records of the ring, newest first. Any thread.
  std::vector<LogRecord> newest(const LogFilter& filter, std::size_t limit) const;
  // Moves the queued warnings and errors into `out` (appended, oldest first). Any thread.
  void take_queued(std::vector<LogRecord>& out);
  // Records the queue was full for (never written to the database). Any thread.
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  // Whether warnings and errors are queued at all: off without a database (the default), so an
  // undrained queue never fills and counts drops for nothing. Any thread.
  void enable_queue(bool on) noexcept { queue_on_.store(on, std::memory_order_relaxed); }
  // The one listener (null: none). Set during start-up or shutdown, before or after the
  // threads that log run; it is called on the logging thread and must not block.
  void set_listener(Listener listener);

 private:
  const std::size_t ring_capacity_;
  const std::size_t queue_capacity_;
  mutable std::mutex mutex_;  // ring_, queue_, next_id_: held for a push or a copy, never for I/O
  std::deque<LogRecord> ring_;
  std::vector<LogRecord> queue_;
  std::uint64_t next_id_ = 1;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<bool> queue_on_{false};
  std::shared_ptr<const Listener> listener_;  // under mutex_; called outside it
};

}  // namespace meridian::core
