#pragma once
// The rows of backtest_results (sql/003, fitted by sql/013): what POST /api/backtest made, its status, progress
// and result. Written and read by the API's backtest workers (api/backtests.hpp), never on the
// engine strand or an I/O thread.
//
// Contract: every call blocks on the database and opens a connection of its own (a backtest
// writes a handful of rows over seconds or minutes: nothing to keep open), so any thread may
// call, several at once. A database that is down or refuses a statement is Errc::unavailable
// (logged), never an exception. Documents (request, result) are JSON text, stored as JSONB.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/error.hpp"
#include "meridian/core/time.hpp"

namespace meridian::storage {

struct BacktestRow {
  std::int64_t id = 0;
  std::int64_t owner_id = 0;  // the user_id column; 0: no owner (NULL: made with auth off)
  std::string request;        // JSON
  std::string status;         // queued, running, done, failed, cancelled
  double progress = 0;        // percent
  core::Timestamp created_at{};
  std::optional<core::Timestamp> started_at, finished_at;
  std::string result;  // JSON; empty while there is none (page(): the result's "metrics" only)
  std::string error;   // empty: none
};

struct BacktestPage {
  std::optional<std::int64_t> owner;  // only this owner's rows
  std::int64_t before = 0;            // only ids below it; 0: from the newest
  std::size_t limit = 50;
};

class BacktestStore {
 public:
  explicit BacktestStore(std::string database_url) : url_(std::move(database_url)) {}

  // A new 'queued' row; its id.
  core::Result<std::int64_t> create(std::int64_t owner_id, const std::string& request_json) const;
  // 'running' from now.
  core::Result<void> start(std::int64_t id) const;
  core::Result<void> set_progress(std::int64_t id, double percent) const;
  // A final status (done, failed, cancelled) from now, with the result (empty: NULL) and error.
  core::Result<void> finish(std::int64_t id, const std::string& status, double percent, const std::string& result_json,
                            const std::string& error) const;
  // The row with its whole result; nullopt when there is none.
  core::Result<std::optional<BacktestRow>> get(std::int64_t id) const;
  // Rows newest first, each with its result's metrics only.
  core::Result<std::vector<BacktestRow>> page(const BacktestPage& p) const;
  // Whether a row went.
  core::Result<bool> remove(std::int64_t id) const;
  // At start: rows left 'queued' or 'running' by a daemon that stopped become 'failed'
  // ("interrupted by a restart"); how many.
  core::Result<std::uint64_t> fail_interrupted() const;

 private:
  std::string url_;
};

}  // namespace meridian::storage
