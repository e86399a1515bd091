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
  bool fenced = false;  // another daemon took the portfolio over: this writer stopped for good
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

  // Multi-process safety (portfolio_lock.hpp): every batch first checks, row-locked, that the
  // portfolio's writer_epoch is still `epoch`. When it is not, the batch is not written, the
  // writer stops for good and calls `on_fenced` on its thread. Set before start().
  void set_fencing(std::int64_t epoch, std::function<void()> on_fenced);

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
  std::atomic<bool> fenced_{false};
  std::int64_t epoch_ = 0;  // 0: no fencing (tests, single-process tools)
  std::function<void()> on_fenced_;
  std::atomic<std::uint64_t> commits_{0}, records_{0}, failures_{0}, acked_{0};
  mutable std::mutex error_mutex_;  // guards last_error_ only; never on the engine path
  std::string last_error_;
  struct Connection;
  std::unique_ptr<Connection> conn_;
};

}  // namespace meridian::storage
