#pragma once
// One writer per portfolio across processes: a session-level PostgreSQL advisory lock held
// on a dedicated connection for the daemon's lifetime. A second daemon on the same database
// waits (hot standby) until the holder's connection goes away, then takes over.
//
// Taking the lock also bumps portfolios.writer_epoch (the fencing token): the journal
// writer proves it still owns the portfolio in every batch, which closes the window where a
// daemon whose lock connection dropped keeps writing after another has taken over.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "meridian/core/fixed.hpp"

namespace meridian::storage {

// The advisory lock key of a portfolio (a constant prefix keeps it apart from the migration lock).
std::int64_t portfolio_lock_key(std::int64_t portfolio_id) noexcept;

// What a daemon does when its writer finds itself fenced out (another daemon owns the
// portfolio now): nothing it holds in memory was ever shown to a client (trades are visible
// only once durable), so it exits at once (status 3), leaving the portfolio to the new owner;
// systemd may restart it as a standby.
[[noreturn]] void exit_fenced(std::int64_t portfolio_id);

class PortfolioLock {
 public:
  PortfolioLock(std::string database_url, std::int64_t portfolio_id, core::Money initial_capital);
  ~PortfolioLock();
  PortfolioLock(const PortfolioLock&) = delete;
  PortfolioLock& operator=(const PortfolioLock&) = delete;

  // One attempt; on success the portfolio exists and its epoch has been bumped.
  // Throws when the database cannot be reached.
  bool try_acquire();
  bool held() const noexcept { return held_; }
  // The fencing token this process writes under (valid once held).
  std::int64_t epoch() const noexcept { return epoch_; }

  // Once held: a thread that checks the lock connection every `interval` and, after the
  // database comes back from an outage (which drops session locks), takes the lock again,
  // so a daemon started later waits instead of taking over. Stopped by the destructor.
  void start_keeper(std::chrono::milliseconds interval);

 private:
  void keep(std::chrono::milliseconds interval);
  bool relock();

  std::string url_;
  std::int64_t portfolio_id_;
  core::Money initial_capital_;
  std::atomic<bool> held_{false};
  std::atomic<bool> stop_{false};
  std::thread keeper_;
  std::int64_t epoch_ = 0;
  struct Connection;
  std::unique_ptr<Connection> conn_;
};

}  // namespace meridian::storage
