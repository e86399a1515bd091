// Orders over REST and WebSocket: POST /api/trade places an order (201, or 200 with
// "duplicate" for a repeated client_order_id), GET /api/orders lists it, /ws sends `order`
// messages, DELETE cancels and PATCH replaces it; a market order fills into a trade and moves
// cash; bad input is a 4xx naming the field; risk limits and the risk state deny orders with
// 422 risk_denied and the reason code. The session stays stopped, so only these orders trade.
#include <cmath>

#include "fixture.hpp"
#include "support/ws_client.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

class Orders : public SharedDaemonTest<Orders> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;
    return o;
  }
};

constexpr const char* kSymbol = "BTC-USD";

json place(std::uint16_t port, const json& body, int status, const std::string& where) {
  auto order = expect_json_response(send_json(port, "POST", "/api/trade", body), status, where);
  expect_order(order, where);
  return order;
}

std::string order_path(const json& order) {
  return "/api/orders/" + std::to_string(order.value("id", 0LL));
}

json order_now(std::uint16_t port, const json& order) {
  return get_json(port, order_path(order));
}

std::unique_ptr<WsClient> connect_ws(std::uint16_t port) {
  auto ws = std::make_unique<WsClient>(port);
  auto hello = ws->next(kDeadline);
  EXPECT_TRUE(hello && type_of(*hello) == "connected") << "first message: " << (hello ? hello->dump() : "none");
  return ws;
}

// The next `order` message about order `id` in `status`.
std::optional<json> order_message(WsClient& ws, long long id, const std::string& status) {
  return ws.next_matching(
      [&](const json& m) {
        return type_of(m) == "order" && m.contains("data") && m["data"].value("id", 0LL) == id &&
               m["data"].value("status", "") == status;
      },
      kDeadline);
}

bool listed(const json& page, long long id) {
  for (const auto& o : page.value("items", json::array()))
    if (o.value("id", 0LL) == id) return true;
  return false;
}

TEST_F(Orders, LimitOrderIsListedBroadcastAndCancelled) {
  auto ws = connect_ws(port());
  const auto body = resting_limit(port());
  auto order = place(port(), body, 201, "POST /api/trade limit");
  const auto id = order.value("id", 0LL);
  EXPECT_EQ(order.value("status", ""), "accepted");
  EXPECT_EQ(order.value("type", ""), "limit");
  EXPECT_EQ(order.value("side", ""), "buy");
  EXPECT_EQ(order.value("symbol", ""), kSymbol);
  EXPECT_DOUBLE_EQ(order.value("limit_price", 0.0), body["limit_price"].get<double>());
  EXPECT_EQ(order.value("duplicate", true), false);
  EXPECT_EQ(order.value("portfolio_id", 0LL), portfolio_id(port()));

  auto message = order_message(*ws, id, "accepted");
  ASSERT_TRUE(message) << "no `order` message for order " << id;
  EXPECT_TRUE(message->contains("ts"));
  expect_order(message->at("data"), "ws order.data");

  auto open = get_json(port(), "/api/orders?status=open");
  expect_list(open, "GET /api/orders?status=open", expect_order);
  EXPECT_TRUE(listed(open, id)) << "order " << id << " is not among the open orders: " << open.dump();
  EXPECT_TRUE(listed(get_json(port(), "/api/orders?symbol=BTC-USD"), id));
  EXPECT_FALSE(listed(get_json(port(), "/api/orders?symbol=ETH-USD"), id));
  EXPECT_FALSE(listed(get_json(port(), "/api/orders?status=filled,cancelled"), id));
  EXPECT_EQ(order_now(port(), order).value("status", ""), "accepted");

  auto cancelled = expect_json_response(send(port(), "DELETE", order_path(order)), 200, "DELETE order");
  expect_order(cancelled, "DELETE order");
  EXPECT_EQ(cancelled.value("status", ""), "cancelled");
  EXPECT_TRUE(order_message(*ws, id, "cancelled")) << "no `order` message for the cancel";
  EXPECT_EQ(order_now(port(), order).value("status", ""), "cancelled");
  EXPECT_FALSE(listed(get_json(port(), "/api/orders?status=open"), id));

  expect_error(send(port(), "DELETE", order_path(order)), 409, "invalid_state", "DELETE a cancelled order");
  expect_error(send(port(), "DELETE", "/api/orders/999999"), 404, "not_found", "DELETE an unknown order");
  expect_error(send(port(), "DELETE", "/api/orders/abc"), 400, "invalid_parameter", "DELETE /api/orders/abc");
  expect_error(http_get(port(), "/api/orders/999999"), 404, "not_found", "GET an unknown order");
  expect_error(http_get(port(), "/api/orders?status=bogus"), 400, "invalid_parameter", "GET ?status=bogus");
}

TEST_F(Orders, PatchReplacesAnOpenOrder) {
  auto order = place(port(), resting_limit(port()), 201, "POST /api/trade limit");
  const double new_price = std::round(order.value("limit_price", 0.0) * 90.0) / 100.0;
  auto replaced = expect_json_response(
      send_json(port(), "PATCH", order_path(order), {{"quantity", 0.02}, {"limit_price", new_price}}), 200, "PATCH");
  expect_order(replaced, "PATCH");
  EXPECT_EQ(replaced.value("id", 0LL), order.value("id", -1LL)) << "a replace keeps the order id";
  EXPECT_DOUBLE_EQ(replaced.value("quantity", 0.0), 0.02);
  EXPECT_DOUBLE_EQ(replaced.value("limit_price", 0.0), new_price);
  EXPECT_DOUBLE_EQ(order_now(port(), order).value("quantity", 0.0), 0.02);

  auto bad = expect_error(send_json(port(), "PATCH", order_path(order), {{"quantity", "more"}}), 422, "invalid_field",
                          "PATCH quantity \"more\"");
  expect_error_field(bad, "quantity", "PATCH quantity \"more\"");
  bad = expect_error(send_json(port(), "PATCH", order_path(order), {{"stop_price", 5}}), 422, "invalid_field",
                     "PATCH stop_price on a limit order");
  expect_error_field(bad, "stop_price", "PATCH stop_price on a limit order");
  expect_error(send_json(port(), "PATCH", "/api/orders/999999", {{"quantity", 1}}), 404, "not_found",
               "PATCH an unknown order");

  expect_json_response(send(port(), "DELETE", order_path(order)), 200, "DELETE");
  expect_error(send_json(port(), "PATCH", order_path(order), {{"quantity", 0.03}}), 409, "invalid_state",
               "PATCH a cancelled order");
}

TEST_F(Orders, MarketOrderFillsIntoATradeAndMovesCash) {
  const auto pid = std::to_string(portfolio_id(port()));
  const auto before = get_json(port(), "/api/portfolios/" + pid);
  auto order = place(port(), {{"symbol", kSymbol}, {"side", "buy"}, {"qty", 0.01}}, 201, "POST /api/trade market");
  EXPECT_EQ(order.value("type", ""), "market") << "market is the default type";

  json filled;
  ASSERT_TRUE(poll_until(
      [&] {
        filled = order_now(port(), order);
        return filled.value("status", "") == "filled";
      },
      kDeadline))
      << "the market order never filled: " << filled.dump();
  EXPECT_DOUBLE_EQ(filled.value("filled_quantity", 0.0), 0.01);
  EXPECT_GT(filled.value("average_price", 0.0), 0.0);

  // The trade shows once it is durable.
  const auto id = order.value("id", 0LL);
  auto has_trade = [&](const json& trades) {
    for (const auto& t : trades)
      if (t.value("order_id", 0LL) == id) return true;
    return false;
  };
  json trades;
  ASSERT_TRUE(poll_until(
      [&] {
        trades = get_json(port(), "/api/trades?symbol=BTC-USD&portfolio=" + pid);
        return has_trade(trades.value("items", json::array()));
      },
      kDeadline))
      << "no trade for order " << id << " in " << trades.dump();
  expect_list(trades, "GET /api/trades", expect_trade);
  auto both = get_json(port(), "/api/orders-trades");
  expect_fields(both, "GET /api/orders-trades", {{"orders", {Kind::array}}, {"trades", {Kind::array}}});
  EXPECT_TRUE(has_trade(both.value("trades", json::array()))) << both.dump();
  EXPECT_TRUE(listed(json{{"items", both.value("orders", json::array())}}, id)) << both.dump();

  const auto after = get_json(port(), "/api/portfolios/" + pid);
  expect_portfolio(after, "GET /api/portfolios/{id}");
  const double spent = filled.value("filled_notional", 0.0) + filled.value("fees", 0.0);
  EXPECT_NEAR(before.value("cash", 0.0) - after.value("cash", 0.0), spent, 1e-6)
      << "cash should fall by the notional and the fee";
  bool held = false;
  for (const auto& p : get_json(port(), "/market/positions").value("items", json::array()))
    held = held || p.value("symbol", "") == kSymbol;
  EXPECT_TRUE(held) << "the bought symbol is not among /market/positions";
}

// A market entry with a bracket: as it fills, a take-profit limit and a trailing stop-loss
// rest on the other side (reduce-only, linked to each other); cancelling one leaves the other.
TEST_F(Orders, BracketEntryPlacesItsLegsAsItFills) {
  const double last = last_price(port(), kSymbol);
  auto entry = place(port(),
                     {{"symbol", kSymbol},
                      {"side", "buy"},
                      {"quantity", 0.01},
                      {"take_profit", std::round(last * 1.05)},
                      {"stop_loss", std::round(last * 0.95)},
                      {"bracket_trail_percent", 2}},
                     201, "POST /api/trade bracket");
  EXPECT_EQ(entry.value("bracket_trail_percent", 0.0), 2.0) << entry.dump();
  const auto id = entry.value("id", 0LL);
  std::vector<json> legs;
  ASSERT_TRUE(poll_until(
      [&] {
        legs.clear();
        for (const auto& o : get_json(port(), "/api/orders?status=open&limit=5000").value("items", json::array()))
          if (o.value("parent_id", json()) == id) legs.push_back(o);
        return legs.size() == 2;
      },
      kDeadline))
      << "the bracket's legs never appeared; entry now " << order_now(port(), entry).dump();
  int limits = 0, stops = 0;
  for (const auto& leg : legs) {
    expect_order(leg, "bracket leg");
    EXPECT_EQ(leg.value("side", ""), "sell");
    EXPECT_TRUE(leg.value("reduce_only", false));
    EXPECT_DOUBLE_EQ(leg.value("quantity", 0.0), 0.01);
    if (leg.value("type", "") == "limit") ++limits;
    if (leg.value("type", "") == "stop") {
      ++stops;
      EXPECT_EQ(leg.value("trail_percent", 0.0), 2.0) << leg.dump();
    }
  }
  EXPECT_EQ(limits, 1);
  EXPECT_EQ(stops, 1);
  EXPECT_EQ(legs[0].value("oco_id", 0LL), legs[1].value("id", -1LL));
  for (const auto& leg : legs) expect_json_response(send(port(), "DELETE", order_path(leg)), 200, "DELETE leg");
  // Flat again for the other tests.
  place(port(), {{"symbol", kSymbol}, {"side", "sell"}, {"quantity", 0.01}}, 201, "POST /api/trade exit");
}

TEST_F(Orders, RepeatedClientOrderIdReturnsTheFirstOrder) {
  auto body = resting_limit(port());
  body["client_order_id"] = "e2e-idempotent-1";
  auto first = place(port(), body, 201, "POST /api/trade (first)");
  auto again = place(port(), body, 200, "POST /api/trade (repeat)");
  EXPECT_EQ(again.value("duplicate", false), true);
  EXPECT_EQ(again.value("id", 0LL), first.value("id", -1LL));
  EXPECT_EQ(again.value("client_order_id", ""), "e2e-idempotent-1");
  int count = 0;
  for (const auto& o : get_json(port(), "/api/orders?limit=5000").value("items", json::array()))
    count += o.value("client_order_id", json()) == "e2e-idempotent-1" ? 1 : 0;
  EXPECT_EQ(count, 1) << "a repeated client_order_id placed a second order";
  expect_json_response(send(port(), "DELETE", order_path(first)), 200, "DELETE");
}

TEST_F(Orders, BadOrdersAre4xxNamingTheField) {
  struct Case {
    const char* body;
    int status;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {R"({"side":"buy","quantity":1})", 422, "invalid_field", "symbol"},
      {R"({"symbol":"NOPE","side":"buy","quantity":1})", 422, "unknown_symbol", "symbol"},
      {R"({"symbol":7,"side":"buy","quantity":1})", 422, "invalid_field", "symbol"},
      {R"({"symbol":"BTC-USD","quantity":1})", 422, "invalid_field", "side"},
      {R"({"symbol":"BTC-USD","side":"long","quantity":1})", 422, "invalid_field", "side"},
      {R"({"symbol":"BTC-USD","side":"buy"})", 422, "invalid_field", "quantity"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":"1"})", 422, "invalid_field", "quantity"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":-1})", 422, "invalid_field", "quantity"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":0})", 422, "invalid_field", "quantity"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1e300})", 422, "out_of_range", "quantity"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"type":"iceberg"})", 422, "invalid_field", "type"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"type":"limit"})", 422, "invalid_field", "limit_price"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"limit_price":5})", 422, "invalid_field", "limit_price"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"type":"limit","limit_price":"low"})", 422, "invalid_field",
       "limit_price"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"type":"stop"})", 422, "invalid_field", "stop_price"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"type":"stop","stop_price":9,"trail_percent":150})", 422,
       "invalid_field", "trail_percent"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"time_in_force":"forever"})", 422, "invalid_field",
       "time_in_force"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"type":"limit","limit_price":100,"take_profit":90})", 422,
       "invalid_field", "take_profit"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"client_order_id":5})", 422, "invalid_field",
       "client_order_id"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"portfolio_id":999})", 404, "not_found", "portfolio_id"},
      {R"({"symbol":"BTC-USD","side":"buy","quantity":1,"portfolio_id":true})", 422, "invalid_field", "portfolio_id"},
      {R"([1,2])", 422, "invalid_field", "body"},
  };
  const auto orders_before = get_json(port(), "/api/orders?limit=5000").value("items", json::array()).size();
  for (const auto& c : cases) {
    const std::string where = std::string("POST /api/trade ") + c.body;
    auto body = expect_error(send(port(), "POST", "/api/trade", c.body), c.status, c.code, where);
    expect_error_field(body, c.field, where);
  }
  const std::string long_id(65, 'x');
  auto body =
      expect_error(send_json(port(), "POST", "/api/trade",
                             {{"symbol", kSymbol}, {"side", "buy"}, {"quantity", 0.001}, {"client_order_id", long_id}}),
                   422, "invalid_field", "a 65-character client_order_id");
  expect_error_field(body, "client_order_id", "a 65-character client_order_id");
  for (const std::string text : {R"({"symbol":"BTC-USD",)", "not json", ""})
    expect_error(send(port(), "POST", "/api/trade", text), 400, "invalid_json", "POST /api/trade '" + text + "'");
  EXPECT_EQ(get_json(port(), "/api/orders?limit=5000").value("items", json::array()).size(), orders_before)
      << "a refused order was placed";
}

TEST_F(Orders, RiskLimitsDenyOrdersWithTheReason) {
  const auto limits = "/api/risk/limits/" + std::to_string(portfolio_id(port()));
  const auto status_path = "/api/risk/status/" + std::to_string(portfolio_id(port()));
  const auto denied_before = get_json(port(), status_path)["denials"].value("max_notional", 0LL);
  auto set = expect_json_response(send_json(port(), "POST", limits, {{"max_order_notional", 10}}), 200,
                                  "POST limits max_order_notional 10");
  EXPECT_DOUBLE_EQ(set["limits"].value("max_order_notional", 0.0), 10.0);

  const json order{{"symbol", kSymbol}, {"side", "buy"}, {"quantity", 0.01}};
  auto denied = expect_error(send_json(port(), "POST", "/api/trade", order), 422, "risk_denied",
                             "an order above max_order_notional");
  EXPECT_EQ(denied["error"]["details"].value("reason", ""), "max_notional") << denied.dump();
  EXPECT_TRUE(denied["error"]["details"].value("message", "").size() > 0) << denied.dump();
  auto status = get_json(port(), status_path);
  expect_risk_status(status, "GET /api/risk/status");
  EXPECT_EQ(status["denials"].value("max_notional", 0LL), denied_before + 1);

  expect_json_response(send_json(port(), "POST", limits, {{"max_order_notional", 1000000}}), 200, "restore limits");
  auto accepted = place(port(), order, 201, "the same order under the restored limit");
  EXPECT_NE(accepted.value("status", ""), "rejected");
}

TEST_F(Orders, HaltedRiskStateDeniesUntilActiveAgain) {
  const auto state_path = "/api/risk/state/" + std::to_string(portfolio_id(port()));
  auto ws = connect_ws(port());
  auto halted = expect_json_response(send_json(port(), "POST", state_path, {{"state", "halted"}}), 200, "halt");
  expect_risk_status(halted, "POST risk state halted");
  EXPECT_EQ(halted.value("state", ""), "halted");
  auto message = ws->next_of_type("risk", kDeadline);
  ASSERT_TRUE(message) << "no `risk` message after the halt";
  EXPECT_EQ(message->at("data").value("to", ""), "halted");
  EXPECT_EQ(message->at("data").value("from", ""), "active");
  EXPECT_EQ(message->at("data").value("reason", ""), "api");
  EXPECT_EQ(get_json(port(), "/api/trading/status").value("risk_state", ""), "halted");

  const json order{{"symbol", kSymbol}, {"side", "buy"}, {"quantity", 0.001}};
  auto denied = expect_error(send_json(port(), "POST", "/api/trade", order), 422, "risk_denied", "order while halted");
  EXPECT_EQ(denied["error"]["details"].value("reason", ""), "halted") << denied.dump();

  auto bad =
      expect_error(send_json(port(), "POST", state_path, {{"state", "paused"}}), 422, "invalid_field", "state paused");
  expect_error_field(bad, "state", "state paused");
  expect_error(send_json(port(), "POST", "/api/risk/state/999", {{"state", "active"}}), 404, "not_found",
               "unknown portfolio");

  auto active = expect_json_response(send_json(port(), "POST", state_path, {{"state", "active"}}), 200, "activate");
  EXPECT_EQ(active.value("state", ""), "active");
  message = ws->next_of_type("risk", kDeadline);
  ASSERT_TRUE(message) << "no `risk` message after re-activation";
  EXPECT_EQ(message->at("data").value("to", ""), "active");
  place(port(), order, 201, "order once active again");
}

}  // namespace
}  // namespace meridian::e2e
