#pragma once
// The persistence thread: drains the engine's journal ring, writes each batch in one
// transaction (group commit), then acknowledges the highest sequence it made durable.
// A lost connection (or another transient failure) is retried with backoff while the ring
// buffers; a record the database refuses (a data error, a constraint, a trigger) is moved to
// the dead-letter table with its payload and the error, and the records after it go on
// (dead_letters.hpp says which depend on it). Without a database URL it acknowledges at once
// (memory-only mode).
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/core/latency_histogram.hpp"
#include "meridian/engine/journal.hpp"
#include "meridian/storage/dead_letters.hpp"

namespace meridian::storage {

struct WriterHealth {
  bool enabled = false;  // false: memory-only, no database configured
  bool connected = false;
  std::uint64_t commits = 0;
  std::uint64_t records = 0;
  std::uint64_t failures = 0;
  std::uint64_t acked_seq = 0;
  bool fenced = false;                     // another daemon took the portfolio over: this writer stopped for good
  std::string last_error;                  // the last connection failure (refused records: see dead letters)
  std::uint64_t dead_lettered = 0;         // records this run moved to the dead-letter table
  std::uint64_t dead_letters_pending = 0;  // pending in the table (any run), as last read
  std::string dead_letter_kinds;           // the pending ones' kinds, e.g. "trade, order"
  // After join(): records the writer gave up on (0 when the engine's StopRecord committed).
  std::uint64_t unwritten = 0;
  std::string unwritten_kinds;   // e.g. "3 trade, 1 order"
  bool stopped_cleanly = false;  // the StopRecord committed: everything before it is durable
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

  // Connects (on the calling thread; a failure is retried by the first batch), then starts the thread.
  void start();
  // Waits for the thread, which exits after committing the engine's StopRecord, or gives
  // up `grace` after this call when the database cannot take the remainder.
  void join(std::chrono::milliseconds grace);
  WriterHealth health() const;
  // How long each committed batch took to write and commit (any thread; lock-free).
  const core::LatencyHistogram& commit_latency() const noexcept { return commit_latency_; }
  // The pending dead letters as last read from the table (any thread; refreshed by the
  // writer after it dead-letters a record and every few seconds while any are pending).
  std::vector<DeadLetter> dead_letters() const;

 private:
  void run();
  void connect();
  bool write_batch(const std::vector<engine::JournalEntry>& batch);
  // The batch record by record, each in a savepoint: a refused record goes to the dead
  // letters (with those that depend on it) and the rest commit. Throws on transient failure.
  void write_isolated(const std::vector<engine::JournalEntry>& batch);
  std::optional<std::int64_t> depends_on_dead(const engine::JournalRecord& record) const;
  void refresh_dead_letters();
  void give_up(std::vector<engine::JournalEntry>& batch);
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
  std::atomic<std::uint64_t> commits_{0}, records_{0}, failures_{0}, acked_{0}, dead_lettered_{0};
  core::LatencyHistogram commit_latency_;
  std::atomic<bool> stopped_cleanly_{false};
  std::atomic<std::uint64_t> unwritten_{0};
  // Writer thread only: orders whose record was dead-lettered (-> the dead letter's id).
  std::unordered_map<std::uint64_t, std::int64_t> dead_orders_;
  std::chrono::steady_clock::time_point dead_letters_read_{};
  mutable std::mutex error_mutex_;  // guards the strings and lists below; never on the engine path
  std::string last_error_;
  std::string unwritten_kinds_;
  std::vector<DeadLetter> pending_;
  struct Connection;
  std::unique_ptr<Connection> conn_;
};

}  // namespace meridian::storage
