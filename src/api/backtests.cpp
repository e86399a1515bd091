#include "meridian/api/backtests.hpp"

#include <algorithm>
#include <thread>
#include "api_log.hpp"

#include "meridian/api/backtest_json.hpp"
#include "meridian/api/sweep_json.hpp"
#include "meridian/backtest/monte_carlo.hpp"
#include "ws_message.hpp"

namespace meridian::api {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Backtests::Job {
  std::int64_t id = 0;
  std::int64_t owner = 0;
  backtest::Request request;                    // what load_data reads
  std::optional<backtest::DecodedSweep> sweep;  // a sweep or walk-forward over request's bars
  backtest::LoadedData data;
  std::atomic<bool> cancel{false};
  // Under Backtests::mutex_.
  State state = State::queued;
  bool final = false;  // finish() ran: its row, message and slot are done with
  double percent = 0.0;
  json progress;                                                 // the last progress message's fields
  std::vector<std::function<void(const std::string&)>> waiters;  // DELETEs, told the final status
  // The running thread's only.
  Clock::time_point last_message{}, last_row{};
};

namespace {

ApiError unavailable() {
  return api_error(http::status::service_unavailable, "unavailable",
                   "backtest results cannot be reached: the database is unavailable");
}

ApiError not_found(std::int64_t id) {
  return api_error(http::status::not_found, "not_found", "no backtest " + std::to_string(id));
}

ApiError busy() {
  return api_error(http::status::service_unavailable, "busy", "too many backtest requests are waiting; retry");
}

json time_or_null(const std::optional<core::Timestamp>& t) {
  return t ? json(core::to_iso8601(*t)) : json(nullptr);
}

json parsed_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  auto j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

// A row as the API shows it; `result`: the whole result (GET) or only the metrics (list).
json row_json(const storage::BacktestRow& row, bool whole) {
  json out{{"id", row.id},
           {"owner_id", row.owner_id ? json(row.owner_id) : json(nullptr)},
           {"status", row.status},
           {"progress", row.progress},
           {"request", parsed_or_null(row.request)},
           {"created_at", core::to_iso8601(row.created_at)},
           {"started_at", time_or_null(row.started_at)},
           {"finished_at", time_or_null(row.finished_at)},
           {"error", row.error.empty() ? json(nullptr) : json(row.error)}};
  auto result = parsed_or_null(row.result);
  if (!whole) {
    out["metrics"] = std::move(result);
    return out;
  }
  if (result.is_object()) {
    result.erase("monte_carlo_inputs");  // stored for Monte Carlo, not part of the result
    for (auto it = result.begin(); it != result.end(); ++it)
      if (it.key() != "status" && it.key() != "progress") out[it.key()] = std::move(it.value());
  }
  return out;
}

}  // namespace

Backtests::Backtests(const storage::BacktestStore& store, const core::InstrumentTable& instruments,
                     std::string database_url, BacktestLimits limits)
    : store_(store),
      instruments_(instruments),
      database_url_(std::move(database_url)),
      limits_(limits),
      runners_(std::max<std::size_t>(1, limits.runners), 1024) {}

Backtests::~Backtests() {
  stop();
}

void Backtests::stop() {
  stopping_ = true;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, job] : jobs_) job->cancel = true;
  }
  loader_.stop();
  runners_.stop();
  store_pool_.stop();
}

void Backtests::mark_interrupted() const {
  if (auto n = store_.fail_interrupted(); n && *n)
    api_log()->warn("backtests: {} left queued or running by the last run marked failed", *n);
}

bool Backtests::reserve() {
  auto n = active_.load();
  const auto bound = std::max<std::size_t>(1, limits_.runners) + limits_.queue;
  do {
    if (n >= bound) return false;
  } while (!active_.compare_exchange_weak(n, n + 1));
  return true;
}

void Backtests::release() {
  active_.fetch_sub(1);
}

void Backtests::post_store(Done done, std::function<void()> job) {
  if (!store_pool_.try_post(std::move(job))) done(busy());
}

void Backtests::submit(std::int64_t owner, json body, backtest::Request request, Done done) {
  auto job = std::make_shared<Job>();
  job->owner = owner;
  job->request = std::move(request);
  job->progress = backtest_progress_json({});
  admit(std::move(job), std::move(body), std::move(done));
}

void Backtests::submit_sweep(std::int64_t owner, json body, backtest::DecodedSweep sweep, Done done) {
  auto job = std::make_shared<Job>();
  job->owner = owner;
  job->request = sweep.request.request;
  // A core stays the engine's: the sweep's workers are capped (the runner thread is one of them).
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned cap = limits_.sweep_threads ? limits_.sweep_threads : std::max(1u, cores - 1);
  auto& threads = sweep.request.sweep.threads;
  threads = threads ? std::min(threads, cap) : cap;
  job->sweep = std::move(sweep);
  job->progress = sweep_progress_json({});
  admit(std::move(job), std::move(body), std::move(done));
}

void Backtests::admit(std::shared_ptr<Job> job, json body, Done done) {
  if (!reserve()) {
    const auto bound = std::max<std::size_t>(1, limits_.runners) + limits_.queue;
    return done(too_many_requests(
        "at most " + std::to_string(bound) + " backtests may be queued or running at once; retry when one finishes",
        limits_.retry_after));
  }
  auto load = [this, job, body = std::move(body), done]() mutable {
    if (stopping_) {
      release();
      return done(api_error(http::status::service_unavailable, "unavailable", "the daemon is stopping"));
    }
    core::Result<backtest::LoadedData, engine::ParamError> data = engine::ParamError{};
    try {
      data = backtest::load_data(job->request, instruments_, database_url_, limits_.max_bars);
    } catch (const std::exception& e) {
      api_log()->warn("backtest: cannot load bars: {}", e.what());
      release();
      return done(api_error(http::status::service_unavailable, "unavailable",
                            "the bars cannot be read: the database is unavailable"));
    }
    if (!data) {
      release();
      const auto& e = data.error();
      const auto status = e.code == "too_large" ? http::status::payload_too_large : http::status::unprocessable_entity;
      json extra = e.code == "too_large" ? json{{"max_bars", limits_.max_bars}} : json(nullptr);
      return done(field_error(e.field, e.message, status, e.code, std::move(extra)));
    }
    job->data = std::move(*data);
    auto id = store_.create(job->owner, body.dump());
    if (!id) {
      release();
      return done(unavailable());
    }
    job->id = *id;
    {
      std::lock_guard lock(mutex_);
      jobs_[job->id] = job;
    }
    if (!runners_.try_post([this, job] { run(job); })) {
      finish(job, "failed", 0, nullptr, "the daemon is stopping", nullptr);
      return done(api_error(http::status::service_unavailable, "unavailable", "the daemon is stopping"));
    }
    done(Answer{http::status::accepted, json{{"id", job->id}, {"status", "queued"}}});
  };
  if (!loader_.try_post(std::move(load))) {
    release();
    done(busy());
  }
}

void Backtests::run(const std::shared_ptr<Job>& job) {
  {
    std::lock_guard lock(mutex_);
    if (job->state != State::queued) return;  // cancelled while queued: already final
    job->state = State::running;
    if (stopping_) job->cancel = true;
  }
  if (!store_.start(job->id)) {
    return finish(job, "failed", 0, nullptr, "the database is unavailable", nullptr);
  }
  if (job->sweep) return run_sweep(job);
  backtest::Control control;
  control.cancel = &job->cancel;
  control.progress_every = 20'000;
  control.on_progress = [this, &job](const backtest::Progress& p) {
    progress(*job, p.percent(), backtest_progress_json(p));
  };
  try {
    auto r = backtest::run(instruments_, job->request.spec, job->data.bars, control);
    const auto bad_rows = job->data.bad_rows;
    job->data = {};  // the bars are no longer needed; the result may live long
    const double percent = r.progress.percent();
    if (r.status == backtest::Status::cancelled)
      return finish(job, stopping_ ? "failed" : "cancelled", percent, nullptr,
                    stopping_ ? "interrupted by a shutdown" : "", nullptr);
    auto doc = backtest_result_json(r, instruments_);
    auto metrics = doc["metrics"];
    doc["bad_rows"] = bad_rows;
    doc["monte_carlo_inputs"] = {{"initial_capital", r.metrics.initial_capital},
                                 {"closed_pnls", backtest::closed_pnls(r.trades)},
                                 {"daily_returns", r.daily_returns}};
    finish(job, "done", percent, std::move(doc), "", std::move(metrics));
  } catch (const std::exception& e) {
    api_log()->warn("backtest {}: failed: {}", job->id, e.what());
    finish(job, "failed", 0, nullptr, e.what(), nullptr);
  }
}

void Backtests::run_sweep(const std::shared_ptr<Job>& job) {
  const auto& decoded = *job->sweep;
  const auto& spec = decoded.request.sweep;
  backtest::SweepControl control;
  control.cancel = &job->cancel;
  control.on_progress = [this, &job](const backtest::SweepProgress& p) {
    auto fields = sweep_progress_json(p);
    const double percent = fields["percent"];
    progress(*job, percent, std::move(fields));
  };
  try {
    json doc, metrics;
    backtest::Status status;
    if (decoded.request.walk_forward) {
      const auto r =
          backtest::walk_forward(instruments_, spec, decoded.combinations, decoded.windows, job->data.bars, control);
      status = r.status;
      doc = walk_forward_json(r);
      doc["kind"] = "walk_forward";
    } else {
      const auto r = backtest::sweep(instruments_, spec, decoded.combinations, job->data.bars, control);
      status = r.status;
      doc = sweep_result_json(r);
      doc["kind"] = "sweep";
      // The winner's: what the list and the row's metric columns show.
      if (!r.ranked.empty()) doc["metrics"] = metrics = doc["ranked"][0]["metrics"];
    }
    doc["bad_rows"] = job->data.bad_rows;
    job->data = {};
    if (status == backtest::Status::cancelled)
      return finish(job, stopping_ ? "failed" : "cancelled", job->percent, nullptr,
                    stopping_ ? "interrupted by a shutdown" : "", nullptr);
    finish(job, "done", 100.0, std::move(doc), "", std::move(metrics));
  } catch (const std::exception& e) {
    api_log()->warn("backtest {}: sweep failed: {}", job->id, e.what());
    finish(job, "failed", 0, nullptr, e.what(), nullptr);
  }
}

void Backtests::progress(Job& job, double percent, json fields) {
  {
    std::lock_guard lock(mutex_);
    job.percent = percent;
    job.progress = fields;
  }
  const auto now = Clock::now();
  if (publish_ && now - job.last_message >= limits_.progress_interval) {
    job.last_message = now;
    fields["id"] = job.id;
    fields["status"] = "running";
    publish_(ws_message("backtest", std::move(fields)), job.owner);
  }
  if (now - job.last_row >= std::chrono::seconds(1)) {
    job.last_row = now;
    (void)store_.set_progress(job.id, percent);
  }
}

void Backtests::finish(const std::shared_ptr<Job>& job, std::string status, double percent, json result,
                       std::string error, json metrics) {
  {
    std::lock_guard lock(mutex_);
    if (job->final) return;
    job->final = true;
    job->state = State::finishing;
  }
  const bool written = static_cast<bool>(
      store_.finish(job->id, status, percent, result.is_null() ? std::string() : result.dump(), error));
  if (!written) api_log()->warn("backtest {}: its final status ({}) could not be written", job->id, status);
  std::vector<std::function<void(const std::string&)>> waiters;
  json fields;
  {
    std::lock_guard lock(mutex_);
    fields = job->progress;
    waiters.swap(job->waiters);
    jobs_.erase(job->id);
  }
  if (publish_) {
    fields["id"] = job->id;
    fields["status"] = status;
    fields["percent"] = percent;
    if (!metrics.is_null()) fields["metrics"] = std::move(metrics);
    if (!error.empty()) fields["error"] = error;
    publish_(ws_message("backtest", std::move(fields)), job->owner);
  }
  release();
  for (auto& w : waiters) w(status);
}

void Backtests::get(std::int64_t id, Visible visible, Done done) {
  post_store(done, [this, id, visible = std::move(visible), done] {
    auto row = store_.get(id);
    if (!row) return done(unavailable());
    if (!*row || !visible((*row)->owner_id)) return done(not_found(id));
    auto& r = **row;
    {
      // A live job's progress is fresher than its row's (written once a second).
      std::lock_guard lock(mutex_);
      if (auto it = jobs_.find(id); it != jobs_.end() && it->second->state == State::running) {
        r.status = "running";
        r.progress = it->second->percent;
      }
    }
    done(Answer{http::status::ok, row_json(r, true)});
  });
}

void Backtests::list(storage::BacktestPage page, Done done) {
  post_store(done, [this, page, done]() mutable {
    const auto limit = page.limit;
    ++page.limit;  // one more than asked: whether a page follows
    auto rows = store_.page(page);
    if (!rows) return done(unavailable());
    json next = nullptr;
    if (rows->size() > limit) {
      rows->resize(limit);
      next = rows->back().id;
    }
    json items = json::array();
    for (const auto& row : *rows) items.push_back(row_json(row, false));
    done(Answer{http::status::ok, json{{"items", std::move(items)}, {"next", std::move(next)}}});
  });
}

void Backtests::remove(std::int64_t id, Visible visible, Done done) {
  post_store(done, [this, id, visible = std::move(visible), done] {
    auto row = store_.get(id);
    if (!row) return done(unavailable());
    if (!*row || !visible((*row)->owner_id)) return done(not_found(id));
    std::shared_ptr<Job> job;
    {
      std::lock_guard lock(mutex_);
      if (auto it = jobs_.find(id); it != jobs_.end()) job = it->second;
      if (job && job->state == State::running) {
        // Answered once run() has stopped and written the 'cancelled' row.
        job->cancel = true;
        // The run may end done before it sees the flag (its last batch): then the DELETE deletes.
        job->waiters.push_back([this, done, id](const std::string& status) {
          if (status == "cancelled") return done(Answer{http::status::ok, json{{"id", id}, {"status", "cancelled"}}});
          auto gone = store_.remove(id);
          if (!gone) return done(unavailable());
          done(Answer{http::status::no_content, nullptr});
        });
        return;
      }
      // Queued: finished here (run() skips a job no longer queued). Finishing: its row is final,
      // or about to be; deleting it is still what was asked.
      if (job && job->state == State::queued)
        job->state = State::finishing;
      else
        job.reset();
    }
    if (job) {
      job->data = {};
      finish(job, "cancelled", 0, nullptr, "", nullptr);
      return done(Answer{http::status::ok, json{{"id", id}, {"status", "cancelled"}}});
    }
    auto gone = store_.remove(id);
    if (!gone) return done(unavailable());
    if (!*gone) return done(not_found(id));
    done(Answer{http::status::no_content, nullptr});
  });
}

void Backtests::monte_carlo(std::int64_t id, Visible visible, backtest::MonteCarloSpec spec, Done done) {
  post_store(done, [this, id, visible = std::move(visible), spec, done] {
    auto row = store_.get(id);
    if (!row) return done(unavailable());
    if (!*row || !visible((*row)->owner_id)) return done(not_found(id));
    if ((*row)->status != "done")
      return done(api_error(
          http::status::conflict, "not_done",
          "backtest " + std::to_string(id) + " is " + (*row)->status + "; Monte Carlo needs a finished result",
          {{"status", (*row)->status}}));
    const auto doc = parsed_or_null((*row)->result);
    if (doc.is_object() && doc.contains("kind"))
      return done(api_error(http::status::conflict, "not_single",
                            "backtest " + std::to_string(id) + " is a " + doc["kind"].get<std::string>() +
                                "; Monte Carlo resamples a single backtest's trades",
                            {{"kind", doc["kind"]}}));
    const auto inputs = doc.is_object() ? doc.value("monte_carlo_inputs", json::object()) : json::object();
    const auto pnls = inputs.value("closed_pnls", std::vector<double>{});
    const auto days = inputs.value("daily_returns", std::vector<double>{});
    const double capital = inputs.value("initial_capital", 0.0);
    done(Answer{http::status::ok,
                json{{"id", id},
                     {"paths", spec.paths},
                     {"seed", spec.seed},
                     {"block", spec.block},
                     {"drawdown_threshold", spec.drawdown_threshold},
                     {"trades", monte_carlo_json(backtest::bootstrap_trades(pnls, capital, spec))},
                     {"daily_returns", monte_carlo_json(backtest::block_bootstrap_returns(days, spec))}}});
  });
}

}  // namespace meridian::api
