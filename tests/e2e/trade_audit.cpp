#include "trade_audit.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <random>
#include <set>

#include "fixture.hpp"

namespace meridian::e2e {

using nlohmann::json;

namespace {
constexpr auto kPoll = std::chrono::milliseconds(50);

template <class T>
T parse_fixed(const pqxx::field& f, const char* what) {
  auto v = T::parse(f.c_str());
  if (!v) throw std::runtime_error(std::string("unparsable ") + what + " '" + f.c_str() + "' in the database");
  return *v;
}

// A JSON number the daemon rendered from a fixed-point value (to_double): the round trip to
// the nearest 1e-8 is exact for every amount the ledger holds (|raw| < 2^53).
template <class T>
T fixed_from_json(const json& j) {
  return T::from_double(j.get<double>());
}

std::string describe(const StoredTrade& t) {
  return "{id " + std::to_string(t.id) + ", " + t.symbol + " " + t.side + " " + t.quantity.to_string() + " @ " +
         t.price.to_string() + ", fee " + t.fee.to_string() + "}";
}

// The fields that make a trade what it is (what a restart or a second sighting must keep).
bool same_trade(const json& a, const json& b) {
  for (const char* f : {"id", "order_id", "symbol", "side", "quantity", "price", "fee", "ts"})
    if (a.value(f, json()) != b.value(f, json())) return false;
  return true;
}

void expect_same_as_stored(const json& t, const StoredTrade& s, const std::string& where) {
  EXPECT_EQ(t.at("symbol").get<std::string>(), s.symbol) << where << ": symbol of trade " << s.id;
  EXPECT_EQ(t.at("side").get<std::string>(), s.side) << where << ": side of trade " << s.id;
  EXPECT_EQ(fixed_from_json<core::Quantity>(t.at("quantity")), s.quantity)
      << where << ": quantity of trade " << s.id << " " << t.dump() << " vs stored " << describe(s);
  EXPECT_EQ(fixed_from_json<core::Price>(t.at("price")), s.price)
      << where << ": price of trade " << s.id << " " << t.dump() << " vs stored " << describe(s);
  EXPECT_EQ(fixed_from_json<core::Money>(t.at("fee")), s.fee)
      << where << ": fee of trade " << s.id << " " << t.dump() << " vs stored " << describe(s);
}
}  // namespace

DaemonOptions fast_trading(const std::string& url) {
  DaemonOptions o;
  o.database_url = url;
  o.fast_period = 2;
  o.slow_period = 3;
  o.tick_interval_ms = 1;
  o.extra_args = {"--calendars", "off"};
  return o;
}

pqxx::result query_database(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx.exec(sql);
}

TradeWatcher::TradeWatcher(std::uint16_t port) : ws_(std::make_unique<WsClient>(port)) {
  if (!ws_->next_of_type("connected", kDeadline))
    throw std::runtime_error("no `connected` greeting on /ws (" + ws_->close_error() + ")");
  thread_ = std::thread([this] { run(); });
}

TradeWatcher::~TradeWatcher() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void TradeWatcher::run() {
  while (!stop_) {
    auto message = ws_->next(kPoll);
    if (!message) {
      if (!ws_->closed()) continue;
      closed_ = true;  // the daemon went away or dropped us: nothing more can arrive
      return;
    }
    if (type_of(*message) != "trade") continue;
    auto data = message->value("data", json());
    const auto id = data.is_object() ? data.value("id", 0LL) : 0LL;
    trades_.push_back(std::move(data));
    ++count_;
    if (id > max_id_) max_id_ = id;
  }
}

std::vector<json> TradeWatcher::finish() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return trades_;
}

void SeenTrades::add(const json& trade, const std::string& source) {
  if (!trade.is_object() || !trade.contains("id") || !trade["id"].is_number_integer()) {
    ADD_FAILURE() << source << ": a trade without an integer id: " << trade.dump();
    return;
  }
  const auto id = trade["id"].get<long long>();
  auto [it, fresh] = trades_.try_emplace(id, trade);
  if (fresh) {
    source_[id] = source;
    return;
  }
  EXPECT_TRUE(same_trade(it->second, trade))
      << "trade id " << id << " names two different trades: " << it->second.dump() << " (" << source_[id] << ") and "
      << trade.dump() << " (" << source << ")";
}

void SeenTrades::add_stream(const std::vector<json>& trades, const std::string& source) {
  std::set<long long> ids;
  for (const auto& t : trades) {
    add(t, source);
    if (t.is_object() && t.contains("id") && t["id"].is_number_integer()) {
      EXPECT_TRUE(ids.insert(t["id"].get<long long>()).second)
          << source << " carried trade " << t["id"] << " twice: " << t.dump();
    }
  }
}

std::vector<json> served_trades(std::uint16_t port) {
  std::vector<json> out;
  std::string target = "/api/trades?limit=5000";
  for (;;) {
    const auto page = get_json(port, target);
    if (!page.is_object() || !page.contains("items") || !page["items"].is_array()) {
      ADD_FAILURE() << "GET " << target << " is not a trade page: " << page.dump();
      return out;
    }
    for (const auto& t : page["items"]) out.push_back(t);
    if (!page.contains("next") || page["next"].is_null() || page["items"].empty()) return out;
    target = "/api/trades?limit=5000&before=" + page["next"].dump();
  }
}

std::vector<json> recent_trades(std::uint16_t port, int limit) {
  const auto page = http_get(port, "/api/trades?limit=" + std::to_string(limit)).json();
  if (!page.is_object() || !page.contains("items") || !page["items"].is_array()) return {};
  return page["items"].get<std::vector<json>>();
}

StoredLedger load_ledger(const std::string& url, long long portfolio_id) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);  // one snapshot of the three tables
  const auto portfolio = std::to_string(portfolio_id);
  StoredLedger out;
  const auto pf = tx.exec("SELECT initial_cash, cash FROM portfolios WHERE id = " + portfolio);
  if (pf.size() != 1) throw std::runtime_error("no portfolio " + portfolio + " in the database");
  out.initial_cash = parse_fixed<core::Money>(pf[0][0], "initial_cash");
  out.cash = parse_fixed<core::Money>(pf[0][1], "cash");
  for (const auto& r : tx.exec("SELECT symbol, quantity FROM positions WHERE portfolio_id = " + portfolio))
    out.positions[r[0].c_str()] = parse_fixed<core::Quantity>(r[1], "positions.quantity");
  for (const auto& r : tx.exec("SELECT id, symbol, side, quantity, price, fee FROM trades WHERE portfolio_id = " +
                               portfolio + " ORDER BY id"))
    out.trades.push_back(
        {r[0].as<long long>(), r[1].c_str(), r[2].c_str(), parse_fixed<core::Quantity>(r[3], "trades.quantity"),
         parse_fixed<core::Price>(r[4], "trades.price"), parse_fixed<core::Money>(r[5], "trades.fee")});
  tx.commit();
  return out;
}

Replay replay(const StoredLedger& ledger) {
  Replay out{ledger.initial_cash, {}};
  for (const auto& t : ledger.trades) {
    const auto value = core::notional(t.price, t.quantity);
    auto& q = out.positions[t.symbol];
    if (t.side == "buy") {
      out.cash -= value + t.fee;
      q += t.quantity;
    } else {
      out.cash += value - t.fee;
      q -= t.quantity;
    }
  }
  std::erase_if(out.positions, [](const auto& p) { return p.second.is_zero(); });
  return out;
}

void expect_seen_trades_stored(const SeenTrades& seen, const StoredLedger& ledger) {
  std::map<long long, const StoredTrade*> stored;
  for (const auto& t : ledger.trades)
    EXPECT_TRUE(stored.emplace(t.id, &t).second) << "trade " << t.id << " is stored twice";
  std::size_t missing = 0;
  for (const auto& [id, t] : seen.by_id()) {
    auto it = stored.find(id);
    if (it == stored.end()) {
      if (++missing <= 20) ADD_FAILURE() << "trade " << id << " was seen by a client but is not stored: " << t.dump();
      continue;
    }
    expect_same_as_stored(t, *it->second, "stored");
  }
  EXPECT_EQ(missing, 0u) << "trades seen by clients but missing from the trades table (of " << seen.size() << ")";
}

void expect_stream_has_no_gap(const std::vector<json>& stream, const StoredLedger& ledger, const std::string& source) {
  std::set<long long> ids;
  for (const auto& t : stream)
    if (t.is_object() && t.contains("id") && t["id"].is_number_integer()) ids.insert(t["id"].get<long long>());
  if (ids.empty()) return;
  std::vector<long long> skipped;
  for (const auto& t : ledger.trades)
    if (t.id > *ids.begin() && t.id < *ids.rbegin() && !ids.contains(t.id)) skipped.push_back(t.id);
  EXPECT_TRUE(skipped.empty()) << source << " skipped " << skipped.size() << " stored trades between trade "
                               << *ids.begin() << " and " << *ids.rbegin() << ", the first: " << skipped.front();
}

void expect_seen_trades_served(const SeenTrades& seen, const std::vector<json>& served, const StoredLedger& ledger) {
  std::map<long long, const json*> by_id;
  for (const auto& t : served)
    EXPECT_TRUE(by_id.emplace(t.at("id").get<long long>(), &t).second)
        << "GET /api/trades lists trade " << t.at("id") << " twice";
  std::size_t missing = 0;
  for (const auto& [id, t] : seen.by_id()) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      if (++missing <= 20) ADD_FAILURE() << "trade " << id << " was seen before but is not served now: " << t.dump();
      continue;
    }
    EXPECT_TRUE(same_trade(*it->second, t))
        << "trade " << id << " changed: seen " << t.dump() << ", served now " << it->second->dump();
  }
  EXPECT_EQ(missing, 0u) << "trades seen before but missing from GET /api/trades (of " << seen.size() << ")";
  // The daemon keeps the newest trades in memory: what it serves is the newest part of the table.
  std::set<long long> stored_ids, served_ids;
  for (const auto& t : ledger.trades) stored_ids.insert(t.id);
  for (const auto& [id, t] : by_id) served_ids.insert(id);
  std::set<long long> expected;
  if (!served_ids.empty())
    for (auto it = stored_ids.lower_bound(*served_ids.begin()); it != stored_ids.end(); ++it) expected.insert(*it);
  EXPECT_EQ(served_ids, expected) << "GET /api/trades (" << served_ids.size()
                                  << " trades) is not the newest part of the trades table (" << stored_ids.size()
                                  << ")";
  EXPECT_EQ(served_ids.empty(), stored_ids.empty())
      << "GET /api/trades serves " << served_ids.size() << " trades, the table holds " << stored_ids.size();
}

void expect_ledger_matches_replay(std::uint16_t port, const StoredLedger& ledger, long long portfolio) {
  const std::string which = portfolio == kPortfolioId ? "" : "?portfolio=" + std::to_string(portfolio);
  const auto expected = replay(ledger);
  EXPECT_EQ(ledger.cash, expected.cash) << "stored cash " << ledger.cash.to_string()
                                        << " is not the replay of the trade log (" << expected.cash.to_string() << ", "
                                        << ledger.trades.size() << " trades)";
  for (const auto& [symbol, q] : ledger.positions) {
    const auto it = expected.positions.find(symbol);
    EXPECT_EQ(q, it == expected.positions.end() ? core::Quantity{} : it->second)
        << "stored position " << symbol << " is not the replay of the trade log";
  }
  for (const auto& [symbol, q] : expected.positions)
    EXPECT_TRUE(ledger.positions.contains(symbol))
        << "the trade log leaves " << q.to_string() << " " << symbol << " open but the positions table has no row";

  const auto status = get_json(port, "/api/trading/status" + which);
  ASSERT_TRUE(status.is_object() && status.contains("cash")) << status.dump();
  EXPECT_EQ(fixed_from_json<core::Money>(status.at("cash")), expected.cash)
      << "the daemon's cash " << status.at("cash") << " is not the replay of the trade log ("
      << expected.cash.to_string() << ")";
  EXPECT_EQ(fixed_from_json<core::Money>(status.at("initial_capital")), ledger.initial_cash);
  EXPECT_EQ(status.value("trades_count", -1LL), static_cast<long long>(ledger.trades.size()))
      << "the daemon counts another number of trades than the table holds";

  std::map<std::string, core::Quantity> open;
  const auto positions = get_json(port, "/api/trading/positions" + which);
  for (const auto& p : positions.at("items"))
    open[p.at("symbol").get<std::string>()] = fixed_from_json<core::Quantity>(p.at("quantity"));
  std::erase_if(open, [](const auto& p) { return p.second.is_zero(); });
  EXPECT_EQ(open.size(), expected.positions.size()) << "open positions served and replayed differ in number";
  for (const auto& [symbol, q] : expected.positions) {
    const auto it = open.find(symbol);
    EXPECT_EQ(it == open.end() ? core::Quantity{} : it->second, q)
        << "the daemon's " << symbol << " position is not the replay of the trade log";
  }
}

void wait_settled(const std::string& url, std::uint16_t port, std::string_view state, long long portfolio_id) {
  std::string last;
  const auto portfolio = std::to_string(portfolio_id);
  const std::string which = portfolio_id == kPortfolioId ? "" : "?portfolio=" + portfolio;
  const bool settled = poll_until(
      [&] {
        const auto session =
            query_database(url, "SELECT state FROM trading_sessions WHERE portfolio_id = " + portfolio +
                                    " ORDER BY updated_at DESC, id DESC LIMIT 1");
        const auto stored =
            query_database(url, "SELECT count(*) FROM trades WHERE portfolio_id = " + portfolio)[0][0].as<long long>();
        const auto status = http_get(port, "/api/trading/status" + which).json();
        last = "session row " + std::string(session.empty() ? "none" : session[0][0].c_str()) + ", trades table " +
               std::to_string(stored) + ", status " + status.dump();
        return !session.empty() && std::string_view(session[0][0].c_str()) == state && status.is_object() &&
               status.value("state", "") == state && status.value("trades_count", -1LL) == stored;
      },
      kDeadline, kPoll);
  ASSERT_TRUE(settled) << "the journal did not settle after the session became " << state << ": " << last;
}

void pause_and_settle(const std::string& url, std::uint16_t port, long long portfolio) {
  const std::string which = portfolio == kPortfolioId ? "" : "?portfolio=" + std::to_string(portfolio);
  const auto paused = http_post(port, "/api/trading/pause" + which);
  // 409: already paused (a session that came back paused).
  ASSERT_TRUE(paused.status == 200 || paused.status == 409)
      << "POST /api/trading/pause: " << paused.status << " " << paused.body;
  wait_settled(url, port, "paused", portfolio);
}

void resume(std::uint16_t port) {
  if (session_state(port) != "paused") return;
  const auto r = http_post(port, "/api/trading/resume");
  ASSERT_EQ(r.status, 200) << "POST /api/trading/resume: " << r.body;
}

std::uint64_t test_seed(std::string_view suite) {
  const char* env = std::getenv("MERIDIAN_E2E_SEED");
  const std::uint64_t seed = env && *env ? std::strtoull(env, nullptr, 10) : std::random_device{}();
  std::cout << "[ SEED     ] " << suite << " seed " << seed << " (rerun with MERIDIAN_E2E_SEED=" << seed << ")\n";
  return seed;
}

}  // namespace meridian::e2e
