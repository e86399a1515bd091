// Seed clients against the daemon unchanged (issue 17 item 7): CORS for an allow-listed origin
// (preflights 204, ACAO + Vary on answers; another origin gets no CORS header and still cannot
// send commands), the symbol spellings of the seeds' clients (btcusdt, BTC/USD, BTC-USDT...) on
// REST routes, in bodies and on both WebSocket paths, seed 002's camelCase request fields, seed
// 003's JSON health check on `/`, and seed 000's PORT variable.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "fixture.hpp"
#include "support/serve_process.hpp"
#include "support/ws_client.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

constexpr const char* kAllowed = "http://app.example:3000";
constexpr const char* kAlsoAllowed = "https://dash.example";
constexpr const char* kOther = "http://evil.example";

class SeedCompat : public SharedDaemonTest<SeedCompat> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.autostart = false;
    // Repeated and comma-separated forms together.
    o.extra_args = {"--cors-origin", std::string(kAllowed) + "," + kAlsoAllowed};
    return o;
  }
};

HttpResponse preflight(std::uint16_t port, const std::string& target, const std::string& origin,
                       const std::string& method) {
  return http_request(port, HttpRequest{"OPTIONS",
                                        target,
                                        {},
                                        {{"Origin", origin},
                                         {"Access-Control-Request-Method", method},
                                         {"Access-Control-Request-Headers", "content-type,authorization"}}});
}

TEST_F(SeedCompat, PreflightFromAnAllowedOriginIsAnswered) {
  for (const char* origin : {kAllowed, kAlsoAllowed}) {
    const auto r = preflight(port(), "/api/trade", origin, "POST");
    EXPECT_EQ(r.status, 204) << origin << ": " << r.body;
    EXPECT_EQ(r.header("Access-Control-Allow-Origin"), origin);
    EXPECT_NE(r.header("Access-Control-Allow-Methods").find("POST"), std::string::npos)
        << r.header("Access-Control-Allow-Methods");
    const auto headers = r.header("Access-Control-Allow-Headers");
    EXPECT_NE(headers.find("Content-Type"), std::string::npos) << headers;
    EXPECT_NE(headers.find("Authorization"), std::string::npos) << headers;
    EXPECT_FALSE(r.header("Access-Control-Max-Age").empty());
    EXPECT_EQ(r.header("Vary"), "Origin");
  }
  // The methods are the path's own.
  const auto r = preflight(port(), "/api/trading/status", kAllowed, "GET");
  EXPECT_EQ(r.status, 204);
  const auto methods = r.header("Access-Control-Allow-Methods");
  EXPECT_NE(methods.find("GET"), std::string::npos) << methods;
  EXPECT_EQ(methods.find("POST"), std::string::npos) << methods;
}

TEST_F(SeedCompat, AnotherOriginGetsNoCorsHeadersAndCannotSendCommands) {
  const auto pre = preflight(port(), "/api/trade", kOther, "POST");
  EXPECT_EQ(pre.status, 403) << pre.body;
  EXPECT_FALSE(pre.has_header("Access-Control-Allow-Origin"));
  const auto read = http_get(port(), "/api/trading/status", {{"Origin", kOther}});
  EXPECT_EQ(read.status, 200);
  EXPECT_FALSE(read.has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(read.has_header("Vary"));
  // The cross-site request protection still refuses a command from a page of another origin.
  const auto command = http_request(port(), HttpRequest{"POST", "/api/trading/pause", "", {{"Origin", kOther}}});
  expect_error(command, 403, "origin_not_allowed", "POST /api/trading/pause from another origin");
  EXPECT_FALSE(command.has_header("Access-Control-Allow-Origin"));
}

TEST_F(SeedCompat, AnswersToAnAllowedOriginCarryCorsHeaders) {
  const auto read = http_get(port(), "/api/symbols", {{"Origin", kAllowed}});
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.header("Access-Control-Allow-Origin"), kAllowed);
  EXPECT_EQ(read.header("Vary"), "Origin");
  // An allowed origin may send commands too, and reads their answers (errors included).
  const auto limits = "/api/risk/limits/" + std::to_string(portfolio_id(port()));
  const auto ok = http_request(
      port(),
      HttpRequest{
          "POST", limits, R"({"price_band":0.5})", {{"Origin", kAllowed}, {"Content-Type", "application/json"}}});
  expect_json_response(ok, 200, "POST limits from an allowed origin");
  EXPECT_EQ(ok.header("Access-Control-Allow-Origin"), kAllowed);
  const auto missing = http_get(port(), "/api/no-such-route", {{"Origin", kAllowed}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("Access-Control-Allow-Origin"), kAllowed);
}

TEST_F(SeedCompat, SeedSymbolSpellingsNameTheConfiguredInstrument) {
  for (const char* alias : {"btcusdt", "BTCUSDT", "BTC%2FUSD", "BTC-USDT", "btc-usd", "btc_usdc", "BTCUSD"}) {
    const auto price = get_json(port(), std::string("/api/market/price/") + alias);
    EXPECT_EQ(price.value("symbol", ""), "BTC-USD") << alias;
    const auto history = get_json(port(), std::string("/api/market/history/") + alias + "?timeframe=1m&limit=5");
    EXPECT_TRUE(history.is_object() || history.is_array()) << alias;
  }
  for (const char* unknown : {"DOGEUSDT", "BTCEUR", "BTC", "USDT", "BTC-"})
    expect_error(http_get(port(), std::string("/api/market/price/") + unknown), 404, "unknown_symbol", unknown);
  // In a body: the order names the configured instrument.
  const auto order = expect_json_response(
      send_json(port(), "POST", "/api/trade", {{"symbol", "btcusdt"}, {"side", "buy"}, {"quantity", 0.001}}), 201,
      "POST /api/trade symbol btcusdt");
  EXPECT_EQ(order.value("symbol", ""), "BTC-USD");
  expect_error(send_json(port(), "POST", "/api/trade", {{"symbol", "DOGEUSDT"}, {"side", "buy"}, {"quantity", 1}}), 422,
               "unknown_symbol", "POST /api/trade symbol DOGEUSDT");
}

TEST_F(SeedCompat, WebSocketsTakeTheSeedSpellings) {
  WsClient ws(port(), "/ws");
  ws.send({{"type", "subscribe"}, {"symbols", {"btcusdt", "BTC/USD", "ETHUSDT"}}});
  const auto ack = ws.next_of_type("subscribed", kDeadline);
  ASSERT_TRUE(ack) << "no `subscribed` acknowledgement";
  EXPECT_EQ((*ack)["symbols"].size(), 2u) << ack->dump() << ": btcusdt and BTC/USD are one instrument";
  ws.send({{"type", "subscribe"}, {"symbols", json::array({"DOGEUSDT"})}});
  const auto refused = ws.next_of_type("error", kDeadline);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->dump().find("unknown_symbol"), std::string::npos) << refused->dump();

  // Seed 003's stream path, as its README writes it.
  WsClient stream(port(), "/ws/stream/btcusdt");
  const auto hello = stream.next_of_type("connected", kDeadline);
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->value("symbol", ""), "BTC-USD");
  WsClient encoded(port(), "/ws/stream/BTC%2FUSDT");
  const auto hello2 = encoded.next_of_type("connected", kDeadline);
  ASSERT_TRUE(hello2);
  EXPECT_EQ(hello2->value("symbol", ""), "BTC-USD");
  EXPECT_THROW(WsClient(port(), "/ws/stream/dogeusdt"), std::runtime_error);
}

TEST_F(SeedCompat, Seed002CamelCaseFieldsAreAliases) {
  const auto order = expect_json_response(
      send_json(port(), "POST", "/api/trade",
                {{"symbol", "BTCUSDT"}, {"action", "BUY"}, {"quantity", 0.001}, {"orderType", "market"}}),
      201, "seed 002 order");
  EXPECT_EQ(order.value("side", ""), "buy");
  const auto limits = "/api/risk/limits/" + std::to_string(portfolio_id(port()));
  const auto set = expect_json_response(
      send_json(port(), "POST", limits, {{"maxPositionSize", 50000}, {"maxDailyLoss", 2500}}), 200, "seed 002 limits");
  EXPECT_DOUBLE_EQ(set["limits"].value("max_position_notional", 0.0), 50000.0) << set.dump();
  EXPECT_DOUBLE_EQ(set["limits"].value("max_daily_loss", 0.0), 2500.0) << set.dump();
  // Both names at once: refused, naming the field, rather than one silently winning.
  auto both = expect_error(send_json(port(), "POST", "/api/trade",
                                     {{"symbol", "BTC-USD"}, {"side", "buy"}, {"action", "sell"}, {"quantity", 0.001}}),
                           422, "invalid_field", "side and action");
  expect_error_field(both, "side", "side and action");
  // The canonical field's own validation still applies under the alias.
  auto bad = expect_error(
      send_json(port(), "POST", "/api/trade", {{"symbol", "BTC-USD"}, {"action", "hold"}, {"quantity", 0.001}}), 422,
      "invalid_field", "action hold");
  expect_error_field(bad, "side", "action hold");
}

// Seed 002's stream: a client that subscribes gets `price` and `quote` for its symbols (the
// quote's fields at the top level, the prices topic's seq), beside `priceUpdate`; `messages`
// narrows what a subscription brings, and a bad one is refused.
TEST_F(SeedCompat, Seed002SubscribersGetPriceAndQuoteMessages) {
  WsClient ws(port());
  ws.send({{"type", "subscribe"}, {"symbols", {"btcusdt"}}});
  ASSERT_TRUE(ws.next_of_type("subscribed", kDeadline));
  const auto price = ws.next_of_type("price", kDeadline);
  ASSERT_TRUE(price) << "no `price` message after subscribing";
  EXPECT_EQ(price->value("symbol", ""), "BTC-USD") << price->dump();
  EXPECT_GT(price->value("price", 0.0), 0.0) << price->dump();
  EXPECT_TRUE((*price)["time"].is_string()) << price->dump();
  EXPECT_EQ(price->value("topic", ""), "prices:BTC-USD") << price->dump();
  EXPECT_TRUE((*price)["seq"].is_number_unsigned()) << price->dump();
  const auto quote = ws.next_of_type("quote", kDeadline);
  ASSERT_TRUE(quote) << "no `quote` message after subscribing";
  EXPECT_EQ(quote->value("symbol", ""), "BTC-USD") << quote->dump();
  EXPECT_LE(quote->value("bid", 1.0), quote->value("ask", 0.0)) << quote->dump();
  EXPECT_TRUE(ws.next_of_type("priceUpdate", kDeadline)) << "priceUpdate stopped";

  // Only priceUpdate: after the acknowledgement, no price or quote within two seconds of updates.
  WsClient narrow(port());
  narrow.send({{"type", "subscribe"}, {"symbols", {"BTC-USD"}}, {"messages", {"priceUpdate"}}});
  ASSERT_TRUE(narrow.next_of_type("subscribed", kDeadline));
  int updates = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < until) {
    auto m = narrow.next(std::chrono::milliseconds(200));
    if (!m) continue;
    const auto type = m->value("type", "");
    EXPECT_NE(type, "price") << m->dump();
    EXPECT_NE(type, "quote") << m->dump();
    updates += type == "priceUpdate";
  }
  EXPECT_GT(updates, 0) << "no priceUpdate in two seconds";

  narrow.send({{"type", "subscribe"}, {"symbols", {"BTC-USD"}}, {"messages", {"trades"}}});
  const auto error = narrow.next_of_type("error", kDeadline);
  ASSERT_TRUE(error);
  EXPECT_NE(error->dump().find("messages"), std::string::npos) << error->dump();
}

TEST_F(SeedCompat, RootAnswersAJsonHealthCheck) {
  const auto json_root = http_get(port(), "/", {{"Accept", "application/json"}});
  const auto health = expect_json_response(json_root, 200, "GET / Accept: application/json");
  EXPECT_TRUE(health.contains("status")) << health.dump();
  EXPECT_EQ(health.value("status", ""), get_json(port(), "/health").value("status", "?"));
  const auto page = http_get(port(), "/", {{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.header("Content-Type").find("text/html"), std::string::npos) << page.header("Content-Type");
}

class SeedPortEnv : public DaemonTest {};

TEST_F(SeedPortEnv, PortVariableIsAnAliasOfMeridianPort) {
  const auto seed_port = free_port();
  {
    ServeProcess d({}, {"PORT=" + std::to_string(seed_port)}, db().url());
    EXPECT_EQ(d.wait_port(kDeadline), seed_port) << "PORT was not honoured\n" << d.output();
    d.process().signal(SIGTERM);
    const auto stopped = d.process().wait_exit(std::chrono::seconds(10));
    // One daemon at a time on the test's database (a second would wait as a standby).
    ASSERT_TRUE(stopped && WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0) << d.output();
  }
  const auto meridian_port = free_port();
  ServeProcess both({}, {"PORT=" + std::to_string(free_port()), "MERIDIAN_PORT=" + std::to_string(meridian_port)},
                    db().url());
  EXPECT_EQ(both.wait_port(kDeadline), meridian_port) << "MERIDIAN_PORT must win over PORT\n" << both.output();
}

}  // namespace
}  // namespace meridian::e2e
