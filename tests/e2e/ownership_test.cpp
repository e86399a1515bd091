// Ownership of portfolios end to end (issue 13 item 4): meridiand with --auth on. Two traders
// each create a portfolio and trade in it; over REST each sees only their own portfolio, orders,
// trades and strategies, and the other's ids answer 404 exactly as ids that do not exist; a
// trader's default portfolio is their own; an admin sees both (and filters by user_id); a
// user without a portfolio is told to create one; the owner survives a restart.
#include <csignal>
#include <set>

#include "auth_client.hpp"
#include "fixture.hpp"
#include "support/ws_client.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "correct horse battery staple";
constexpr const char* kSymbol = "BTC-USD";

// A signed-in trader with a portfolio of their own and an order placed in it.
struct Trader {
  long long user_id = 0;
  std::string token;
  long long portfolio = 0;
  long long order = 0;
  double capital = 0;
  Headers auth() const { return bearer(token); }
};

class Ownership : public SharedDaemonTest<Ownership> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    o.autostart = false;  // only the orders the test places
    return o;
  }

 protected:
  static Headers admin() {
    static const std::string token = e2e::admin_token(port(), daemon().state_dir());
    return bearer(token);
  }

  // A user the admin creates with `role`, signed in: their id and access token.
  static std::pair<long long, std::string> user(const std::string& email, const std::string& role) {
    auto created = expect_json_response(
        post_json(port(), "/api/users", {{"email", email}, {"role", role}, {"password", kPassword}}, admin()), 201,
        "create " + email);
    return {created.value("id", 0LL), login(port(), email, kPassword).value("access_token", "")};
  }

  // Both traders, each with a portfolio and a market order in it (made once for the suite).
  static const std::pair<Trader, Trader>& traders() {
    static const std::pair<Trader, Trader> both = [] {
      Trader ann = make_trader("ann@example.com", "ann-book", 20'000);
      Trader bob = make_trader("bob@example.com", "bob-book", 30'000);
      ann.order = buy(ann);
      bob.order = buy(bob);
      return std::pair{ann, bob};
    }();
    return both;
  }

  // Each trader's portfolio has its own capital, which tells the TradingStatus of one from
  // the other's (and from the default portfolio's 100000).
  static Trader make_trader(const std::string& email, const std::string& book, double capital) {
    Trader t;
    std::tie(t.user_id, t.token) = user(email, "trader");
    t.capital = capital;
    auto created = expect_json_response(
        post_json(port(), "/api/portfolios", {{"name", book}, {"initial_capital", capital}}, t.auth()), 201,
        "create " + book);
    t.portfolio = created.value("id", 0LL);
    EXPECT_EQ(created["owner_id"], t.user_id) << "the creator owns it";
    return t;
  }

  // The portfolio a request that names none means: its id (from the engine metrics, which
  // carry it), checked against the initial capital of its TradingStatus.
  static long long default_of(const Headers& who, const std::string& query, double capital) {
    EXPECT_EQ(get("/api/trading/status" + query, who).value("initial_capital", 0.0), capital) << query;
    return get("/api/engine/metrics" + query, who).value("portfolio_id", 0LL);
  }

  // A market buy in the trader's portfolio, named in the body; the order's id.
  static long long buy(const Trader& t) {
    const json order{{"symbol", kSymbol}, {"side", "buy"}, {"quantity", 0.01}, {"portfolio_id", t.portfolio}};
    return expect_json_response(post_json(port(), "/api/trade", order, t.auth()), 201, "POST /api/trade")
        .value("id", 0LL);
  }

  static std::set<long long> ids(const json& list, const char* field = "id") {
    std::set<long long> out;
    for (const auto& item : list.at("items")) out.insert(item.value(field, 0LL));
    return out;
  }
  static json get(const std::string& target, const Headers& who) {
    return expect_json_response(http_get(port(), target, who), 200, "GET " + target);
  }
  // The error a request answers, which must be the 404 a nonexistent id gets.
  static json not_found(const HttpResponse& r, const std::string& where) {
    return expect_error(r, 404, "not_found", where);
  }
};

std::string pf(long long id) {
  return "?portfolio=" + std::to_string(id);
}

TEST_F(Ownership, EachTraderListsOnlyTheirOwnAndAnAdminListsAll) {
  const auto& [ann, bob] = traders();
  EXPECT_EQ(ids(get("/api/portfolios", ann.auth())), std::set<long long>{ann.portfolio});
  EXPECT_EQ(ids(get("/api/portfolios", bob.auth())), std::set<long long>{bob.portfolio});
  // A user_id filter is replaced by who the caller is.
  EXPECT_EQ(ids(get("/api/portfolios?user_id=" + std::to_string(bob.user_id), ann.auth())),
            std::set<long long>{ann.portfolio});
  EXPECT_EQ(get("/api/data/portfolios", ann.auth())["items"], json::array({"ann-book"}));

  const auto all = ids(get("/api/portfolios", admin()));
  for (long long id : {1LL, ann.portfolio, bob.portfolio}) EXPECT_TRUE(all.count(id)) << id;
  EXPECT_EQ(ids(get("/api/portfolios?user_id=" + std::to_string(bob.user_id), admin())),
            std::set<long long>{bob.portfolio});
}

TEST_F(Ownership, AnothersPortfolioIdAnswersAsOneThatDoesNotExist) {
  const auto& [ann, bob] = traders();
  const auto theirs = std::to_string(bob.portfolio);
  const auto unknown = not_found(http_get(port(), "/api/portfolios/999999", ann.auth()), "nonexistent portfolio");
  const auto other = not_found(http_get(port(), "/api/portfolios/" + theirs, ann.auth()), "another's portfolio");
  EXPECT_EQ(other["error"]["details"]["field"], unknown["error"]["details"]["field"]);
  EXPECT_EQ(other["error"]["message"], "no portfolio '" + theirs + "'; see /api/portfolios");
  for (const std::string& target :
       {"/api/portfolios/" + theirs + "/positions", "/api/portfolios/" + theirs + "/trades",
        "/api/portfolios/" + theirs + "/performance", "/api/risk/limits/" + theirs, "/api/risk/var/" + theirs,
        "/api/trading/status" + pf(bob.portfolio), "/api/trades" + pf(bob.portfolio), "/api/orders" + pf(bob.portfolio),
        "/api/strategies" + pf(bob.portfolio), "/api/engine/signals" + pf(bob.portfolio),
        std::string("/api/trading/status?portfolio=bob-book")})
    not_found(http_get(port(), target, ann.auth()), "GET " + target);
  // Nor may they change it.
  not_found(post_json(port(), "/api/trading/start" + pf(bob.portfolio), json::object(), ann.auth()), "start");
  not_found(post_json(port(), "/api/risk/limits/" + theirs, {{"price_band", 0.5}}, ann.auth()), "limits");
  not_found(call(port(), "DELETE", "/api/portfolios/" + theirs, ann.auth()), "delete");
  not_found(post_json(port(), "/api/trade",
                      {{"symbol", kSymbol}, {"side", "buy"}, {"quantity", 0.01}, {"portfolio_id", bob.portfolio}},
                      ann.auth()),
            "an order in another's portfolio");
  // The daemon's default portfolio has no owner: it is the admins'.
  not_found(http_get(port(), "/api/portfolios/1", ann.auth()), "the default portfolio");
  // A name another user took is taken, without saying whose.
  const auto taken = expect_error(post_json(port(), "/api/portfolios", {{"name", "bob-book"}}, ann.auth()), 409,
                                  "name_taken", "another's name");
  EXPECT_FALSE(taken["error"]["details"].contains("id")) << taken.dump();
  // An API key cannot be scoped to another's portfolio.
  expect_error(post_json(port(), "/api/auth/keys", {{"name", "k"}, {"portfolios", {bob.portfolio}}}, ann.auth()), 422,
               "invalid_field", "a key scoped to another's portfolio");
}

TEST_F(Ownership, AnothersOrderAndTradeIdsAnswerAsOnesThatDoNotExist) {
  const auto& [ann, bob] = traders();
  const auto order = "/api/orders/" + std::to_string(bob.order);
  // Without ?portfolio=, a trader means their own portfolio, which has no such order.
  const auto unknown = not_found(http_get(port(), "/api/orders/999999999", ann.auth()), "nonexistent order");
  const auto other = not_found(http_get(port(), order, ann.auth()), "another's order");
  EXPECT_EQ(other["error"]["details"]["field"], unknown["error"]["details"]["field"]);
  not_found(http_get(port(), order + pf(bob.portfolio), ann.auth()), "another's order in their portfolio");
  not_found(call(port(), "DELETE", order + pf(bob.portfolio), ann.auth()), "cancel another's order");
  not_found(call(port(), "PATCH", order, ann.auth(), json{{"quantity", 0.02}}.dump()), "replace another's order");

  // Each one's own, by the same routes.
  expect_json_response(http_get(port(), order, bob.auth()), 200, "bob's order, his default portfolio");
  expect_json_response(http_get(port(), "/api/orders/" + std::to_string(ann.order), ann.auth()), 200, "ann's order");

  // Once both orders filled, each trader's trades are their own (a user_id filter changes nothing).
  auto trades_of = [](const Trader& t, const std::string& query = {}) { return get("/api/trades" + query, t.auth()); };
  ASSERT_TRUE(poll_until([&] { return !trades_of(ann)["items"].empty() && !trades_of(bob)["items"].empty(); },
                         std::chrono::seconds(20)))
      << "the market orders never filled";
  const auto anns = trades_of(ann, "?user_id=" + std::to_string(bob.user_id));
  const auto bobs = trades_of(bob);
  EXPECT_EQ(ids(anns, "portfolio_id"), std::set<long long>{ann.portfolio});
  EXPECT_EQ(ids(bobs, "portfolio_id"), std::set<long long>{bob.portfolio});
  EXPECT_EQ(ids(anns, "order_id"), std::set<long long>{ann.order});
  const auto both = get("/api/orders-trades", ann.auth());
  for (const char* list : {"orders", "trades"}) {
    EXPECT_FALSE(both[list].empty()) << list;
    for (const auto& item : both[list]) EXPECT_EQ(item["portfolio_id"], ann.portfolio) << list;
  }
}

TEST_F(Ownership, EachTradersDefaultIsTheirOwnAndListsAcrossPortfoliosKeepTheirs) {
  const auto& [ann, bob] = traders();
  EXPECT_EQ(default_of(ann.auth(), "", ann.capital), ann.portfolio);
  EXPECT_EQ(default_of(bob.auth(), "", bob.capital), bob.portfolio);
  EXPECT_EQ(default_of(ann.auth(), "?portfolio=default", ann.capital), ann.portfolio);
  // Strategy instances of every portfolio the caller sees: only their own.
  for (const auto* t : {&ann, &bob}) {
    const auto instances = get("/api/strategies", t->auth());
    EXPECT_FALSE(instances["items"].empty());
    EXPECT_EQ(ids(instances, "portfolio_id"), std::set<long long>{t->portfolio});
    EXPECT_EQ(ids(get("/api/strategies/holdings", t->auth()), "portfolio_id"), std::set<long long>{t->portfolio});
  }
  // Their own limits are theirs to set.
  expect_json_response(
      post_json(port(), "/api/risk/limits/" + std::to_string(ann.portfolio), {{"max_open_positions", 5}}, ann.auth()),
      200, "own limits");
}

TEST_F(Ownership, AnAdminSeesBothAndTheDefaultPortfolio) {
  const auto& [ann, bob] = traders();
  const auto root = admin();
  EXPECT_EQ(default_of(root, "", 100'000), 1) << "the daemon's default portfolio";
  for (const auto* t : {&ann, &bob}) {
    const auto order = get("/api/orders/" + std::to_string(t->order) + pf(t->portfolio), root);
    EXPECT_EQ(order.value("portfolio_id", 0LL), t->portfolio);
    EXPECT_EQ(get("/api/portfolios/" + std::to_string(t->portfolio), root).value("owner_id", 0LL), t->user_id);
    // user_id=X: X's portfolio is what naming none means.
    EXPECT_EQ(default_of(root, "?user_id=" + std::to_string(t->user_id), t->capital), t->portfolio);
  }
  const auto instances = ids(get("/api/strategies", root), "portfolio_id");
  for (long long id : {1LL, ann.portfolio, bob.portfolio}) EXPECT_TRUE(instances.count(id)) << id;
}

TEST_F(Ownership, AUserWithoutAPortfolioIsToldToCreateOne) {
  const auto token = user("vera@example.com", "viewer").second;
  EXPECT_EQ(get("/api/portfolios", bearer(token))["items"], json::array());
  const auto error = not_found(http_get(port(), "/api/trading/status", bearer(token)), "no portfolio");
  EXPECT_NE(error["error"]["message"].get<std::string>().find("POST /api/portfolios"), std::string::npos);
  // A viewer reads but does not create.
  expect_error(post_json(port(), "/api/portfolios", {{"name", "vera-book"}}, bearer(token)), 403, "forbidden",
               "a viewer creating a portfolio");
}

// The owner is stored: after a restart the portfolio is still its owner's alone.
class OwnershipRestart : public DaemonTest {};

// Over /ws each trader's socket gets the orders and trades of their own portfolio and never the
// other's, greets with their own portfolio's status, and cannot command the other's session.
TEST_F(Ownership, OverTheWebSocketEachTraderSeesAndCommandsOnlyTheirOwn) {
  using namespace std::chrono_literals;
  const auto& [ann, bob] = traders();
  WsClient ann_ws(port(), "/ws?token=" + ann.token);
  WsClient bob_ws(port(), "/ws?token=" + bob.token);
  for (auto* ws : {&ann_ws, &bob_ws}) ASSERT_TRUE(ws->next_of_type("connected", 5s));
  auto status_of = [](WsClient& ws) {
    ws.send({{"type", "getStatus"}});
    auto status = ws.next_of_type("status", 5s);
    return status ? (*status)["data"].value("initial_capital", 0.0) : 0.0;
  };
  EXPECT_EQ(status_of(ann_ws), ann.capital);
  EXPECT_EQ(status_of(bob_ws), bob.capital);

  const auto order = buy(ann);
  auto seen = ann_ws.next_matching(
      [&](const json& m) { return m.value("type", "") == "order" && m["data"].value("id", 0LL) == order; }, 5s);
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)["portfolio_id"], ann.portfolio);
  EXPECT_FALSE(bob_ws.next_matching(
      [&](const json& m) {
        return (m.value("type", "") == "order" || m.value("type", "") == "trade") &&
               m.value("portfolio_id", 0LL) != bob.portfolio;
      },
      2s))
      << "bob never gets another portfolio's orders or trades";

  bob_ws.send({{"type", "pause"}, {"portfolio", ann.portfolio}});
  auto refused = bob_ws.next_of_type("error", 5s);
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["error"]["code"], "not_found") << "as for a portfolio that does not exist";
}

TEST_F(OwnershipRestart, AnOwnersPortfolioIsTheirsAfterARestart) {
  DaemonOptions o;
  o.auth = true;
  o.autostart = false;
  auto& first = start_daemon(o);
  const auto root = bearer(e2e::admin_token(first.port(), first.state_dir()));
  const auto ann = expect_json_response(
      post_json(first.port(), "/api/users", {{"email", "ann@example.com"}, {"password", kPassword}}, root), 201,
      "create ann");
  const auto token = login(first.port(), "ann@example.com", kPassword).value("access_token", "");
  const auto created = expect_json_response(
      post_json(first.port(), "/api/portfolios", {{"name", "ann-book"}}, bearer(token)), 201, "create ann-book");
  const auto stopped = first.stop(SIGTERM);
  ASSERT_TRUE(stopped && *stopped == 0) << "meridiand did not exit cleanly";

  // The first administrator exists now, so the second daemon writes no password file: Ann signs in.
  auto& second = start_daemon(o);
  const auto again = bearer(login(second.port(), "ann@example.com", kPassword).value("access_token", ""));
  const auto listed = expect_json_response(http_get(second.port(), "/api/portfolios", again), 200, "ann's list");
  ASSERT_EQ(listed["items"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["items"][0]["id"], created["id"]);
  EXPECT_EQ(listed["items"][0]["owner_id"], ann["id"]);
  EXPECT_EQ(expect_json_response(http_get(second.port(), "/api/engine/metrics", again), 200, "ann's default")
                .value("portfolio_id", 0LL),
            created.value("id", 0LL));
}

}  // namespace
}  // namespace meridian::e2e
