#include "meridian/storage/system_logs.hpp"

#include <pqxx/pqxx>

#include "pg_array.hpp"
#include "pg_codec.hpp"
#include "pg_failure.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

struct SystemLogWriter::Connection {
  explicit Connection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

namespace {

constexpr auto kBackoffMin = std::chrono::milliseconds(100);
constexpr auto kBackoffMax = std::chrono::milliseconds(5000);

constexpr const char* kInsertSql =
    "INSERT INTO system_logs (created_at, level, logger, message)"
    " SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[])";

const std::string kPageSql = "SELECT id, " + pg::micros_of("created_at", "at_us") +
                             ", level, logger, message FROM system_logs"
                             " WHERE ($1::bigint = 0 OR id < $1) AND level = ANY($2::text[])"
                             " AND ($3::text = '' OR logger = $3) AND ($4::timestamptz IS NULL OR created_at >= $4)"
                             " ORDER BY id DESC LIMIT $5";

// PostgreSQL text holds no NUL; a message with one keeps the rest.
std::string without_nul(const std::string& s) {
  std::string out = s;
  std::erase(out, '\0');
  return out;
}

}  // namespace

SystemLogWriter::SystemLogWriter(std::string database_url, core::LogRecords& records,
                                 std::chrono::milliseconds interval, std::size_t capacity)
    : url_(std::move(database_url)), records_(records), interval_(interval), capacity_(capacity) {}

SystemLogWriter::~SystemLogWriter() {
  stop(std::chrono::milliseconds(0));
}

void SystemLogWriter::start() {
  records_.enable_queue(true);
  thread_ = std::thread([this] { run(); });
}

void SystemLogWriter::stop(std::chrono::milliseconds grace) {
  records_.enable_queue(false);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    give_up_at_ = std::chrono::steady_clock::now() + grace;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SystemLogWriterStats SystemLogWriter::stats() const {
  return {written_.load(std::memory_order_relaxed), dropped_.load(std::memory_order_relaxed),
          failures_.load(std::memory_order_relaxed)};
}

void SystemLogWriter::write(const std::vector<core::LogRecord>& batch) {
  if (!conn_) conn_ = std::make_unique<Connection>(url_);
  PgArray at, level, logger, message;
  for (const auto& r : batch) {
    at.add(pg::text(r.at));
    level.add(r.level);
    logger.add(without_nul(r.logger));
    message.add(without_nul(r.message));
  }
  pqxx::work tx(conn_->conn);
  tx.exec_params0(kInsertSql, at.str(), level.str(), logger.str(), message.str());
  tx.commit();
}

void SystemLogWriter::run() {
  std::vector<core::LogRecord> batch;
  auto backoff = kBackoffMin;
  bool failing = false;
  for (;;) {
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      if (!stopping_) wake_.wait_for(lock, failing ? backoff : interval_, [this] { return stopping_; });
      stopping = stopping_;
      // Stopping with the database down: waiting out the grace would not bring it back.
      if (stopping && failing) break;
    }
    records_.take_queued(batch);
    if (batch.size() > capacity_) {  // the oldest go first: the newest say most about now
      const auto excess = batch.size() - capacity_;
      dropped_.fetch_add(excess, std::memory_order_relaxed);
      batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(excess));
    }
    if (!batch.empty()) {
      try {
        write(batch);
        written_.fetch_add(batch.size(), std::memory_order_relaxed);
        batch.clear();
        if (failing) storage_log()->info("system logs: writing again");
        failing = false;
        backoff = kBackoffMin;
      } catch (const std::exception& e) {
        conn_.reset();
        failures_.fetch_add(1, std::memory_order_relaxed);
        if (classify(e) == Failure::refused) {
          dropped_.fetch_add(batch.size(), std::memory_order_relaxed);
          batch.clear();
        } else {
          if (!failing) storage_log()->warn("system logs: cannot write, retrying with backoff: {}", e.what());
          if (failing) backoff = std::min(backoff * 2, kBackoffMax);
          failing = true;
        }
      }
    }
    if (stopping && (batch.empty() || std::chrono::steady_clock::now() >= give_up_at_)) break;
  }
  records_.take_queued(batch);
  dropped_.fetch_add(batch.size(), std::memory_order_relaxed);
}

core::Result<std::vector<core::LogRecord>> SystemLogStore::page(const core::LogFilter& f, std::size_t limit) const {
  try {
    PgArray levels;
    for (const char* name : {"trace", "debug", "info", "warn", "error", "critical"})
      if (core::level_rank(name) >= f.min_level) levels.add(name);
    std::optional<std::string> since;
    if (f.since) since = pg::text(*f.since);
    pqxx::connection conn(url_);
    pqxx::read_transaction tx(conn);
    const auto rows = tx.exec_params(kPageSql, static_cast<long long>(f.before), levels.str(), f.module, since,
                                     static_cast<long long>(limit));
    std::vector<core::LogRecord> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
      core::LogRecord rec;
      rec.id = r["id"].as<unsigned long long>();
      rec.at = pg::micros(r["at_us"]);
      rec.level = r["level"].c_str();
      rec.logger = r["logger"].c_str();
      rec.message = r["message"].c_str();
      out.push_back(std::move(rec));
    }
    return out;
  } catch (const std::exception& e) {
    storage_log()->warn("system logs: cannot read: {}", e.what());
    return core::Errc::unavailable;
  }
}

}  // namespace meridian::storage
