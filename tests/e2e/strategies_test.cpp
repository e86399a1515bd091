// Strategies and signals over REST: the seven classes with their schemas, the instance
// lifecycle (add/init/start/stop/remove/restore/delete, PATCH), its errors, per-strategy
// holdings, and the signal log routes.
#include <set>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

class Strategies : public SharedDaemonTest<Strategies> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.fast_period = 3;
    o.slow_period = 8;
    return o;
  }
};

HttpResponse call(std::uint16_t port, std::string method, std::string target, std::string body = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  if (!r.body.empty()) r.headers.push_back({"Content-Type", "application/json"});
  return http_request(port, r);
}

// Status and, for errors, the API.md error shape with the given code.
json expect_status(const HttpResponse& res, int status, const std::string& what, const std::string& code = {}) {
  EXPECT_EQ(res.status, status) << what << ": " << res.body;
  auto body = res.json();
  EXPECT_FALSE(body.is_discarded()) << what << ": not JSON: " << res.body;
  if (!code.empty() && !body.is_discarded()) {
    EXPECT_EQ(body["error"].value("code", ""), code) << what << ": " << res.body;
    EXPECT_TRUE(body["error"].contains("message")) << what;
  }
  return body;
}

TEST_F(Strategies, ClassesListSevenWithSchemasAndDefaults) {
  auto body = get_json(port(), "/api/strategies/meta/strategy-classes");
  ASSERT_TRUE(body["items"].is_array());
  std::set<std::string> names;
  for (const auto& c : body["items"]) {
    names.insert(c.value("class", ""));
    ASSERT_TRUE(c["schema"]["properties"].is_object()) << c.dump();
    for (auto it = c["schema"]["properties"].begin(); it != c["schema"]["properties"].end(); ++it) {
      EXPECT_TRUE(c["defaults"].contains(it.key())) << it.key();
      EXPECT_TRUE(it.value().contains("minimum") && it.value().contains("maximum")) << it.key();
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"sma_crossover", "rsi_mean_reversion", "macd_crossover",
                                          "bollinger_reversion", "vwap_volume", "supertrend_flip", "stoch_rsi_cross"}));
}

TEST_F(Strategies, LifecycleOverRest) {
  auto added = expect_status(call(port(), "POST", "/api/strategies",
                                  R"({"name":"e2e-macd","class":"macd_crossover","symbols":["BTC-USD","ETH-USD"],)"
                                  R"("params":{"fast_period":5,"slow_period":13,"signal_period":4}})"),
                             201, "add");
  EXPECT_EQ(added.value("state", ""), "added");
  EXPECT_EQ(added["params"].value("fast_period", 0), 5);
  const auto id = added.value("id", 0);
  ASSERT_GT(id, 1);

  EXPECT_EQ(expect_status(call(port(), "POST", "/api/strategies/e2e-macd/init"), 200, "init").value("state", ""),
            "initialized");
  EXPECT_EQ(expect_status(call(port(), "POST", "/api/strategies/e2e-macd/start"), 200, "start").value("state", ""),
            "running");
  auto patched = expect_status(call(port(), "PATCH", "/api/strategies/" + std::to_string(id), R"({"active":false})"),
                               200, "patch");
  EXPECT_FALSE(patched.value("active", true));

  auto list = get_json(port(), "/api/strategies");
  bool listed = false;
  for (const auto& s : list["items"]) listed = listed || s.value("name", "") == "e2e-macd";
  EXPECT_TRUE(listed);

  expect_status(call(port(), "DELETE", "/api/strategies/e2e-macd/remove"), 409, "remove while running",
                "invalid_state");
  expect_status(call(port(), "POST", "/api/strategies/e2e-macd/stop"), 200, "stop");
  EXPECT_EQ(expect_status(call(port(), "DELETE", "/api/strategies/e2e-macd/remove"), 200, "remove").value("state", ""),
            "removed");
  auto removed = get_json(port(), "/api/strategies/meta/removed-strategies");
  ASSERT_EQ(removed["items"].size(), 1u);
  EXPECT_EQ(removed["items"][0].value("name", ""), "e2e-macd");
  EXPECT_EQ(expect_status(call(port(), "POST", "/api/strategies/restore", R"({"name":"e2e-macd"})"), 200, "restore")
                .value("state", ""),
            "added");
  auto updates = get_json(port(), "/api/strategies/updates?since=0");
  EXPECT_GE(updates.value("cursor", 0), 1);
  expect_status(call(port(), "DELETE", "/api/strategies/e2e-macd/delete"), 200, "delete");
  expect_status(call(port(), "POST", "/api/strategies/e2e-macd/init"), 404, "init after delete", "not_found");
}

TEST_F(Strategies, BadRequestsNameTheProblem) {
  auto body = expect_status(call(port(), "POST", "/api/strategies", R"({"name":"x","class":"nope"})"), 422,
                            "unknown class", "invalid_field");
  EXPECT_EQ(body["error"]["details"].value("field", ""), "class");
  body = expect_status(
      call(port(), "POST", "/api/strategies", R"({"name":"x","class":"rsi_mean_reversion","params":{"oversold":"x"}})"),
      422, "wrong type", "invalid_field");
  EXPECT_EQ(body["error"]["details"].value("field", ""), "params.oversold");
  body = expect_status(
      call(port(), "POST", "/api/strategies", R"({"name":"x","class":"sma_crossover","symbols":["NOPE"]})"), 422,
      "unknown symbol", "unknown_symbol");
  expect_status(call(port(), "POST", "/api/strategies", "{not json"), 400, "malformed", "invalid_json");
  expect_status(call(port(), "POST", "/api/strategies", R"({"name":"dup","class":"sma_crossover"})"), 201, "add dup");
  expect_status(call(port(), "POST", "/api/strategies", R"({"name":"dup","class":"sma_crossover"})"), 409, "duplicate",
                "invalid_state");
  expect_status(call(port(), "POST", "/api/strategies/default/stop"), 409, "default", "invalid_state");
  expect_status(call(port(), "POST", "/api/strategies/ghost/start"), 404, "unknown", "not_found");
  expect_status(call(port(), "PATCH", "/api/strategies/abc", R"({"active":true})"), 400, "bad id", "invalid_parameter");
  expect_status(call(port(), "PATCH", "/api/strategies/999", R"({"active":true})"), 404, "unknown id", "not_found");
  expect_status(call(port(), "PATCH", "/api/strategies/1", R"({"active":"yes"})"), 422, "bad active", "invalid_field");
  EXPECT_EQ(http_get(port(), "/health").status, 200);
}

TEST_F(Strategies, SignalsAndHoldingsAnswer) {
  // Fast ticks and SMA 3/8: the session's strategy signals within seconds.
  json log;
  ASSERT_TRUE(poll_until(
      [&] {
        log = get_json(port(), "/api/engine/signals?limit=5");
        return !log["items"].empty();
      },
      kDeadline))
      << "no signal appeared";
  const auto& s = log["items"][0];
  for (const char* key : {"id", "symbol", "strategy", "strategy_id", "side", "strength", "price", "reason",
                          "indicators", "acted", "time", "ts"})
    EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
  const auto symbol = s.value("symbol", "");
  auto latest = get_json(port(), "/api/engine/signals/" + symbol);
  EXPECT_EQ(latest.value("symbol", ""), symbol);
  EXPECT_TRUE(latest["signal"].is_object());
  EXPECT_FALSE(get_json(port(), "/signals")["items"].empty());
  EXPECT_FALSE(get_json(port(), "/signals/history")["items"].empty());
  expect_status(http_get(port(), "/api/engine/signals/NOPE"), 404, "unknown symbol", "unknown_symbol");

  auto holdings = get_json(port(), "/api/strategies/holdings");
  ASSERT_FALSE(holdings["items"].empty());
  EXPECT_EQ(holdings["items"][0].value("name", ""), "default");
  EXPECT_TRUE(holdings["items"][0]["positions"].is_array());
}

}  // namespace
}  // namespace meridian::e2e
