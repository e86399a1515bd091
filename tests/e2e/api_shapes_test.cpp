// Every read endpoint answers with the shape of docs/api-shapes.md: field names, JSON types,
// Content-Type application/json. (Session commands: session_control_test.cpp.)
#include <set>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using K = Kind;

class ApiShapes : public SharedDaemonTest<ApiShapes> {
 public:
  // Short SMA periods: trades and positions appear within seconds.
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.fast_period = 3;
    o.slow_period = 8;
    return o;
  }
};

// Polls GET `target` until its items hold at least `n` entries; the last body read.
json wait_for_items(std::uint16_t port, const std::string& target, std::size_t n) {
  json body;
  poll_until(
      [&] {
        body = http_get(port, target).json();
        return body.is_object() && body.contains("items") && body["items"].is_array() && body["items"].size() >= n;
      },
      kDeadline);
  return body;
}

TEST_F(ApiShapes, HealthOnBothPaths) {
  for (const std::string path : {"/health", "/api/health"}) {
    auto body = get_json(port(), path);
    ASSERT_TRUE(body.is_object()) << path;
    expect_fields(body, path,
                  {{"status", {K::string}},
                   {"version", {K::string}},
                   {"uptime_s", {K::number}},
                   {"time", {K::time}},
                   {"checks", {K::object}}});
    EXPECT_EQ(body["status"], "ok") << path;
    const auto& checks = body.at("checks");
    expect_fields(checks, path + ".checks",
                  {{"database", {K::object}}, {"feed", {K::object}}, {"engine", {K::object}}});
    expect_fields(checks.at("database"), path + ".checks.database",
                  {{"status", {K::string}},
                   {"connected", {K::boolean}},
                   {"commits", {K::integer}},
                   {"failures", {K::integer}},
                   {"last_error", {K::string, K::null}}});
    EXPECT_EQ(checks["database"]["status"], "ok") << path;
    EXPECT_EQ(checks["database"]["connected"], true) << path;
    expect_fields(checks.at("feed"), path + ".checks.feed",
                  {{"status", {K::string}}, {"name", {K::string}}, {"ticks", {K::integer}}, {"dropped", {K::integer}}});
    EXPECT_EQ(checks["feed"]["name"], "simulated") << path;
    expect_fields(checks.at("engine"), path + ".checks.engine",
                  {{"status", {K::string}}, {"state", {K::string}}, {"snapshot_age_ms", {K::integer}}});
    EXPECT_EQ(checks["engine"]["state"], "running") << path;
  }
}

TEST_F(ApiShapes, ApiStatus) {
  auto body = get_json(port(), "/api/status");
  ASSERT_TRUE(body.is_object());
  expect_fields(body, "status",
                {{"status", {K::string}},
                 {"service", {K::string}},
                 {"version", {K::string}},
                 {"time", {K::time}},
                 {"uptime_s", {K::number}},
                 {"engine", {K::object}}});
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["service"], "meridiand");
  expect_fields(body.at("engine"), "status.engine",
                {{"state", {K::string}}, {"mode", {K::string}}, {"symbols", {K::integer}}});
  EXPECT_EQ(body["engine"]["mode"], "simulation");
  EXPECT_EQ(body["engine"]["symbols"], 10);
}

TEST_F(ApiShapes, EngineStatus) {
  // Wait for an open position so that positions[] has an element to check.
  json body;
  poll_until(
      [&] {
        body = get_json(port(), "/api/engine/status");
        return body.is_object() && body.value("open_positions", 0) > 0;
      },
      kDeadline);
  ASSERT_TRUE(body.is_object());
  expect_fields(body, "engine",
                {{"running", {K::boolean}},
                 {"state", {K::string}},
                 {"mode", {K::string}},
                 {"capital", {K::number}},
                 {"cash", {K::number}},
                 {"equity", {K::number}},
                 {"positions", {K::array}},
                 {"open_positions", {K::integer}},
                 {"scan_count", {K::integer}},
                 {"ticks_processed", {K::integer}},
                 {"bars_processed", {K::integer}},
                 {"signals", {K::integer}},
                 {"orders", {K::integer}},
                 {"rejects", {K::integer}},
                 {"trades_count", {K::integer}},
                 {"daily_pnl", {K::number}},
                 {"symbols", {K::array}},
                 {"last_tick_at", {K::time, K::null}}});
  EXPECT_EQ(body["running"], body["state"] == "running");
  EXPECT_EQ(body["mode"], "simulation");
  ASSERT_TRUE(body["positions"].is_array());
  EXPECT_FALSE(body["positions"].empty()) << "no open position after waiting; trades_count " << body["trades_count"];
  EXPECT_EQ(body["positions"].size(), body["open_positions"].get<std::size_t>());
  for (std::size_t i = 0; i < body["positions"].size(); ++i)
    expect_position(body["positions"][i], "engine.positions[" + std::to_string(i) + "]");
  EXPECT_EQ(body["symbols"].size(), 10u);
  for (const auto& s : body["symbols"]) {
    EXPECT_TRUE(s.is_string()) << s;
  }
}

TEST_F(ApiShapes, TradingStatus) {
  auto body = get_json(port(), "/api/trading/status");
  expect_trading_status(body, "trading_status");
  ASSERT_TRUE(body.is_object());
  EXPECT_EQ(body["state"], "running") << "autostart: a first start begins trading";
  EXPECT_EQ(body["symbols"].size(), 10u);
  EXPECT_EQ(body["strategy"]["fast_period"], 3);
  EXPECT_EQ(body["strategy"]["slow_period"], 8);
}

TEST_F(ApiShapes, TradesOnBothRoutesNewestFirst) {
  auto first = wait_for_items(port(), "/api/trades?limit=5000", 3);
  ASSERT_GE(first["items"].size(), 3u) << "fewer than 3 trades after waiting: " << first.dump();
  for (const std::string route : {"/api/trades", "/api/trading/trades"}) {
    auto body = get_json(port(), route + "?limit=5000");
    expect_list(body, route, expect_trade);
    ASSERT_TRUE(body.is_object() && body["items"].is_array()) << route;
    const auto& items = body["items"];
    for (std::size_t i = 1; i < items.size(); ++i)
      EXPECT_GT(items[i - 1]["id"], items[i]["id"]) << route << ": not newest first at index " << i;
    EXPECT_TRUE(body["next"].is_null()) << route << ": everything fits in limit=5000";
  }
}

TEST_F(ApiShapes, TradesPaginateWithLimitAndBefore) {
  auto all = wait_for_items(port(), "/api/trades?limit=5000", 3);
  ASSERT_GE(all["items"].size(), 3u);
  auto page = get_json(port(), "/api/trades?limit=2");
  expect_list(page, "page1", expect_trade);
  ASSERT_EQ(page["items"].size(), 2u);
  ASSERT_TRUE(page["next"].is_number_integer()) << "more trades exist, so next is a cursor: " << page.dump();
  EXPECT_EQ(page["next"], page["items"][1]["id"]);
  const auto cursor = page["next"].get<long long>();
  auto older = get_json(port(), "/api/trades?limit=2&before=" + std::to_string(cursor));
  expect_list(older, "page2", expect_trade);
  ASSERT_FALSE(older["items"].empty());
  for (const auto& t : older["items"]) {
    EXPECT_LT(t["id"].get<long long>(), cursor);
  }

  // since: only trades at or after the time (epoch ms or ISO-8601).
  const auto& middle = all["items"][all["items"].size() / 2];
  for (const auto& since :
       std::vector<std::string>{std::to_string(middle["ts"].get<long long>()), middle["time"].get<std::string>()}) {
    auto recent = get_json(port(), "/api/trades?limit=5000&since=" + since);
    expect_list(recent, "since", expect_trade);
    ASSERT_TRUE(recent.is_object() && recent["items"].is_array());
    bool has_middle = false;
    for (const auto& t : recent["items"]) {
      EXPECT_GE(t["ts"].get<long long>(), middle["ts"].get<long long>()) << "since=" << since << ": " << t.dump();
      has_middle = has_middle || t["id"] == middle["id"];
    }
    EXPECT_TRUE(has_middle) << "since=" << since << " left out the trade at that time";
  }

  const auto symbol = all["items"][0]["symbol"].get<std::string>();
  auto filtered = get_json(port(), "/api/trades?limit=5000&symbol=" + symbol);
  expect_list(filtered, "by_symbol", expect_trade);
  ASSERT_FALSE(filtered["items"].empty());
  for (const auto& t : filtered["items"]) {
    EXPECT_EQ(t["symbol"], symbol);
  }
}

TEST_F(ApiShapes, Positions) {
  auto body = wait_for_items(port(), "/api/trading/positions", 1);
  expect_json_response(http_get(port(), "/api/trading/positions"), 200, "GET /api/trading/positions");
  expect_list(body, "positions", expect_position);
  ASSERT_TRUE(body.is_object() && body["items"].is_array());
  EXPECT_TRUE(body["next"].is_null());
  EXPECT_FALSE(body["items"].empty()) << "no open position after waiting";
  for (const auto& p : body["items"]) {
    EXPECT_GT(p["quantity"].get<double>(), 0) << "an open (long-only) position: " << p.dump();
    EXPECT_EQ(p["side"], "long") << p.dump();
  }
}

TEST_F(ApiShapes, Symbols) {
  auto body = get_json(port(), "/api/symbols");
  expect_list(body, "symbols", [](const json& s, std::string_view where) {
    expect_fields(s, where,
                  {{"symbol", {K::string}},
                   {"venue", {K::string}},
                   {"asset_class", {K::string}},
                   {"currency", {K::string}},
                   {"price_decimals", {K::integer}},
                   {"qty_decimals", {K::integer}},
                   {"last_price", {K::number, K::null}}});
  });
  ASSERT_TRUE(body.is_object() && body["items"].is_array());
  EXPECT_TRUE(body["next"].is_null());
  std::set<std::string> listed;
  for (const auto& s : body["items"]) listed.insert(s.value("symbol", ""));
  auto status = get_json(port(), "/api/trading/status");
  std::set<std::string> traded;
  for (const auto& s : status["symbols"]) traded.insert(s.get<std::string>());
  EXPECT_EQ(listed.size(), 10u);
  EXPECT_EQ(listed, traded) << "/api/symbols and the session's symbols differ";
  EXPECT_TRUE(listed.count("BTC-USD"));
}

TEST_F(ApiShapes, MarketCandlesOldestFirst) {
  auto body = get_json(port(), "/api/market/BTC-USD");
  ASSERT_TRUE(body.is_object());
  expect_fields(body, "market",
                {{"symbol", {K::string}},
                 {"timeframe", {K::string}},
                 {"items", {K::array}},
                 {"partial", {K::object, K::null}},
                 {"next", {K::integer, K::null}}});
  EXPECT_EQ(body["symbol"], "BTC-USD");
  EXPECT_EQ(body["timeframe"], "1m");
  const auto& items = body.at("items");
  ASSERT_FALSE(items.empty()) << "120 bars of history were generated";
  EXPECT_LE(items.size(), 100u) << "default limit is 100";
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto where = "market.items[" + std::to_string(i) + "]";
    expect_candle(items[i], where);
    if (i > 0) {
      EXPECT_LT(items[i - 1]["ts"], items[i]["ts"]) << where << ": not oldest first";
    }
    const auto& c = items[i];
    EXPECT_GE(c["high"].get<double>(), std::max(c["open"].get<double>(), c["close"].get<double>())) << where;
    EXPECT_LE(c["low"].get<double>(), std::min(c["open"].get<double>(), c["close"].get<double>())) << where;
  }
  if (body["partial"].is_object()) expect_candle(body["partial"], "market.partial");

  auto few = get_json(port(), "/api/market/BTC-USD?limit=5");
  ASSERT_TRUE(few.is_object());
  EXPECT_EQ(few["items"].size(), 5u);
  auto eth = get_json(port(), "/api/market/ETH-USD?limit=5000");
  ASSERT_TRUE(eth.is_object());
  EXPECT_EQ(eth["symbol"], "ETH-USD");
  EXPECT_GE(eth["items"].size(), 120u) << "all of the generated history fits in limit=5000";
}

}  // namespace
}  // namespace meridian::e2e
