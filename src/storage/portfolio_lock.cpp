#include "meridian/storage/portfolio_lock.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <pqxx/pqxx>

#include "portfolio_rows.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

struct PortfolioLock::Connection {
  explicit Connection(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

std::int64_t portfolio_lock_key(std::int64_t portfolio_id) noexcept {
  // "MP" (Meridian portfolio) in the top bits; the migration lock uses another constant.
  return (static_cast<std::int64_t>(0x4d50) << 48) | (portfolio_id & 0xffffffffffff);
}

void exit_fenced(std::int64_t portfolio_id) {
  storage_log()->critical("fenced out of portfolio {} by another daemon: exiting", portfolio_id);
  spdlog::shutdown();
  std::_Exit(3);
}

namespace {
// Session-level: held until the connection closes, which the server notices at once when the
// process dies (kill -9 included), releasing it to a standby.
bool try_lock(pqxx::nontransaction& q, std::int64_t portfolio_id) {
  return q.exec_params1("SELECT pg_try_advisory_lock($1)", portfolio_lock_key(portfolio_id))[0].as<bool>();
}
}  // namespace

PortfolioLock::PortfolioLock(std::string database_url, std::int64_t portfolio_id, core::Money initial_capital)
    : url_(std::move(database_url)), portfolio_id_(portfolio_id), initial_capital_(initial_capital) {}

PortfolioLock::~PortfolioLock() {
  stop_ = true;
  if (keeper_.joinable()) keeper_.join();
}

void PortfolioLock::start_keeper(std::chrono::milliseconds interval) {
  keeper_ = std::thread([this, interval] { keep(interval); });
}

void PortfolioLock::keep(std::chrono::milliseconds interval) {
  bool warned = false;
  while (!stop_) {
    for (auto waited = std::chrono::milliseconds(0); waited < interval && !stop_;
         waited += std::chrono::milliseconds(20))
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (stop_) break;
    try {
      if (held_ && conn_) {
        pqxx::nontransaction(conn_->conn).exec("SELECT 1");
        continue;
      }
      if (relock()) {
        storage_log()->info("portfolio {} lock taken again after the database connection was lost", portfolio_id_);
        warned = false;
      }
    } catch (const std::exception& e) {
      conn_.reset();
      if (held_.exchange(false) || !warned)
        storage_log()->warn(
            "portfolio {} lock connection lost ({}); the journal writer's epoch check still fences writes",
            portfolio_id_, e.what());
      warned = true;
    }
  }
}

// After a lost connection: the lock is ours again only if nobody bumped the epoch meanwhile.
bool PortfolioLock::relock() {
  if (!conn_) conn_ = std::make_unique<Connection>(url_);
  pqxx::nontransaction q(conn_->conn);
  if (!try_lock(q, portfolio_id_)) return false;
  const auto current =
      q.exec_params1("SELECT writer_epoch FROM portfolios WHERE id = $1", portfolio_id_)[0].as<long long>();
  if (current != epoch_) {
    // Another daemon took over while we were cut off: let go; our writer is fenced.
    q.exec_params("SELECT pg_advisory_unlock($1)", portfolio_lock_key(portfolio_id_));
    storage_log()->error("portfolio {} was taken over by another daemon (epoch {} > {})", portfolio_id_, current,
                         epoch_);
    stop_ = true;
    return false;
  }
  held_ = true;
  return true;
}

bool PortfolioLock::try_acquire() {
  if (held_) return true;
  if (!conn_) conn_ = std::make_unique<Connection>(url_);
  try {
    pqxx::nontransaction q(conn_->conn);
    if (!try_lock(q, portfolio_id_)) return false;
  } catch (const pqxx::broken_connection&) {
    conn_.reset();
    throw;
  }
  pqxx::work tx(conn_->conn);
  ensure_portfolio(tx, portfolio_id_, initial_capital_);
  epoch_ = tx.exec_params1("UPDATE portfolios SET writer_epoch = writer_epoch + 1 WHERE id = $1 RETURNING writer_epoch",
                           portfolio_id_)[0]
               .as<long long>();
  tx.commit();
  held_ = true;
  storage_log()->info("portfolio {} locked by this daemon (writer epoch {})", portfolio_id_, epoch_);
  return true;
}

}  // namespace meridian::storage
