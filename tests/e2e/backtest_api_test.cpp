// Backtests over REST and the WebSocket end to end (#14 items 3 and 5): a real meridiand on a
// real database. Submit -> progress over /ws -> result -> Monte Carlo -> delete; a cancel mid-run
// leaves a 'cancelled' row and nothing in the live tables; bad input is refused naming the field
// (unknown class, no data, too large) and one backtest more than the bound is 429 with
// Retry-After; with auth on another user's backtest answers 404 as one that does not exist.
#include <chrono>
#include <future>
#include <set>

#include "auth_client.hpp"
#include "fixture.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Simulated bars (every instrument of the daemon, one a minute), seeded: reproducible.
json request(const std::string& from, const std::string& to, const std::string& data = "sim:42") {
  return {{"strategy", {{"class", "sma_crossover"}, {"fast_period", 5}, {"slow_period", 20}}},
          {"symbols", {"BTC-USD"}},
          {"from", from},
          {"to", to},
          {"data", data}};
}
// Long enough to watch (and cancel) mid-run; short enough to load in well under a second.
json long_request() {
  return request("2025-01-01T00:00:00Z", "2025-07-01T00:00:00Z");
}
json short_request() {
  return request("2025-01-01T00:00:00Z", "2025-01-15T00:00:00Z");
}

// POST /api/backtest (and /sweep) answers once the bars are loaded (half a simulated year
// under ASan on a loaded machine takes seconds): a deadline of its own.
HttpResponse post_backtest(std::uint16_t port, const json& body, const Headers& who = {},
                           std::string target = "/api/backtest") {
  HttpRequest r;
  r.method = "POST";
  r.target = std::move(target);
  r.body = body.dump();
  r.headers = who;
  r.headers.emplace_back("Content-Type", "application/json");
  return http_request(port, r, std::chrono::seconds(120));
}

long long submit(std::uint16_t port, const json& body, const Headers& who = {}) {
  auto accepted = expect_json_response(post_backtest(port, body, who), 202, "POST /api/backtest");
  EXPECT_EQ(accepted["status"], "queued");
  return accepted.value("id", 0LL);
}

std::string path(long long id) {
  return "/api/backtest/" + std::to_string(id);
}

json get_backtest(std::uint16_t port, long long id, const Headers& who = {}) {
  return expect_json_response(http_get(port, path(id), who), 200, "GET " + path(id));
}

// Polls the backtest until `done` holds for it; its last state.
json wait_for(std::uint16_t port, long long id, const std::function<bool(const json&)>& done, const Headers& who = {}) {
  json last;
  poll_until(
      [&] {
        last = http_get(port, path(id), who).json();
        return last.is_object() && done(last);
      },
      std::chrono::seconds(120));
  return last;
}

long long count(TestDatabase& db, const std::string& table) {
  return db.query("SELECT count(*) FROM " + table)[0][0].as<long long>();
}

class Backtests : public SharedDaemonTest<Backtests> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;  // no live trading: the live tables stay as the backtests leave them
    return o;
  }
};

TEST_F(Backtests, SubmitProgressOverTheWebSocketResultMonteCarloDelete) {
  WsClient ws(port(), "/ws");
  ASSERT_TRUE(ws.next_of_type("connected", 5s));
  const auto id = submit(port(), long_request());
  ASSERT_GT(id, 0);

  auto progress = ws.next_matching(
      [&](const json& m) { return m.value("type", "") == "backtest" && m.value("id", 0LL) == id; }, 60s);
  ASSERT_TRUE(progress) << "a backtest message about " << id;
  for (const char* field : {"percent", "bars_done", "bars_total", "bars_per_second", "eta_seconds", "status"})
    EXPECT_TRUE(progress->contains(field)) << field << " in " << progress->dump();
  auto final = progress->value("status", "") != "running"
                   ? progress
                   : ws.next_matching(
                         [&](const json& m) {
                           return m.value("type", "") == "backtest" && m.value("id", 0LL) == id &&
                                  m.value("status", "") != "running";
                         },
                         120s);
  ASSERT_TRUE(final);
  EXPECT_EQ((*final)["status"], "done") << final->dump();
  EXPECT_EQ((*final)["percent"], 100.0);
  ASSERT_TRUE((*final)["metrics"].is_object());

  const auto result = get_backtest(port(), id);
  EXPECT_EQ(result["status"], "done");
  EXPECT_EQ(result["progress"], 100.0);
  EXPECT_EQ(result["metrics"], (*final)["metrics"]) << "the WebSocket's metrics are the result's";
  EXPECT_TRUE(result["trades"].is_array());
  EXPECT_FALSE(result["trades"].empty()) << "an SMA 5/20 crossover trades over six months of minutes";
  EXPECT_FALSE(result["equity_curve"].empty());
  EXPECT_EQ(result["drawdown_curve"].size(), result["equity_curve"].size());
  EXPECT_EQ(result["request"], long_request());
  EXPECT_FALSE(result.contains("monte_carlo_inputs"));

  const auto listed = get_json(port(), "/api/backtests?limit=50");
  std::set<long long> ids;
  for (const auto& item : listed["items"]) ids.insert(item.value("id", 0LL));
  EXPECT_TRUE(ids.contains(id));

  const json mc_body{{"paths", 500}, {"seed", 7}};
  auto mc = expect_json_response(post_json(port(), path(id) + "/monte-carlo", mc_body), 200, "monte carlo");
  EXPECT_EQ(mc["trades"]["paths"], 500);
  EXPECT_EQ(mc["daily_returns"]["paths"], 500);
  EXPECT_GT(mc["trades"]["steps"], 0);
  auto again = expect_json_response(post_json(port(), path(id) + "/monte-carlo", mc_body), 200, "monte carlo again");
  EXPECT_EQ(again, mc) << "seeded: the same figures";
  auto defaults = expect_json_response(post_json(port(), path(id) + "/monte-carlo", json::object()), 200, "defaults");
  EXPECT_EQ(defaults["paths"], 1000);
  auto too_many = expect_error(post_json(port(), path(id) + "/monte-carlo", {{"paths", 100'001}}), 422, "invalid_field",
                               "paths above the maximum");
  EXPECT_EQ(too_many["error"]["details"]["field"], "paths");

  auto gone = call(port(), "DELETE", path(id));
  EXPECT_EQ(gone.status, 204) << gone.body;
  expect_error(http_get(port(), path(id)), 404, "not_found", "a deleted backtest");
  expect_error(call(port(), "DELETE", path(id)), 404, "not_found", "deleted twice");
}

TEST_F(Backtests, CancelMidRunLeavesACancelledRowAndNothingInTheLiveTables) {
  const auto trades = count(db(), "trades");
  const auto orders = count(db(), "orders");
  // Three symbols over a year: long enough to be caught running.
  auto year = request("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
  year["symbols"] = {"BTC-USD", "ETH-USD", "SOL-USD"};
  const auto id = submit(port(), year);
  const auto running = wait_for(
      port(), id, [](const json& b) { return b.value("status", "") != "queued" && b.value("progress", 0.0) > 0; });
  ASSERT_EQ(running["status"], "running") << running.dump();
  auto cancelled = call(port(), "DELETE", path(id));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["status"], "cancelled");
  const auto row = get_backtest(port(), id);
  EXPECT_EQ(row["status"], "cancelled");
  EXPECT_LT(row["progress"].get<double>(), 100.0);
  EXPECT_FALSE(row.contains("trades")) << "a cancelled run keeps no partial result";
  EXPECT_EQ(db().query("SELECT status FROM backtest_results WHERE id = " + std::to_string(id))[0][0].c_str(),
            std::string("cancelled"));
  EXPECT_EQ(count(db(), "trades"), trades) << "a backtest writes no live trade";
  EXPECT_EQ(count(db(), "orders"), orders) << "nor any order";
  // A finished (cancelled) one is deleted by a second DELETE.
  EXPECT_EQ(call(port(), "DELETE", path(id)).status, 204);
}

TEST_F(Backtests, BadInputIsRefusedNamingTheField) {
  auto body = short_request();
  body["strategy"]["class"] = "no_such_strategy";
  auto unknown = expect_error(post_backtest(port(), body), 422, "invalid_field", "unknown class");
  EXPECT_EQ(unknown["error"]["details"]["field"], "strategy.class");

  body = short_request();
  body["nonsense"] = 1;
  EXPECT_EQ(
      expect_error(post_backtest(port(), body), 422, "invalid_field", "unknown field")["error"]["details"]["field"],
      "nonsense");

  // Nothing stored in 2020: the database source has no bars there.
  auto none =
      expect_error(post_json(port(), "/api/backtest", request("2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z", "db")),
                   422, "no_data", "a range without bars");
  EXPECT_EQ(none["error"]["details"]["field"], "symbols");
  EXPECT_NE(none["error"]["message"].get<std::string>().find("BTC-USD"), std::string::npos) << none.dump();

  // Symbols as the seeds' clients write them resolve as on every route ("btcusdt" is BTC-USD:
  // the refusal is about its bars, not its name).
  auto aliased = request("2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z", "db");
  aliased["symbols"] = {"btcusdt"};
  auto no_bars = expect_error(post_json(port(), "/api/backtest", aliased), 422, "no_data", "an aliased symbol");
  EXPECT_NE(no_bars["error"]["message"].get<std::string>().find("BTC-USD"), std::string::npos) << no_bars.dump();

  // A file path names a file of the daemon's machine: the CLI's, never a remote client's.
  auto file = expect_error(
      post_json(port(), "/api/backtest", request("2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", "csv:/etc/passwd")),
      422, "invalid_field", "a server-side file");
  EXPECT_EQ(file["error"]["details"]["field"], "data");

  auto large =
      expect_error(post_json(port(), "/api/backtest", request("1960-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "db")),
                   413, "too_large", "a range above the limit");
  EXPECT_EQ(large["error"]["details"]["field"], "to");
  EXPECT_TRUE(large["error"]["details"].contains("max_bars"));
}

// POST /api/backtest/sweep: the same job as a backtest (202, /ws, the row, DELETE); its result
// ranks every combination, and its winner is the backtest of the winner's parameters alone.
TEST_F(Backtests, SweepRanksEveryCombinationAndItsWinnerIsItsBacktest) {
  WsClient ws(port(), "/ws");
  ASSERT_TRUE(ws.next_of_type("connected", 5s));
  auto body = short_request();
  body["sweep"] = {{"fast_period", {5, 10}}, {"slow_period", {{"from", 20}, {"to", 40}, {"step", 20}}}};
  body["rank"] = "total_return";
  auto accepted = expect_json_response(post_backtest(port(), body, {}, "/api/backtest/sweep"), 202, "POST sweep");
  const auto id = accepted.value("id", 0LL);
  ASSERT_GT(id, 0);
  auto final = ws.next_matching(
      [&](const json& m) {
        return m.value("type", "") == "backtest" && m.value("id", 0LL) == id && m.value("status", "") != "running";
      },
      120s);
  ASSERT_TRUE(final);
  EXPECT_EQ((*final)["status"], "done") << final->dump();
  EXPECT_EQ((*final)["total"], 4) << "progress counts the combinations' backtests";
  EXPECT_EQ((*final)["done"], 4);

  const auto result = get_backtest(port(), id);
  EXPECT_EQ(result["status"], "done");
  EXPECT_EQ(result["kind"], "sweep");
  EXPECT_EQ(result["request"], body);
  ASSERT_EQ(result["ranked"].size(), 4u);
  for (std::size_t k = 1; k < 4; ++k)
    EXPECT_GE(result["ranked"][k - 1]["score"].get<double>(), result["ranked"][k]["score"].get<double>()) << k;
  const auto& best = result["ranked"][0];
  EXPECT_EQ(result["metrics"], best["metrics"]);
  EXPECT_EQ((*final)["metrics"], best["metrics"]);

  auto alone = short_request();
  alone["strategy"]["fast_period"] = best["params"]["fast_period"];
  alone["strategy"]["slow_period"] = best["params"]["slow_period"];
  const auto single = submit(port(), alone);
  const auto done = wait_for(port(), single, [](const json& b) { return b.value("status", "") == "done"; });
  EXPECT_EQ(done["metrics"], best["metrics"]);

  expect_error(post_json(port(), path(id) + "/monte-carlo", json::object()), 409, "not_single", "a sweep's");
  EXPECT_EQ(call(port(), "DELETE", path(id)).status, 204);
  EXPECT_EQ(call(port(), "DELETE", path(single)).status, 204);
}

TEST_F(Backtests, ASweepCancelledMidRunLeavesACancelledRow) {
  auto body = long_request();
  body["sweep"] = {{"fast_period", {3, 5, 8, 13}}, {"slow_period", {30, 60}}};
  auto accepted = expect_json_response(post_backtest(port(), body, {}, "/api/backtest/sweep"), 202, "POST sweep");
  const auto id = accepted.value("id", 0LL);
  const auto running = wait_for(port(), id, [](const json& b) { return b.value("status", "") != "queued"; });
  ASSERT_EQ(running["status"], "running") << running.dump();
  const auto started = std::chrono::steady_clock::now();
  auto cancelled = call(port(), "DELETE", path(id));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["status"], "cancelled");
  // Every worker's running backtest sees the flag within a batch of ticks.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  const auto row = get_backtest(port(), id);
  EXPECT_EQ(row["status"], "cancelled");
  EXPECT_FALSE(row.contains("ranked")) << "a cancelled sweep keeps no partial result";
  EXPECT_EQ(call(port(), "DELETE", path(id)).status, 204);
}

TEST_F(Backtests, BadSweepsAreRefusedNamingTheField) {
  auto body = short_request();
  body["sweep"] = {{"fast_period", {0, 5}}};
  auto bad = expect_error(post_json(port(), "/api/backtest/sweep", body), 422, "invalid_field", "outside the schema");
  EXPECT_EQ(bad["error"]["details"]["field"], "sweep.fast_period");
  body["sweep"] = {{"fast_period", {{"from", 1}, {"to", 100}}}, {"slow_period", {{"from", 2}, {"to", 1000}}}};
  auto large = expect_error(post_json(port(), "/api/backtest/sweep", body), 413, "too_large", "past the cap");
  EXPECT_NE(large["error"]["message"].get<std::string>().find("the limit is 10000"), std::string::npos);
  body.erase("sweep");
  EXPECT_EQ(expect_error(post_json(port(), "/api/backtest/sweep", body), 422, "invalid_field",
                         "no sweep")["error"]["details"]["field"],
            "sweep");
}

TEST_F(Backtests, OneMoreThanTheBoundIsTooManyRequestsWithRetryAfter) {
  // Two run and two wait (a backtest is admitted when its POST arrives, before its bars load):
  // of six sent at once, at least two are refused.
  std::vector<std::future<HttpResponse>> sent;
  for (int i = 0; i < 6; ++i)
    sent.push_back(std::async(std::launch::async, [] { return post_backtest(port(), short_request()); }));
  std::vector<long long> ids;
  std::vector<HttpResponse> refused;
  for (auto& f : sent) {
    auto r = f.get();
    if (r.status == 202)
      ids.push_back(r.json().value("id", 0LL));
    else
      refused.push_back(std::move(r));
  }
  EXPECT_LE(ids.size(), 4u);
  ASSERT_GE(refused.size(), 2u);
  for (const auto& r : refused) {
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_FALSE(r.header("Retry-After").empty());
    EXPECT_EQ(r.json()["error"]["code"], "too_many_requests");
  }
  for (auto id : ids) {
    const auto r = call(port(), "DELETE", path(id));
    EXPECT_TRUE(r.status == 200 || r.status == 204) << r.status << " " << r.body;
  }
  // Their slots are free again.
  const auto id = submit(port(), short_request());
  EXPECT_EQ(wait_for(port(), id, [](const json& b) { return b.value("status", "") == "done"; })["status"], "done");
}

// With auth on: a trader sees only their own backtests; another's id is 404, in the list too.
class BacktestOwnership : public SharedDaemonTest<BacktestOwnership> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    o.autostart = false;
    return o;
  }

 protected:
  static Headers admin() {
    static const std::string token = e2e::admin_token(port(), daemon().state_dir());
    return bearer(token);
  }
  static Headers trader(const std::string& email) { return e2e::new_user(port(), admin(), email, "trader"); }
};

TEST_F(BacktestOwnership, AnotherUsersBacktestIsNotFound) {
  const auto ann = trader("ann@example.com");
  const auto bob = trader("bob@example.com");
  const auto id = submit(port(), short_request(), ann);
  EXPECT_EQ(wait_for(
                port(), id, [](const json& b) { return b.value("status", "") == "done"; }, ann)["status"],
            "done");

  expect_error(http_get(port(), path(id), bob), 404, "not_found", "bob reads ann's backtest");
  expect_error(call(port(), "DELETE", path(id), bob), 404, "not_found", "bob deletes ann's backtest");
  expect_error(post_json(port(), path(id) + "/monte-carlo", json::object(), bob), 404, "not_found",
               "bob's Monte Carlo over ann's");
  EXPECT_EQ(expect_json_response(http_get(port(), "/api/backtests", bob), 200, "bob's list")["items"], json::array());
  EXPECT_EQ(expect_json_response(http_get(port(), "/api/backtests", ann), 200, "ann's list")["items"].size(), 1u);
  EXPECT_EQ(get_backtest(port(), id, admin())["status"], "done") << "an admin sees every backtest";
  expect_error(http_get(port(), path(id)), 401, "unauthenticated", "anonymous");
  EXPECT_EQ(call(port(), "DELETE", path(id), ann).status, 204);
}

}  // namespace
}  // namespace meridian::e2e
