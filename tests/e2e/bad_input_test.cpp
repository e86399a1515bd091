// Bad input gets a 4xx JSON error in the API.md shape {"error":{"code","message","details"}},
// and the daemon stays up: every test ends with GET /health answering 200.
#include "fixture.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

class BadInput : public SharedDaemonTest<BadInput> {
 protected:
  void TearDown() override {
    if (has_daemon() && daemon().running() && !IsSkipped()) {
      try {
        EXPECT_EQ(http_get(port(), "/health").status, 200) << "meridiand is unhealthy after the bad input";
      } catch (const std::exception& e) {
        ADD_FAILURE() << "meridiand does not answer after the bad input: " << e.what();
      }
    }
    SharedDaemonTest<BadInput>::TearDown();
  }
};

// The error names `field`: in its message or in its details.
void expect_names_field(const json& body, const std::string& field, const std::string& where) {
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return;  // reported already
  const auto& err = body["error"];
  const bool in_message = err.value("message", "").find(field) != std::string::npos;
  const bool in_details = err.contains("details") && err["details"].dump().find(field) != std::string::npos;
  EXPECT_TRUE(in_message || in_details) << where << ": the error does not name " << field << ": " << body.dump();
}

TEST_F(BadInput, MalformedJsonBodyIs400InvalidJson) {
  for (const std::string body : {R"({"strategy":)", "not json", R"({"a":1,})", "{'single':'quotes'}"}) {
    expect_error(http_post(port(), "/api/trading/start", body), 400, "invalid_json", "POST start " + body);
  }
  expect_error(http_post(port(), "/api/trading/pause", "{oops"), 400, "invalid_json", "POST pause {oops");
  EXPECT_EQ(session_state(port()), "running") << "a rejected command changed the session";
}

TEST_F(BadInput, WrongTypesAre422NamingTheField) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {{R"({"strategy":{"fast_period":"x"}})", "fast_period"},
                        {R"({"strategy":{"slow_period":true}})", "slow_period"},
                        {R"({"strategy":{"position_fraction":"lots"}})", "position_fraction"},
                        {R"({"strategy":"fast"})", "strategy"},
                        {R"({"symbols":"BTC"})", "symbols"},
                        {R"({"symbols":[1,2]})", "symbols"},
                        {R"({"symbols":[]})", "symbols"}};
  for (const auto& c : cases) {
    const std::string where = std::string("POST start ") + c.body;
    auto body = expect_error(http_post(port(), "/api/trading/start", c.body), 422, "", where);
    expect_names_field(body, c.field, where);
  }
  EXPECT_EQ(session_state(port()), "running") << "a rejected start changed the session";
}

TEST_F(BadInput, UnknownSymbols) {
  auto market = expect_error(http_get(port(), "/api/market/NOPE"), 404, "unknown_symbol", "GET /api/market/NOPE");
  expect_names_field(market, "NOPE", "GET /api/market/NOPE");
  auto start = expect_error(http_post(port(), "/api/trading/start", R"({"symbols":["NOPE"]})"), 422, "",
                            "POST start symbols [NOPE]");
  expect_names_field(start, "NOPE", "POST start symbols [NOPE]");
  auto trades = http_get(port(), "/api/trades?symbol=NOPE");
  EXPECT_GE(trades.status, 400) << trades.body;
  EXPECT_LT(trades.status, 500) << trades.body;
  expect_error(trades, trades.status, "", "GET /api/trades?symbol=NOPE");
}

TEST_F(BadInput, OversizedBodyIs413) {
  std::string body = R"({"pad":")" + std::string(2 << 20, 'x') + R"("})";
  expect_error(http_post(port(), "/api/trading/start", body), 413, "", "POST start with a 2 MiB body");
}

TEST_F(BadInput, OversizedChunkedBodyIs413) {
  // No Content-Length: the limit has to hold while the chunks arrive.
  std::string request =
      "POST /api/trading/start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(64 * 1024, ' ');
  for (int i = 0; i < 32; ++i) request += "10000\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  const auto r = raw_exchange(port(), request);
  EXPECT_TRUE(r.received.starts_with("HTTP/1.1 413")) << "a 2 MiB chunked body got: " << r.received.substr(0, 300);
}

TEST_F(BadInput, BadQueryParametersAre400) {
  const std::pair<const char*, const char*> cases[] = {{"/api/trades?limit=0", "limit"},
                                                       {"/api/trades?limit=abc", "limit"},
                                                       {"/api/trades?limit=5001", "limit"},
                                                       {"/api/trades?limit=-1", "limit"},
                                                       {"/api/trades?limit=", "limit"},
                                                       {"/api/trading/trades?limit=0", "limit"},
                                                       {"/api/trades?before=abc", "before"},
                                                       {"/api/trades?since=yesterday", "since"},
                                                       {"/api/market/BTC-USD?limit=0", "limit"},
                                                       {"/api/market/BTC-USD?limit=abc", "limit"},
                                                       {"/api/market/BTC-USD?limit=5001", "limit"}};
  for (const auto& [target, field] : cases) {
    auto body = expect_error(http_get(port(), target), 400, "", std::string("GET ") + target);
    expect_names_field(body, field, target);
  }
}

TEST_F(BadInput, UnknownRouteIs404Json) {
  expect_error(http_get(port(), "/api/nope"), 404, "", "GET /api/nope");
  expect_error(http_get(port(), "/api/trading/nope"), 404, "", "GET /api/trading/nope");
  expect_error(http_post(port(), "/api/nope", "{}"), 404, "", "POST /api/nope");
  expect_error(http_get(port(), "/no-such-page.html"), 404, "", "GET /no-such-page.html");
}

TEST_F(BadInput, WrongMethodIs405WithAllow) {
  const std::tuple<const char*, const char*, const char*> cases[] = {{"DELETE", "/api/trading/status", "GET"},
                                                                     {"DELETE", "/api/symbols", "GET"},
                                                                     {"PUT", "/health", "GET"},
                                                                     {"GET", "/api/trading/start", "POST"},
                                                                     {"PATCH", "/api/trading/pause", "POST"}};
  for (const auto& [method, target, allowed] : cases) {
    const std::string where = std::string(method) + " " + target;
    auto r = http_request(port(), HttpRequest{method, target, {}, {}});
    expect_error(r, 405, "", where);
    ASSERT_TRUE(r.has_header("Allow")) << where << " has no Allow header";
    EXPECT_NE(r.header("Allow").find(allowed), std::string::npos) << where << ": Allow is " << r.header("Allow");
  }
}

// The dashboard pages exist, so another method on them is 405 too (not 404).
TEST_F(BadInput, WrongMethodOnAPageIs405WithAllow) {
  const std::pair<const char*, const char*> cases[] = {{"POST", "/"}, {"DELETE", "/dashboard"}, {"PUT", "/index.html"}};
  for (const auto& [method, target] : cases) {
    const std::string where = std::string(method) + " " + target;
    auto r = http_request(port(), HttpRequest{method, target, {}, {}});
    expect_error(r, 405, "", where);
    EXPECT_NE(r.header("Allow").find("GET"), std::string::npos) << where << ": Allow is '" << r.header("Allow") << "'";
  }
}

TEST_F(BadInput, GarbageOverARawSocketIs400OrClosed) {
  const std::string cases[] = {
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /health HTTP/9.9\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
      "GET " + std::string(64 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // a TLS ClientHello
      std::string("\0\0\0\0\r\n\r\n", 8),
  };
  for (const auto& bytes : cases) {
    const std::string what = "raw " + json(bytes.substr(0, 60)).dump(-1, ' ', false, json::error_handler_t::replace);
    const auto r = raw_exchange(port(), bytes);
    if (!r.received.empty()) {
      EXPECT_TRUE(r.received.starts_with("HTTP/1.1 4") || r.received.starts_with("HTTP/1.0 4"))
          << what << ": the answer is not a 4xx: " << r.received.substr(0, 200);
    } else {
      EXPECT_TRUE(r.closed_by_peer) << what << ": neither an answer nor a close within the deadline";
    }
    ASSERT_EQ(http_get(port(), "/health").status, 200) << "meridiand is unhealthy after " << what;
  }
}

}  // namespace
}  // namespace meridian::e2e
