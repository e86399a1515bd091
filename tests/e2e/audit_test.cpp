// The audit trail end to end (#13 item 7): meridiand with --auth on and a real PostgreSQL.
//   AuditTrail: a state change, a refused one (403), an unauthenticated one (401) and a failed
//               login each leave a row that an administrator reads through GET /api/audit, newest
//               first, paged and filtered; a trader gets 403 there; no password reaches a row;
//               orders and session changes name the user who made them.
#include <cmath>
#include <fstream>

#include "fixture.hpp"
#include "support/poll.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "audit trail passphrase 1";
constexpr const char* kWrongPassword = "not the audit passphrase";

Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

class AuditTrail : public SharedDaemonTest<AuditTrail> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    o.autostart = false;  // so that a trader's start is a change that succeeds
    return o;
  }

 protected:
  static HttpResponse send(const std::string& method, const std::string& target, Headers headers = {},
                           std::string body = {}) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers = std::move(headers);
    if (method != "GET") {
      r.body = body.empty() ? "{}" : std::move(body);
      r.headers.emplace_back("Content-Type", "application/json");
    }
    return http_request(port(), r);
  }
  static std::string admin_password() {
    std::ifstream in(daemon().state_dir() / "admin-password");
    std::string text;
    std::getline(in, text);
    return text;
  }
  static std::string login(const std::string& email, const std::string& password) {
    auto session = expect_json_response(
        send("POST", "/api/auth/login", {}, json{{"email", email}, {"password", password}}.dump()), 200, email);
    return session.value("access_token", "");
  }
  static const std::string& admin() {
    static const std::string token = login("admin@meridian.local", admin_password());
    return token;
  }
  // A new user with `role` (created by the admin with kPassword): their id and access token.
  static std::pair<std::int64_t, std::string> user(const std::string& email, const std::string& role) {
    auto created = expect_json_response(send("POST", "/api/users", bearer(admin()),
                                             json{{"email", email}, {"role", role}, {"password", kPassword}}.dump()),
                                        201, "create " + email);
    return {created.value("id", std::int64_t{0}), login(email, kPassword)};
  }
  // A portfolio of the user's own (the default one is the admins'): its id.
  static std::int64_t own_portfolio(const std::string& token, const std::string& name) {
    return expect_json_response(
               send("POST", "/api/portfolios", bearer(token), json{{"name", name}, {"initial_capital", 100000}}.dump()),
               201, "create " + name)
        .value("id", std::int64_t{0});
  }
  static json audit(const std::string& query = "") {
    return expect_json_response(send("GET", "/api/audit" + query, bearer(admin())), 200, "GET /api/audit" + query);
  }
  // The newest row matching `match` (rows are written off the request path: polled).
  template <class Match>
  static json find_row(const std::string& query, Match match) {
    json found;
    poll_until(
        [&] {
          const auto page = audit(query);
          for (const auto& row : page["items"])
            if (match(row)) {
              found = row;
              return true;
            }
          return false;
        },
        kDeadline);
    return found;
  }
};

TEST_F(AuditTrail, ChangesRefusalsAndFailedLoginsAreVisibleToAnAdministratorOnly) {
  const auto [trader_id, trader] = user("audit-trader@example.com", "trader");
  const auto [viewer_id, viewer] = user("audit-viewer@example.com", "viewer");
  const auto trader_user = trader_id;  // lambdas capture variables, not structured bindings
  own_portfolio(trader, "audit-trader-book");

  const auto started = send("POST", "/api/trading/start", bearer(trader));
  ASSERT_EQ(started.status, 200) << started.body;
  expect_error(send("POST", "/api/trading/stop", bearer(viewer)), 403, "forbidden", "a viewer stops trading");
  expect_error(send("POST", "/api/trading/stop"), 401, "unauthenticated", "nobody stops trading");
  expect_error(send("POST", "/api/auth/login", {},
                    json{{"email", "audit-trader@example.com"}, {"password", kWrongPassword}}.dump()),
               401, "invalid_credentials", "a failed login");

  const auto start = find_row("?route=/api/trading/start", [&](const json& r) { return r["user_id"] == trader_user; });
  ASSERT_TRUE(start.is_object()) << "no audit row for the trader's start";
  expect_fields(start, "audit row",
                {{"id", {Kind::integer}},
                 {"time", {Kind::time}},
                 {"ts", {Kind::integer}},
                 {"user_id", {Kind::integer}},
                 {"role", {Kind::string}},
                 {"api_key_id", {Kind::null}},
                 {"address", {Kind::string}},
                 {"method", {Kind::string}},
                 {"route", {Kind::string}},
                 {"path", {Kind::string}},
                 {"portfolio_id", {Kind::integer, Kind::null}},
                 {"params", {Kind::object}},
                 {"status", {Kind::integer}},
                 {"result", {Kind::string}}});
  EXPECT_EQ(start["role"], "trader");
  EXPECT_EQ(start["method"], "POST");
  EXPECT_EQ(start["path"], "/api/trading/start");
  EXPECT_EQ(start["address"], "127.0.0.1");
  EXPECT_EQ(start["status"], 200);
  EXPECT_EQ(start["result"], "ok");

  const auto refused = find_row("?route=/api/trading/stop", [&](const json& r) { return r["status"] == 403; });
  ASSERT_TRUE(refused.is_object()) << "no audit row for the viewer's refused stop";
  EXPECT_EQ(refused["user_id"], viewer_id);
  EXPECT_EQ(refused["role"], "viewer");
  EXPECT_EQ(refused["result"], "forbidden");

  const auto anonymous = find_row("?route=/api/trading/stop", [&](const json& r) { return r["status"] == 401; });
  ASSERT_TRUE(anonymous.is_object()) << "no audit row for the unauthenticated stop";
  EXPECT_TRUE(anonymous["user_id"].is_null());
  EXPECT_EQ(anonymous["role"], "anonymous");
  EXPECT_EQ(anonymous["result"], "unauthenticated");

  const auto failed = find_row("?route=/api/auth/login", [](const json& r) { return r["status"] == 401; });
  ASSERT_TRUE(failed.is_object()) << "no audit row for the failed login";
  EXPECT_EQ(failed["result"], "invalid_credentials");
  EXPECT_EQ(failed["params"]["body"]["email"], "audit-trader@example.com");  // whose account was tried
  EXPECT_EQ(failed["params"]["body"]["password"], "***");

  // Whose actions: the user filter answers only theirs.
  const auto traders = audit("?user_id=" + std::to_string(trader_id));
  EXPECT_FALSE(traders["items"].empty());
  for (const auto& row : traders["items"]) EXPECT_EQ(row["user_id"], trader_id);

  // Not for a trader, nor for nobody.
  expect_error(send("GET", "/api/audit", bearer(trader)), 403, "forbidden", "a trader reads the audit trail");
  expect_error(send("GET", "/api/audit"), 401, "unauthenticated", "nobody reads the audit trail");
  expect_error(send("GET", "/api/audit?limit=0", bearer(admin())), 400, "invalid_parameter", "limit 0");
  expect_error(send("GET", "/api/audit?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", bearer(admin())), 422,
               "invalid_range", "from after to");

  // No password, right or wrong, in any row: not in the logins, not in the users created.
  const auto everything = send("GET", "/api/audit?limit=1000", bearer(admin()));
  for (const auto& secret : {std::string(kPassword), std::string(kWrongPassword), admin_password()})
    EXPECT_EQ(everything.body.find(secret), std::string::npos) << "a password in GET /api/audit";
  const auto in_table = db().query("SELECT count(*) FROM audit_log WHERE params::text LIKE '%" +
                                   std::string(kPassword) + "%' OR params::text LIKE '%" + kWrongPassword + "%'");
  EXPECT_EQ(in_table[0][0].as<long long>(), 0);
}

// Who, on the records themselves: the order a trader placed and the session change they made
// name them, in the API and in the database.
TEST_F(AuditTrail, OrdersAndSessionChangesNameTheUserWhoMadeThem) {
  const auto [id, trader] = user("audit-placer@example.com", "trader");
  const auto trader_user = id;
  const auto book = own_portfolio(trader, "audit-placer-book");
  // Restarts the trader's portfolio's session whatever its state (seed 001's engine loop).
  expect_json_response(send("POST", "/api/engine/start", bearer(trader)), 200, "engine start");
  auto status = expect_json_response(send("GET", "/api/trading/status", bearer(trader)), 200, "status");
  EXPECT_EQ(status["changed_by"], trader_user);

  // 5 % under the last price: it rests, inside the default 10 % price band.
  ASSERT_TRUE(status["last_prices"]["BTC-USD"].is_number()) << status.dump();
  const double limit_price = std::round(status["last_prices"]["BTC-USD"].get<double>() * 95.0) / 100.0;
  const auto placed = expect_json_response(send("POST", "/api/trade", bearer(trader),
                                                json{{"symbol", "BTC-USD"},
                                                     {"side", "buy"},
                                                     {"quantity", 0.001},
                                                     {"type", "limit"},
                                                     {"limit_price", limit_price},
                                                     {"portfolio_id", book}}
                                                    .dump()),
                                           201, "a resting limit order");
  EXPECT_EQ(placed["placed_by"], trader_user);
  const auto order_id = placed.value("id", std::int64_t{0});
  const auto listed = expect_json_response(send("GET", "/api/orders", bearer(trader)), 200, "orders");
  bool listed_it = false;
  for (const auto& o : listed["items"]) {
    if (o["id"] != order_id) continue;
    listed_it = true;
    EXPECT_EQ(o["placed_by"], trader_user);
  }
  EXPECT_TRUE(listed_it) << "the order in GET /api/orders";

  // Durable: the journal writes both (polled: it commits off the request path).
  EXPECT_TRUE(poll_until(
      [&] {
        const auto r = db().query("SELECT placed_by FROM orders WHERE id = " + std::to_string(order_id));
        return !r.empty() && !r[0][0].is_null() && r[0][0].as<long long>() == trader_user;
      },
      kDeadline))
      << "orders.placed_by";
  EXPECT_TRUE(poll_until(
      [&] {
        const auto r =
            db().query("SELECT changed_by FROM trading_sessions WHERE portfolio_id = " + std::to_string(book) +
                       " ORDER BY updated_at DESC, id DESC LIMIT 1");
        return !r.empty() && !r[0][0].is_null() && r[0][0].as<long long>() == trader_user;
      },
      kDeadline))
      << "trading_sessions.changed_by";

  // And the audit row of the order names the portfolio its body named.
  const auto row = find_row("?route=/api/trade", [&](const json& r) { return r["user_id"] == trader_user; });
  ASSERT_TRUE(row.is_object()) << "no audit row for the order";
  EXPECT_EQ(row["portfolio_id"], book);
  EXPECT_EQ(row["status"], 201);
  EXPECT_EQ(row["params"]["body"]["limit_price"], limit_price);
}

// A session command over /ws is audited as its REST twin: who, which portfolio, the message
// (secrets redacted), and the answer, refusals included.
TEST_F(AuditTrail, WebSocketCommandsLeaveRowsAsTheirRestTwinsDo) {
  using namespace std::chrono_literals;
  const auto [id, trader] = user("audit-ws@example.com", "trader");
  const auto [viewer_id, viewer] = user("audit-ws-viewer@example.com", "viewer");
  const auto trader_user = id;
  const auto watcher = viewer_id;
  const auto book = own_portfolio(trader, "audit-ws-book");
  WsClient ws(port(), "/ws?token=" + trader);
  ASSERT_TRUE(ws.next_of_type("connected", 5s));
  ws.send({{"type", "pause"}, {"portfolio", book}, {"api_key", "not-for-the-trail"}});
  WsClient watching(port(), "/ws?token=" + viewer);
  ASSERT_TRUE(watching.next_of_type("connected", 5s));
  watching.send({{"type", "pause"}, {"portfolio", book}});
  ASSERT_TRUE(watching.next_of_type("error", 5s));

  const auto paused = find_row("?route=ws:pause", [&](const json& r) { return r["user_id"] == trader_user; });
  ASSERT_TRUE(paused.is_object()) << "no audit row for the trader's pause over /ws";
  EXPECT_EQ(paused["method"], "WS");
  EXPECT_EQ(paused["path"], "/ws");
  EXPECT_EQ(paused["role"], "trader");
  EXPECT_EQ(paused["portfolio_id"], book);
  EXPECT_EQ(paused["address"], "127.0.0.1");
  EXPECT_EQ(paused["params"]["body"]["type"], "pause");
  EXPECT_EQ(paused["params"]["body"]["api_key"], "***");
  // The command's outcome (the session may already be paused: a conflict, still attributable).
  EXPECT_TRUE(paused["status"].is_number_integer());

  // The viewer's attempt on a portfolio it cannot see: refused as not found, and recorded.
  const auto refused = find_row("?route=ws:pause", [&](const json& r) { return r["user_id"] == watcher; });
  ASSERT_TRUE(refused.is_object()) << "no audit row for the viewer's refused pause";
  EXPECT_EQ(refused["status"], 404);
  EXPECT_EQ(refused["result"], "not_found");
}

TEST_F(AuditTrail, PagesAreNewestFirstAndTheCursorLeadsToOlderRows) {
  const auto [id, trader] = user("audit-pager@example.com", "trader");
  const auto user_id = id;
  for (int i = 0; i < 3; ++i) send("POST", "/api/trading/stop", bearer(trader));
  ASSERT_TRUE(poll_until(
      [&] { return audit("?user_id=" + std::to_string(user_id) + "&route=/api/trading/stop")["items"].size() == 3; },
      kDeadline));

  const auto all = audit()["items"];
  ASSERT_GE(all.size(), 4u);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_GT(all[i - 1]["id"], all[i]["id"]) << "newest first";

  // Pinned below the newest row read: a row written since (by an earlier test's late request)
  // does not shift the pages against `all`.
  const auto first = audit("?limit=2&before=" + std::to_string(all[0]["id"].get<std::int64_t>() + 1));
  ASSERT_EQ(first["items"].size(), 2u);
  ASSERT_TRUE(first["next"].is_number_integer());
  EXPECT_EQ(first["next"], first["items"][1]["id"]);
  const auto second = audit("?limit=2&before=" + first["next"].dump());
  ASSERT_EQ(second["items"].size(), 2u);
  EXPECT_EQ(second["items"][0]["id"], all[2]["id"]);
  EXPECT_EQ(second["items"][1]["id"], all[3]["id"]);
}

}  // namespace
}  // namespace meridian::e2e
