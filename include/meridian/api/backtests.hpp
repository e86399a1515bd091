#pragma once
// Backtests run through the API (#14 items 3 and 6): POST /api/backtest's jobs and
// POST /api/backtest/sweep's sweeps and walk-forwards (the same rows and states), their progress and
// results (rows of backtest_results through storage::BacktestStore), cancellation, and Monte
// Carlo over a stored result. Handlers (routes_backtest.cpp) only parse and answer; this runs.
//
// Threads: nothing here runs on the engine strand or an I/O thread, so live trading never
// waits for a backtest. A loader thread reads a submission's bars (backtest::load_data: its
// refusals, too_large and no_data, become the POST's 422 or 413) and inserts its row; `runners`
// threads (1 or 2) run backtests; one store thread serves reads, deletes and Monte Carlo.
//
// Contract:
// - At most runners + queue backtests are admitted at once (loading, queued or running); one
//   more is 429 too_many_requests with Retry-After.
// - A queued backtest deleted is 'cancelled' at once; a running one has its cancel flag set
//   (backtest::Control: it stops within a batch of bars, well under 100 ms) and the DELETE is
//   answered when its 'cancelled' row is written (a run that ends done before it sees the flag
//   is deleted instead: 204). A finished one is deleted (204).
// - Progress goes to the owner over the WebSocket at most every `progress_interval`, and one
//   final message with the status (and the metrics when done); the row's progress column is
//   written at most once a second.
// - Callers decide visibility (api/ownership.hpp, may_see_owned): a row the caller may not see
//   is answered as one that does not exist.
// - A sweep runs on its runner thread plus at most `sweep_threads - 1` workers of its own
//   (backtest::sweep), so the engine keeps a core; its progress counts backtests, not bars.
// Callbacks (Done) are called on this object's threads, exactly once.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "meridian/api/api_context.hpp"
#include "meridian/api/api_error.hpp"
#include "meridian/api/router.hpp"
#include "meridian/api/worker_pool.hpp"
#include "meridian/backtest/data.hpp"
#include "meridian/backtest/monte_carlo.hpp"
#include "meridian/backtest/sweep_request.hpp"
#include "meridian/storage/backtest_store.hpp"

namespace meridian::api {

struct BacktestLimits {
  std::size_t runners = 2;  // threads running backtests
  std::size_t queue = 2;    // admitted beyond the running ones
  std::uint64_t max_bars = backtest::kDefaultMaxBars;
  std::chrono::milliseconds progress_interval{250};
  std::chrono::seconds retry_after{5};
  // A sweep's worker threads at most (a request's "threads" is capped by it); 0: every core
  // but one, at least one.
  unsigned sweep_threads = 0;
};

class Backtests {
 public:
  // A `backtest` message for the owner's WebSocket clients (owner 0: no owner, auth off).
  using Publish = std::function<void(std::shared_ptr<const std::string> message, std::int64_t owner)>;
  // An answer: the document (null: 204 no content) and its status, or the error.
  struct Answer {
    http::status status = http::status::ok;
    nlohmann::json body;
  };
  using Done = std::function<void(ApiResult<Answer>)>;
  using Visible = std::function<bool(std::int64_t owner)>;

  Backtests(const storage::BacktestStore& store, const core::InstrumentTable& instruments, std::string database_url,
            BacktestLimits limits = {});
  // Cancels every running backtest and waits for the threads.
  ~Backtests();
  Backtests(const Backtests&) = delete;
  Backtests& operator=(const Backtests&) = delete;

  // Before the server starts.
  void set_publisher(Publish publish) { publish_ = std::move(publish); }
  // At start, before any submission: rows a stopped daemon left queued or running become failed.
  void mark_interrupted() const;

  // `request` decoded from `body` (backtest::decode_request). 202 {"id","status":"queued"}.
  void submit(std::int64_t owner, nlohmann::json body, backtest::Request request, Done done);
  // A sweep or walk-forward decoded from `body` (backtest::decode_sweep_request); as submit().
  void submit_sweep(std::int64_t owner, nlohmann::json body, backtest::DecodedSweep sweep, Done done);
  void get(std::int64_t id, Visible visible, Done done);
  // Newest first: {"items", "next"} (next: the `before` of the following page, or null).
  void list(storage::BacktestPage page, Done done);
  void remove(std::int64_t id, Visible visible, Done done);
  void monte_carlo(std::int64_t id, Visible visible, backtest::MonteCarloSpec spec, Done done);

  // Cancels every running backtest (their rows: failed, "interrupted by a shutdown") and joins
  // the threads; what is queued is finished the same way. Idempotent; the destructor calls it.
  void stop();

  // Backtests admitted and not finished.
  std::size_t active() const noexcept { return active_.load(std::memory_order_relaxed); }

 private:
  struct Job;
  enum class State : std::uint8_t { queued, running, finishing };

  bool reserve();
  void release();
  void admit(std::shared_ptr<Job> job, nlohmann::json body, Done done);
  void run(const std::shared_ptr<Job>& job);
  void run_sweep(const std::shared_ptr<Job>& job);
  // Writes the final row, publishes the final message, answers waiting DELETEs, frees the slot.
  void finish(const std::shared_ptr<Job>& job, std::string status, double percent, nlohmann::json result,
              std::string error, nlohmann::json metrics);
  // `fields`: the progress message's (backtest_progress_json or sweep_progress_json).
  void progress(Job& job, double percent, nlohmann::json fields);
  void post_store(Done done, std::function<void()> job);

  const storage::BacktestStore& store_;
  const core::InstrumentTable& instruments_;
  const std::string database_url_;
  const BacktestLimits limits_;
  Publish publish_;
  std::atomic<std::size_t> active_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;  // jobs_ and every Job's state, waiters
  std::unordered_map<std::int64_t, std::shared_ptr<Job>> jobs_;
  // Last: stopped first, while everything they use still exists.
  WorkerPool store_pool_{1, 64};
  WorkerPool loader_{1, 64};
  WorkerPool runners_;
};

// POST /api/backtest, POST /api/backtest/sweep, GET /api/backtest/{id}, GET /api/backtests,
// DELETE /api/backtest/{id}, POST /api/backtest/{id}/monte-carlo with their roles (routes_backtest.cpp). `backtests`
// null (no database): each answers 503.
void add_backtest_routes(Router& router, ApiContext& ctx, Backtests* backtests);

}  // namespace meridian::api
