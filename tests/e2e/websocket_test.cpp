// /ws: the greeting, price updates, subscriptions, and trades that are broadcast only once
// they are durable (visible over REST and in the `trades` table when the message arrives).
#include <cmath>
#include <set>

#include "fixture.hpp"
#include "support/ws_client.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using K = Kind;

class WebSocket : public SharedDaemonTest<WebSocket> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.fast_period = 3;
    o.slow_period = 8;
    return o;
  }
};

TEST_F(WebSocket, ConnectedFirstThenPriceUpdateWithinThreeSeconds) {
  WsClient ws(port());
  auto hello = ws.next(kDeadline);
  ASSERT_TRUE(hello) << "no message at all (closed: " << ws.close_error() << ")";
  ASSERT_EQ(type_of(*hello), "connected") << "the first message must be `connected`: " << hello->dump();
  expect_fields(*hello, "connected", {{"ts", {K::integer}}, {"client_id", {K::integer}}, {"status", {K::object}}});
  expect_trading_status(hello->at("status"), "connected.status");

  auto price = ws.next_of_type("priceUpdate", std::chrono::seconds(3));
  ASSERT_TRUE(price) << "no priceUpdate within 3 s of connecting";
  expect_fields(*price, "priceUpdate", {{"ts", {K::integer}}, {"data", {K::object}}});
  expect_quote(price->at("data"), "priceUpdate.data");

  WsClient other(port());
  auto hello2 = other.next(kDeadline);
  ASSERT_TRUE(hello2 && type_of(*hello2) == "connected");
  EXPECT_NE(hello2->at("client_id"), hello->at("client_id")) << "two clients got the same client_id";
}

TEST_F(WebSocket, PriceUpdatesCoverEverySymbol) {
  auto status = get_json(port(), "/api/trading/status");
  std::set<std::string> expected;
  for (const auto& s : status.at("symbols")) expected.insert(s.get<std::string>());
  ASSERT_EQ(expected.size(), 10u);

  WsClient ws(port());
  std::set<std::string> seen;
  auto last = ws.next_matching(
      [&](const json& m) {
        if (type_of(m) == "priceUpdate") seen.insert(m["data"].value("symbol", ""));
        return seen == expected;
      },
      kDeadline);
  EXPECT_TRUE(last) << "priceUpdate seen for " << seen.size() << " of " << expected.size() << " symbols";
}

TEST_F(WebSocket, SubscribeFiltersPriceUpdates) {
  WsClient ws(port());
  ws.send({{"type", "subscribe"}, {"symbols", {"ETH-USD"}}});
  auto ack = ws.next_of_type("subscribed", kDeadline);
  ASSERT_TRUE(ack) << "no `subscribed` acknowledgement";
  EXPECT_EQ(ack->at("symbols"), json({"ETH-USD"}));
  // Everything queued after the acknowledgement respects the filter.
  for (int i = 0; i < 5; ++i) {
    auto price = ws.next_of_type("priceUpdate", kDeadline);
    ASSERT_TRUE(price) << "no priceUpdate for the subscribed symbol";
    EXPECT_EQ(price->at("data").value("symbol", ""), "ETH-USD") << price->dump();
  }
  ws.send({{"type", "subscribe"}, {"symbols", {"NOPE"}}});
  auto err = ws.next_of_type("error", kDeadline);
  ASSERT_TRUE(err) << "no error for an unknown symbol";
  expect_fields(err->at("error"), "error", {{"code", {K::string}}, {"message", {K::string}}});
}

double as_double(const pqxx::field& f) {
  return std::stod(f.c_str());
}

bool near(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b));
}

TEST_F(WebSocket, TradeIsDurableWhenBroadcast) {
  WsClient ws(port());
  std::vector<long long> ids;
  while (ids.size() < 3) {
    auto msg = ws.next_of_type("trade", kDeadline);
    ASSERT_TRUE(msg) << "no trade message within the deadline (" << ids.size() << " so far)";
    // Check REST and the database before anything else happens.
    const auto rest = get_json(port(), "/api/trades?limit=5000");
    const auto& trade = msg->at("data");
    const auto id = trade.at("id").get<long long>();
    const auto row = db().query(
        "SELECT symbol, side, quantity::text AS quantity, price::text AS price, fee::text AS fee FROM trades WHERE id "
        "= " +
        std::to_string(id));

    const std::string where = "trade " + std::to_string(id);
    expect_fields(*msg, "trade message", {{"ts", {K::integer}}, {"data", {K::object}}});
    expect_trade(trade, where);
    if (!ids.empty()) {
      EXPECT_GT(id, ids.back()) << "trade ids over WS are not increasing";
    }
    ids.push_back(id);

    json from_rest;
    for (const auto& t : rest.at("items"))
      if (t.at("id") == id) from_rest = t;
    EXPECT_FALSE(from_rest.is_null()) << where << " was broadcast but is not in GET /api/trades yet";
    if (!from_rest.is_null()) {
      EXPECT_EQ(from_rest, trade) << where << ": REST and WS disagree";
    }

    ASSERT_EQ(row.size(), 1u) << where << " was broadcast but is not in the trades table yet";
    EXPECT_EQ(std::string(row[0]["symbol"].c_str()), trade.at("symbol").get<std::string>()) << where;
    EXPECT_EQ(std::string(row[0]["side"].c_str()), trade.at("side").get<std::string>()) << where;
    EXPECT_TRUE(near(as_double(row[0]["quantity"]), trade.at("quantity").get<double>()))
        << where << ": quantity " << row[0]["quantity"].c_str() << " in the table, " << trade.at("quantity")
        << " on WS";
    EXPECT_TRUE(near(as_double(row[0]["price"]), trade.at("price").get<double>()))
        << where << ": price " << row[0]["price"].c_str() << " in the table, " << trade.at("price") << " on WS";
    EXPECT_TRUE(near(as_double(row[0]["fee"]), trade.at("fee").get<double>()))
        << where << ": fee " << row[0]["fee"].c_str() << " in the table, " << trade.at("fee") << " on WS";
  }
}

}  // namespace
}  // namespace meridian::e2e
