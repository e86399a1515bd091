#include "meridian/storage/audit_writer.hpp"

#include <pqxx/pqxx>

#include "pg_array.hpp"
#include "pg_codec.hpp"
#include "pg_failure.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

struct AuditWriter::Connection {
  explicit Connection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

namespace {

constexpr std::size_t kMaxBatch = 512;
constexpr auto kBackoffMin = std::chrono::milliseconds(100);
constexpr auto kBackoffMax = std::chrono::milliseconds(5000);
constexpr std::int64_t kDropWarningEveryMs = 10'000;

constexpr const char* kInsertSql =
    "INSERT INTO audit_log (at, user_id, role, api_key_id, address, method, route, path, portfolio_id, params,"
    " status, result) SELECT * FROM unnest($1::timestamptz[], $2::bigint[], $3::text[], $4::bigint[], $5::text[],"
    " $6::text[], $7::text[], $8::text[], $9::bigint[], $10::jsonb[], $11::int[], $12::text[])";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The batch's columns, one array literal each (PgArray), for kInsertSql.
struct Columns {
  PgArray at, user_id, role, api_key_id, address, method, route, path, portfolio_id, params, status, result;

  void add(const AuditEntry& e) {
    at.add(pg::text(e.at));
    e.user_id ? user_id.add_plain(static_cast<long long>(e.user_id)) : user_id.add_null();
    role.add(auth::to_string(e.role));
    e.api_key_id ? api_key_id.add_plain(static_cast<long long>(e.api_key_id)) : api_key_id.add_null();
    e.address.empty() ? address.add_null() : address.add(e.address);
    method.add(e.method);
    route.add(e.route);
    path.add(e.path);
    e.portfolio_id ? portfolio_id.add_plain(static_cast<long long>(*e.portfolio_id)) : portfolio_id.add_null();
    params.add(e.params.empty() ? std::string_view("{}") : std::string_view(e.params));
    status.add_plain(e.status);
    result.add(e.result);
  }
};

}  // namespace

AuditWriter::AuditWriter(std::string database_url, std::size_t capacity)
    : url_(std::move(database_url)), capacity_(capacity) {}

AuditWriter::~AuditWriter() {
  stop(std::chrono::milliseconds(0));
}

void AuditWriter::start() {
  thread_ = std::thread([this] { run(); });
}

void AuditWriter::record(AuditEntry&& entry) noexcept {
  bool stopped = false;
  {
    std::lock_guard lock(mutex_);
    stopped = stopping_;
    if (!stopped && queue_.size() < capacity_) {
      queue_.push_back(std::move(entry));
      ready_.notify_one();
      return;
    }
  }
  note_drop(1, stopped ? "the writer has stopped" : "the queue is full");
}

void AuditWriter::note_drop(std::uint64_t n, const char* why) noexcept {
  const auto total = dropped_.fetch_add(n, std::memory_order_relaxed) + n;
  // One warning every few seconds: a full queue under load must not flood the log as well.
  auto last = last_drop_warning_ms_.load(std::memory_order_relaxed);
  const auto now = now_ms();
  if (last != 0 && now - last < kDropWarningEveryMs) return;
  if (!last_drop_warning_ms_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return;
  try {
    storage_log()->warn("audit trail: rows dropped ({}); {} dropped since start", why, total);
  } catch (...) {
    // A log that cannot be written loses the warning, never the request.
  }
}

void AuditWriter::stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  if (!thread_.joinable()) return;
  {
    // The thread ends by itself once the queue is written; past the grace it gives up.
    std::unique_lock lock(mutex_);
    drained_.wait_for(lock, grace, [this] { return queue_.empty() && !in_flight_; });
    give_up_ = true;
  }
  ready_.notify_all();
  thread_.join();
}

AuditWriterStats AuditWriter::stats() const {
  AuditWriterStats s;
  s.connected = connected_.load(std::memory_order_relaxed);
  s.written = written_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  s.refused = refused_.load(std::memory_order_relaxed);
  s.failures = failures_.load(std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  s.queued = queue_.size();
  return s;
}

void AuditWriter::sleep_backoff(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, d, [this] { return give_up_; });
}

void AuditWriter::write(const std::vector<AuditEntry>& batch) {
  if (!conn_) {
    conn_ = std::make_unique<Connection>(url_);
    connected_ = true;
  }
  Columns c;
  for (const auto& e : batch) c.add(e);
  pqxx::work tx(conn_->conn);
  tx.exec_params0(kInsertSql, c.at.str(), c.user_id.str(), c.role.str(), c.api_key_id.str(), c.address.str(),
                  c.method.str(), c.route.str(), c.path.str(), c.portfolio_id.str(), c.params.str(), c.status.str(),
                  c.result.str());
  tx.commit();
}

void AuditWriter::write_row_by_row(std::vector<AuditEntry>& batch) {
  std::vector<AuditEntry> one(1);
  std::size_t done = 0;
  try {
    for (; done < batch.size(); ++done) {
      one[0] = std::move(batch[done]);
      try {
        write(one);
        written_.fetch_add(1, std::memory_order_relaxed);
      } catch (const std::exception& ex) {
        if (classify(ex) == Failure::transient) {
          batch[done] = std::move(one[0]);
          throw;
        }
        refused_.fetch_add(1, std::memory_order_relaxed);
        storage_log()->error("audit trail: the database refused the row of {} {} (status {}), dropped: {}",
                             one[0].method, one[0].route, one[0].status, ex.what());
      }
    }
  } catch (...) {
    // The rows written or refused leave the batch; the rest is retried.
    batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(done));
    throw;
  }
  batch.clear();
}

void AuditWriter::run() {
  std::vector<AuditEntry> batch;
  batch.reserve(kMaxBatch);
  auto backoff = kBackoffMin;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (give_up_) break;
      if (batch.empty()) {
        in_flight_ = false;
        drained_.notify_all();
        ready_.wait(lock, [this] { return !queue_.empty() || stopping_ || give_up_; });
        if (give_up_ || queue_.empty()) break;
        while (!queue_.empty() && batch.size() < kMaxBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        in_flight_ = true;
      }
    }
    try {
      try {
        write(batch);
        written_.fetch_add(batch.size(), std::memory_order_relaxed);
        batch.clear();
      } catch (const std::exception& e) {
        if (classify(e) != Failure::refused) throw;
        storage_log()->warn("audit trail: a batch of {} rows was refused ({}): writing it row by row", batch.size(),
                            sqlstate_of(e));
        write_row_by_row(batch);
      }
      backoff = kBackoffMin;
    } catch (const std::exception& e) {
      // A lost connection or another transient failure: keep the batch, retry with backoff. (A
      // commit whose outcome is unknown may be written twice: an audit row repeated beats one lost.)
      failures_.fetch_add(1, std::memory_order_relaxed);
      if (connected_ || failures_ == 1) storage_log()->error("audit trail: write failed, retrying: {}", e.what());
      conn_.reset();
      connected_ = false;
      sleep_backoff(backoff);
      backoff = std::min(backoff * 2, kBackoffMax);
    }
  }
  std::size_t lost = batch.size();
  {
    std::lock_guard lock(mutex_);
    lost += queue_.size();
    queue_.clear();
    in_flight_ = false;
  }
  drained_.notify_all();
  if (lost) {
    dropped_.fetch_add(lost, std::memory_order_relaxed);
    storage_log()->error("audit trail: stopped with {} rows unwritten (the database did not take them): they are lost",
                         lost);
  }
}

}  // namespace meridian::storage
