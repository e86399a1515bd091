#pragma once
// system_logs (sql/003_full_schema.sql): the warnings and errors of every module, written by
// SystemLogWriter from the records sink's bounded queue (core/log_records.hpp), and read back,
// newest first, by GET /api/logs (SystemLogStore).
//
// Contract:
// - The writer never holds up a thread that logs: it takes the queued records every
//   `interval` (or at stop) on a thread and connection of its own and appends each batch in
//   one statement. With the database down it keeps at most `capacity` records (the oldest beyond
//   that are dropped and counted) and retries with backoff; a batch the database refuses for its
//   data (SQLSTATE class 22/23) is dropped and counted. Its own failures are logged at most once
//   per outage, so an unreachable database does not feed the queue it cannot drain.
// - stop() writes what is queued, giving up after `grace`.
// - SystemLogStore::page blocks on the database (a worker thread, never an I/O thread), opens a
//   connection per call and returns Errc::unavailable when the database cannot answer.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "meridian/core/error.hpp"
#include "meridian/core/log_records.hpp"

namespace meridian::storage {

struct SystemLogWriterStats {
  std::uint64_t written = 0;
  std::uint64_t dropped = 0;  // given up: refused by the database, beyond capacity while it was down, or at stop
  std::uint64_t failures = 0;
};

class SystemLogWriter {
 public:
  SystemLogWriter(std::string database_url, core::LogRecords& records,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(250), std::size_t capacity = 8192);
  ~SystemLogWriter();
  SystemLogWriter(const SystemLogWriter&) = delete;
  SystemLogWriter& operator=(const SystemLogWriter&) = delete;

  // Turns the records' queue on and starts the thread.
  void start();
  // Any thread but the writer's; the queue is turned off first (later records stay in the ring).
  void stop(std::chrono::milliseconds grace);
  SystemLogWriterStats stats() const;

 private:
  void run();
  void write(const std::vector<core::LogRecord>& batch);

  struct Connection;
  const std::string url_;
  core::LogRecords& records_;
  const std::chrono::milliseconds interval_;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point give_up_at_{};
  std::thread thread_;
  std::unique_ptr<Connection> conn_;  // the writer thread's
  std::atomic<std::uint64_t> written_{0}, dropped_{0}, failures_{0};
};

class SystemLogStore {
 public:
  explicit SystemLogStore(std::string database_url) : url_(std::move(database_url)) {}
  // At most `limit` rows matching `filter` (filter.before: an id cursor), id descending.
  core::Result<std::vector<core::LogRecord>> page(const core::LogFilter& filter, std::size_t limit) const;

 private:
  std::string url_;
};

}  // namespace meridian::storage
