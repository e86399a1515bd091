// The decision model end to end (#14 item 8): a real meridiand on a real database. A decision is
// computed from the simulator's bars, stored and answered with its id and reasons; it is listed
// newest first; executing it places an order through POST /api/trade's path and records the
// order on the row; executing it again is 409; a hold is 422; an unknown id is 404; a quantity
// the risk checks refuse is the order path's own 422 risk_denied; another user's decision is 404.
#include <algorithm>
#include <set>

#include "auth_client.hpp"
#include "fixture.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using K = Kind;

class Decisions : public SharedDaemonTest<Decisions> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;  // only the decisions' orders trade
    return o;
  }
};

// A decision for `symbol` once the daemon has the history the model needs (the simulator's
// 120 bars of history and the live ones).
json decide(std::uint16_t port, const std::string& symbol, Headers headers = {}) {
  HttpResponse r;
  EXPECT_TRUE(poll_until(
      [&] {
        r = http_get(port, "/api/ai/decision/" + symbol, headers);
        return r.status != 422;
      },
      kDeadline))
      << r.body;
  return expect_json_response(r, 201, "GET /api/ai/decision/" + symbol);
}

void expect_decision(const json& d, const std::string& where) {
  expect_fields(d, where,
                {{"id", {K::integer}},
                 {"symbol", {K::string}},
                 {"portfolio_id", {K::integer}},
                 {"action", {K::string}},
                 {"confidence", {K::number}},
                 {"score", {K::number}},
                 {"price", {K::number}},
                 {"regime", {K::object}},
                 {"reasons", {K::array}},
                 {"model", {K::object}},
                 {"created_at", {K::string}}});
  const std::set<std::string> actions{"buy", "sell", "hold"};
  EXPECT_TRUE(actions.count(d.value("action", ""))) << where << ": " << d.dump();
  EXPECT_GE(d.value("confidence", -1.0), 0.0) << where;
  EXPECT_LE(d.value("confidence", 2.0), 1.0) << where;
  // Every strategy class is an input, each with its weight; the weights share 1 (or all are 0).
  std::set<std::string> inputs;
  double weights = 0.0;
  for (const auto& r : d["reasons"]) {
    inputs.insert(r.value("input", ""));
    weights += r.value("weight", 0.0);
    EXPECT_TRUE(r.contains("contribution") && r.contains("signal")) << r.dump();
  }
  EXPECT_EQ(inputs.size(), 7u) << where << ": " << d["reasons"].dump();
  EXPECT_TRUE(std::abs(weights - 1.0) < 1e-9 || weights == 0.0) << where << ": weights sum to " << weights;
}

bool listed(const json& page, long long id) {
  for (const auto& d : page.value("items", json::array()))
    if (d.value("id", 0LL) == id) return true;
  return false;
}

TEST_F(Decisions, DecisionIsStoredListedAndExecutedThroughTheOrderPath) {
  const auto d = decide(port(), "btcusdt");
  expect_decision(d, "decision");
  EXPECT_EQ(d.value("symbol", ""), "BTC-USD");
  EXPECT_TRUE(d["order_id"].is_null());
  const auto id = d.value("id", 0LL);

  const auto page = get_json(port(), "/api/ai/decisions?symbol=BTC-USD");
  ASSERT_TRUE(listed(page, id)) << page.dump();
  EXPECT_EQ(page["items"][0].value("id", 0LL), id) << "newest first";
  EXPECT_FALSE(listed(get_json(port(), "/api/ai/decisions?symbol=ETH-USD"), id));

  if (d.value("action", "") == "hold")
    expect_error(send_json(port(), "POST", "/api/ai/decision/execute", {{"decision_id", id}}), 422, "not_actionable",
                 "execute a hold");
  else if (d.value("action", "") == "sell")  // nothing is held: no suggested size
    expect_error(send_json(port(), "POST", "/api/ai/decision/execute", {{"decision_id", id}}), 422, "no_quantity",
                 "execute a sell with nothing held");

  // A buy to execute: the first one the model gives across the configured symbols.
  json buy;
  const auto symbols = get_json(port(), "/api/symbols")["items"];
  ASSERT_TRUE(poll_until(
      [&] {
        for (const auto& s : symbols) {
          buy = decide(port(), s.value("symbol", ""));
          if (buy.value("action", "") == "buy") return true;
        }
        return false;
      },
      kDeadline))
      << "no buy decision on any symbol; last: " << buy.dump();
  const auto buy_id = buy.value("id", 0LL);
  ASSERT_TRUE(buy["quantity"].is_number()) << buy.dump();
  const auto out = expect_json_response(
      send_json(port(), "POST", "/api/ai/decision/execute", {{"decision_id", buy_id}}), 201, "execute");
  const auto order_id = out["order"].value("id", 0LL);
  ASSERT_GT(order_id, 0) << out.dump();
  EXPECT_EQ(out["order"].value("side", ""), "buy");
  EXPECT_EQ(out["order"].value("symbol", ""), buy.value("symbol", ""));
  EXPECT_EQ(out["decision"].value("order_id", 0LL), order_id) << out.dump();
  EXPECT_TRUE(out["decision"]["executed_at"].is_string());
  // The order exists where POST /api/trade's orders are, and the stored row has it.
  EXPECT_EQ(get_json(port(), "/api/orders/" + std::to_string(order_id)).value("id", 0LL), order_id);
  const auto row = get_json(port(), "/api/ai/decisions?limit=5000")["items"];
  const auto it = std::find_if(row.begin(), row.end(), [&](const json& r) { return r.value("id", 0LL) == buy_id; });
  ASSERT_NE(it, row.end());
  EXPECT_EQ(it->value("order_id", 0LL), order_id);
  expect_error(send_json(port(), "POST", "/api/ai/decision/execute", {{"decision_id", buy_id}}), 409,
               "already_executed", "execute twice");
}

TEST_F(Decisions, ErrorsNameWhatIsWrong) {
  expect_error(http_get(port(), "/api/ai/decision/NOPE"), 404, "unknown_symbol", "unknown symbol");
  expect_error(http_get(port(), "/api/ai/decisions?symbol=NOPE"), 404, "unknown_symbol", "unknown list symbol");
  expect_error(http_get(port(), "/api/ai/decisions?limit=0"), 400, "invalid_parameter", "limit 0");
  expect_error(send_json(port(), "POST", "/api/ai/decision/execute", {{"decision_id", 987654321}}), 404, "not_found",
               "unknown decision");
  for (const json& bad : {json::object(), json{{"decision_id", "x"}}, json{{"decision_id", -1}}}) {
    const auto r = send_json(port(), "POST", "/api/ai/decision/execute", bad);
    EXPECT_TRUE(r.status == 400 || r.status == 422) << bad.dump() << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["details"].value("field", ""), "decision_id") << r.body;
  }
  const auto d = decide(port(), "ETH-USD");
  const auto zero =
      send_json(port(), "POST", "/api/ai/decision/execute", {{"decision_id", d.value("id", 0LL)}, {"quantity", 0}});
  EXPECT_EQ(zero.status, 422) << zero.body;
  EXPECT_EQ(zero.json()["error"]["details"].value("field", ""), "quantity") << zero.body;
  // A buy far larger than the portfolio may hold: the order path's own refusal, and the
  // decision stays unexecuted.
  if (d.value("action", "") == "buy") {
    expect_error(
        send_json(port(), "POST", "/api/ai/decision/execute", {{"decision_id", d.value("id", 0LL)}, {"quantity", 1e6}}),
        422, "risk_denied", "oversized buy");
    const auto page = get_json(port(), "/api/ai/decisions?symbol=ETH-USD");
    EXPECT_TRUE(page["items"][0]["order_id"].is_null()) << page.dump();
  }
}

class DecisionOwnership : public SharedDaemonTest<DecisionOwnership> {
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
  // A trader with a portfolio of their own.
  static Headers trader(const std::string& email) {
    auto who = e2e::new_user(port(), admin(), email, "trader");
    expect_json_response(post_json(port(), "/api/portfolios",
                                   {{"name", email.substr(0, email.find('@'))}, {"initial_capital", 100000}}, who),
                         201, "portfolio of " + email);
    return who;
  }
};

TEST_F(DecisionOwnership, AnotherUsersDecisionIsNotFound) {
  const auto ann = trader("ann@example.com");
  const auto bob = trader("bob@example.com");
  const auto d = decide(port(), "BTC-USD", ann);
  const auto id = d.value("id", 0LL);
  ASSERT_GT(id, 0) << d.dump();
  expect_error(post_json(port(), "/api/ai/decision/execute", {{"decision_id", id}, {"quantity", 0.001}}, bob), 404,
               "not_found", "bob executes ann's decision");
  EXPECT_FALSE(listed(expect_json_response(http_get(port(), "/api/ai/decisions", bob), 200, "bob's list"), id));
  EXPECT_TRUE(listed(expect_json_response(http_get(port(), "/api/ai/decisions", ann), 200, "ann's list"), id));
  EXPECT_TRUE(listed(expect_json_response(http_get(port(), "/api/ai/decisions", admin()), 200, "admin's list"), id));
  EXPECT_EQ(http_get(port(), "/api/ai/decisions").status, 401);
}

}  // namespace
}  // namespace meridian::e2e
