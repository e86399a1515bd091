#pragma once
// The audit trail's writer: a bounded queue filled by the I/O threads (record()) and drained by
// one thread of its own, which appends each batch to audit_log in one statement on its own
// connection. The journal writer's pattern (group commit, a lost connection retried with backoff
// while the queue buffers), with a queue many threads may push to: the journal's ring has one
// producer, the engine strand, and its records must never be dropped; audit rows come from every
// I/O thread and must never hold a request up.
//
// Contract:
// - record() never blocks: when `capacity` rows already wait (the database is down or slow),
//   the row is dropped, counted (stats().dropped, /metrics) and a warning logged (at most one
//   every 10 s, with the count so far).
// - A row the database refuses for its data (a batch that fails with SQLSTATE class 22 or 23 is
//   written row by row) is dropped, counted as refused and logged; the rest are written.
// - stop() writes what is queued, giving up `grace` after it is called when the database does
//   not take it (the rows given up are counted as dropped and logged). The destructor stops with
//   no grace.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "meridian/storage/audit_sink.hpp"

namespace meridian::storage {

struct AuditWriterStats {
  bool connected = false;
  std::uint64_t written = 0;   // rows committed
  std::uint64_t dropped = 0;   // rows lost: queue full, or given up at stop
  std::uint64_t refused = 0;   // rows the database refused
  std::uint64_t failures = 0;  // failed writes (retried)
  std::size_t queued = 0;      // rows waiting
};

class AuditWriter final : public AuditSink {
 public:
  explicit AuditWriter(std::string database_url, std::size_t capacity = 4096);
  ~AuditWriter() override;
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Starts the thread (which connects with its first batch).
  void start();
  void record(AuditEntry&& entry) noexcept override;
  // Any thread but the writer's; see the contract above. Rows recorded after it are dropped.
  void stop(std::chrono::milliseconds grace);
  AuditWriterStats stats() const;

 private:
  struct Connection;
  void run();
  // Throws on a failure (classified by the caller).
  void write(const std::vector<AuditEntry>& batch);
  // After a refused batch: each row alone, dropping the refused ones. Rows written or refused
  // leave `batch`; a transient failure throws with the rest still in it.
  void write_row_by_row(std::vector<AuditEntry>& batch);
  void note_drop(std::uint64_t n, const char* why) noexcept;
  void sleep_backoff(std::chrono::milliseconds d);

  const std::string url_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;         // the queue and the flags below; held for a push or a swap, never for I/O
  std::condition_variable ready_;    // rows queued, or stop
  std::condition_variable drained_;  // the thread wrote its batch, or exited
  std::deque<AuditEntry> queue_;
  bool in_flight_ = false;  // the thread holds a batch not written yet
  bool stopping_ = false;   // no more rows taken; the thread exits once the queue is written
  bool give_up_ = false;    // the thread exits now, dropping what it has not written
  std::thread thread_;
  std::unique_ptr<Connection> conn_;  // the writer thread's
  std::atomic<bool> connected_{false};
  std::atomic<std::uint64_t> written_{0}, dropped_{0}, refused_{0}, failures_{0};
  std::atomic<std::int64_t> last_drop_warning_ms_{0};
};

}  // namespace meridian::storage
