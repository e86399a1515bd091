#pragma once
// The after-the-fact checks of the crash, outage and standby suites: the trades clients saw
// (over WebSocket and REST) against the `trades` table and a restarted daemon, and the daemon's
// cash and positions against a replay of the stored trade log in exact fixed-point
// (meridian::core, the ledger's own arithmetic: notional = price x quantity to 1e-8,
// half-to-even). Checks add non-fatal failures naming the trade; helpers that must succeed
// for the rest to make sense add fatal ones (call them under ASSERT_NO_FATAL_FAILURE).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "meridian/core/fixed.hpp"
#include "support/daemon.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {

// The portfolio a daemon trades on a fresh database.
inline constexpr long long kPortfolioId = 1;

// A daemon on `url` that trades within seconds: SMA 2/3 on fast simulated ticks, every venue
// open (calendars off), so crash, outage and standby checks always have trades to check.
DaemonOptions fast_trading(const std::string& url);

// Runs one statement on a new connection (outside a transaction).
pqxx::result query_database(const std::string& url, const std::string& sql);

// A /ws client on its own thread that keeps every `trade` message's data as it arrives, so a
// message the daemon sent just before a kill -9 is read rather than left in a socket buffer.
class TradeWatcher {
 public:
  // Connects and waits for the `connected` greeting; throws std::runtime_error on failure.
  explicit TradeWatcher(std::uint16_t port);
  ~TradeWatcher();
  TradeWatcher(const TradeWatcher&) = delete;
  TradeWatcher& operator=(const TradeWatcher&) = delete;

  std::size_t count() const noexcept { return count_.load(); }
  long long max_id() const noexcept { return max_id_.load(); }  // 0 before the first trade
  bool closed() const noexcept { return closed_.load(); }       // the server ended the connection
  // Stops reading and returns the trades read, in arrival order.
  std::vector<nlohmann::json> finish();

 private:
  void run();

  std::unique_ptr<WsClient> ws_;  // used by the thread only, until finish() joins it
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> count_{0};
  std::atomic<long long> max_id_{0};
  std::atomic<bool> closed_{false};
  std::vector<nlohmann::json> trades_;  // the thread's, until finish() joins it
  std::thread thread_;
};

// Trades as clients saw them, by id.
class SeenTrades {
 public:
  // Adds a Trade object seen from `source`; an id seen before must be the same trade (a
  // failure names both sightings), and one WebSocket stream must not carry an id twice.
  void add(const nlohmann::json& trade, const std::string& source);
  void add_stream(const std::vector<nlohmann::json>& trades, const std::string& source);
  const std::map<long long, nlohmann::json>& by_id() const noexcept { return trades_; }
  std::size_t size() const noexcept { return trades_.size(); }

 private:
  std::map<long long, nlohmann::json> trades_;
  std::map<long long, std::string> source_;
};

// GET /api/trades, every page (newest first); fatal failure when a page is not 200 JSON.
std::vector<nlohmann::json> served_trades(std::uint16_t port);
// The newest `limit` trades (one page), for polling what a REST client sees.
std::vector<nlohmann::json> recent_trades(std::uint16_t port, int limit = 200);

struct StoredTrade {
  long long id = 0;
  std::string symbol;
  std::string side;
  core::Quantity quantity;
  core::Price price;
  core::Money fee;
};

// The portfolio row, its positions rows and its trade log, read in one transaction (the
// daemon's default portfolio unless another id is given).
struct StoredLedger {
  core::Money initial_cash;
  core::Money cash;
  std::map<std::string, core::Quantity> positions;  // the positions table, zero rows included
  std::vector<StoredTrade> trades;                  // by id
};
StoredLedger load_ledger(const std::string& url, long long portfolio = kPortfolioId);

// cash = initial - sum(buy: notional + fee) + sum(sell: notional - fee); quantity = sum of
// signed quantities per symbol (symbols that end flat are left out).
struct Replay {
  core::Money cash;
  std::map<std::string, core::Quantity> positions;
};
Replay replay(const StoredLedger& ledger);

// Every trade seen is in the table, once, with the same symbol, side, quantity, price and fee.
void expect_seen_trades_stored(const SeenTrades& seen, const StoredLedger& ledger);
// A WebSocket stream has every stored trade between the first and the last it carried: a client
// is sent each trade that becomes durable while it is connected (trades arrive in id order).
void expect_stream_has_no_gap(const std::vector<nlohmann::json>& stream, const StoredLedger& ledger,
                              const std::string& source);

// Every trade seen is among `served` (a daemon's GET /api/trades) with the same fields; no id is
// served twice; what is served is the newest part of the table's log (all of it, unless the
// daemon's in-memory log is full), with no gap.
void expect_seen_trades_served(const SeenTrades& seen, const std::vector<nlohmann::json>& served,
                               const StoredLedger& ledger);
// The stored cash and positions, and the daemon's (GET /api/trading/status, /positions, with
// ?portfolio= for another portfolio), equal the replay of the stored trade log to the last
// 1e-8; its trades_count is the table's.
void expect_ledger_matches_replay(std::uint16_t port, const StoredLedger& ledger, long long portfolio = kPortfolioId);

// Waits until the journal has caught up with a session that became `state`: the session row
// says so (committed after every trade before it), and so does the daemon, which counts as
// many trades as the table.
void wait_settled(const std::string& url, std::uint16_t port, std::string_view state,
                  long long portfolio = kPortfolioId);
// Pauses trading and waits until the journal has caught up (wait_settled "paused").
void pause_and_settle(const std::string& url, std::uint16_t port, long long portfolio = kPortfolioId);
// Resumes a paused session (a session that came back paused after a crash, too).
void resume(std::uint16_t port);

// The seed of a randomised test: env MERIDIAN_E2E_SEED, else a fresh one; printed so that a
// failure can be replayed.
std::uint64_t test_seed(std::string_view suite);

}  // namespace meridian::e2e
