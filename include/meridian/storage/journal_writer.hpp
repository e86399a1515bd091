#pragma once
// The persistence thread: drains the engine's journal ring, writes each batch in one
// transaction (group commit), then acknowledges the highest sequence it made durable.
// A lost connection is retried with backoff while the ring buffers; without a database
// URL it acknowledges at once (memory-only mode).
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/journal.hpp"

namespace meridian::storage {

struct WriterHealth {
  bool enabled = false;  // false: memory-only, no database configured
  bool connected = false;
  std::uint64_t commits = 0;
  std::uint64_t records = 0;
  std::uint64_t failures = 0;
  std::uint64_t acked_seq = 0;
  std::string last_error;
};

class JournalWriter {
 public:
  using Ack = std::function<void(std::uint64_t seq)>;

  JournalWriter(std::string database_url, engine::JournalQueue& queue, const core::InstrumentTable& instruments,
                std::int64_t portfolio_id, Ack ack);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void start();
  // Waits for the thread, which exits after committing the engine's StopRecord, or gives
  // up `grace` after this call when the database cannot take the remainder.
  void join(std::chrono::milliseconds grace);
  WriterHealth health() const;

 private:
  void run();
  bool write_batch(const std::vector<engine::JournalEntry>& batch);
  void sleep_backoff(std::chrono::milliseconds d);
  void set_error(std::string message);

  std::string url_;
  engine::JournalQueue& queue_;
  const core::InstrumentTable& instruments_;
  std::int64_t portfolio_id_;
  Ack ack_;
  std::thread thread_;
  std::atomic<bool> give_up_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> commits_{0}, records_{0}, failures_{0}, acked_{0};
  mutable std::mutex error_mutex_;  // guards last_error_ only; never on the engine path
  std::string last_error_;
  struct Connection;
  std::unique_ptr<Connection> conn_;
};

}  // namespace meridian::storage
