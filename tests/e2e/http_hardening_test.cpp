// Issue 11, items 2, 6 and 12 against the real daemon over real sockets: a deeply nested body
// is a 400 (it used to kill the daemon), pages of other origins cannot drive the daemon over
// HTTP or WebSocket, foreign Host names (DNS rebinding) and broken framing are refused, and
// the dashboard carries its Content-Security-Policy. Requests without Origin (curl, scripts)
// and from the daemon's own origin keep working.
#include "fixture.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

class HttpHardening : public SharedDaemonTest<HttpHardening> {
 protected:
  void TearDown() override {
    if (has_daemon() && daemon().running() && !IsSkipped()) {
      try {
        EXPECT_EQ(http_get(port(), "/health").status, 200) << "meridiand is unhealthy after the request";
      } catch (const std::exception& e) {
        ADD_FAILURE() << "meridiand does not answer after the request: " << e.what();
      }
    }
    SharedDaemonTest<HttpHardening>::TearDown();
  }

  static std::string own_origin() { return "http://127.0.0.1:" + std::to_string(port()); }

  static HttpResponse post(const std::string& target, std::string body, Headers headers) {
    return http_request(port(), HttpRequest{"POST", target, std::move(body), std::move(headers)});
  }

  static HttpResponse upgrade(Headers extra) {
    Headers headers{{"Connection", "Upgrade"},
                    {"Upgrade", "websocket"},
                    {"Sec-WebSocket-Version", "13"},
                    {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return http_request(port(), HttpRequest{"GET", "/ws", {}, std::move(headers)});
  }
};

const Headers kJson{{"Content-Type", "application/json"}};

// The reproduction of item 2: 100,000 nested arrays in a 200 KB body.
std::string nested_order() {
  const std::size_t depth = 100'000;
  return R"({"symbol":"BTC-USD","side":"buy","quantity":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST_F(HttpHardening, DeeplyNestedBodyIs400NotACrash) {
  const auto body = nested_order();
  for (const char* target : {"/api/trade", "/api/risk/limits/1", "/api/trading/start", "/api/strategies"}) {
    const auto r = post(target, body, kJson);
    expect_error(r, 400, "too_deep", std::string("POST ") + target + " nested 100,000 deep");
    EXPECT_LT(r.body.size(), 2048u) << target << ": the error echoes the body";
    ASSERT_EQ(http_get(port(), "/health").status, 200) << "meridiand died after POST " << target;
  }
}

TEST_F(HttpHardening, ErrorDetailsNeverEchoLargeValues) {
  const std::string big(100'000, 'x');
  const auto r = post("/api/trade", R"({"symbol":"BTC-USD","side":"buy","quantity":")" + big + R"("})", kJson);
  EXPECT_GE(r.status, 400) << r.body.substr(0, 300);
  EXPECT_LT(r.status, 500) << r.body.substr(0, 300);
  EXPECT_LT(r.body.size(), 2048u) << "the error echoes a 100 KB value";
}

TEST_F(HttpHardening, CrossOriginTextPlainTradeIs403) {
  const auto r = post("/api/trade", R"({"symbol":"BTC-USD","side":"buy","quantity":0.001})",
                      {{"Origin", "http://evil.example"}, {"Content-Type", "text/plain"}});
  expect_error(r, 403, "origin_not_allowed", "POST /api/trade from http://evil.example");
}

TEST_F(HttpHardening, CrossOriginJsonIs403Too) {
  // A page that could send JSON (it cannot without CORS, but a misconfigured proxy might add it).
  const auto r =
      post("/api/trading/stop", "{}", {{"Origin", "http://evil.example"}, {"Content-Type", "application/json"}});
  expect_error(r, 403, "origin_not_allowed", "POST /api/trading/stop from http://evil.example");
  EXPECT_EQ(session_state(port()), "running") << "a refused command changed the session";
}

TEST_F(HttpHardening, FormEncodedResetIsRefused) {
  // What an HTML form on another site posts: refused for its origin, and for its type alone.
  expect_error(post("/api/trading/reset", "confirm=1",
                    {{"Origin", "http://evil.example"}, {"Content-Type", "application/x-www-form-urlencoded"}}),
               403, "origin_not_allowed", "form POST reset from another origin");
  expect_error(post("/api/trading/reset", "confirm=1", {{"Content-Type", "application/x-www-form-urlencoded"}}), 415,
               "unsupported_media_type", "form POST reset without Origin");
  expect_error(post("/api/trading/reset", "confirm=1", {{"Sec-Fetch-Site", "cross-site"}}), 403, "origin_not_allowed",
               "POST reset with Sec-Fetch-Site: cross-site and no Origin");
  EXPECT_EQ(session_state(port()), "running") << "a refused reset changed the session";
}

TEST_F(HttpHardening, TextPlainBodyIs415) {
  expect_error(
      post("/api/trade", R"({"symbol":"BTC-USD","side":"buy","quantity":0.001})", {{"Content-Type", "text/plain"}}),
      415, "unsupported_media_type", "POST /api/trade as text/plain");
}

TEST_F(HttpHardening, OwnOriginAndScriptsAreAllowed) {
  // The dashboard's own requests: JSON from its origin, and a command without a body.
  auto pause = post("/api/trading/pause", {}, {{"Origin", own_origin()}, {"Sec-Fetch-Site", "same-origin"}});
  expect_json_response(pause, 200, "POST pause from the daemon's own origin");
  auto resume = post(
      "/api/trading/resume", "{}",
      {{"Origin", "http://localhost:" + std::to_string(port())}, {"Content-Type", "application/json; charset=utf-8"}});
  expect_json_response(resume, 200, "POST resume from http://localhost:PORT");
  // curl and scripts send no Origin.
  expect_json_response(http_post(port(), "/api/trading/pause"), 200, "POST pause without Origin");
  expect_json_response(http_post(port(), "/api/trading/resume", "{}"), 200, "POST resume without Origin");
  EXPECT_EQ(session_state(port()), "running");
}

TEST_F(HttpHardening, WebSocketUpgradeFromAnotherOriginIs403) {
  expect_error(upgrade({{"Origin", "http://evil.example"}}), 403, "origin_not_allowed", "/ws from http://evil.example");
  EXPECT_EQ(upgrade({{"Origin", own_origin()}}).status, 101) << "/ws from the daemon's own origin";
  EXPECT_EQ(upgrade({}).status, 101) << "/ws without Origin (not a browser)";
}

TEST_F(HttpHardening, ForeignHostIs421) {
  for (const char* host : {"evil.example", "rebind.evil.example:8080", "localhost.evil.example"}) {
    auto r = http_request(port(), HttpRequest{"GET", "/api/trading/status", {}, {{"Host", host}}});
    expect_error(r, 421, "host_not_allowed", std::string("Host: ") + host);
  }
  for (const std::string& host :
       {std::string("localhost"), "localhost:" + std::to_string(port()), std::string("[::1]")}) {
    EXPECT_EQ(http_request(port(), HttpRequest{"GET", "/health", {}, {{"Host", host}}}).status, 200) << host;
  }
}

TEST_F(HttpHardening, Http11WithoutHostIs400) {
  const auto r = raw_exchange(port(), "GET /health HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(r.received.starts_with("HTTP/1.1 400")) << r.received.substr(0, 300);
  EXPECT_NE(r.received.find("missing_host"), std::string::npos) << r.received.substr(0, 300);
}

TEST_F(HttpHardening, TransferEncodingOtherThanChunkedIsRefused) {
  const auto r =
      raw_exchange(port(),
                   "POST /api/trading/pause HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   "Transfer-Encoding: gzip\r\n\r\n{}");
  EXPECT_TRUE(r.received.starts_with("HTTP/1.1 501")) << r.received.substr(0, 300);
  EXPECT_NE(r.received.find("unsupported_transfer_encoding"), std::string::npos) << r.received.substr(0, 300);
  EXPECT_TRUE(r.closed_by_peer) << "the connection stays open after a body of unknown length";
  EXPECT_EQ(session_state(port()), "running");
}

TEST_F(HttpHardening, DashboardHasContentSecurityPolicy) {
  const auto page = http_get(port(), "/");
  ASSERT_EQ(page.status, 200);
  const auto csp = page.header("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(page.header("Referrer-Policy"), "no-referrer");
  // The page loads no inline script or style, which the policy would block.
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_EQ(page.body.find("<style"), std::string::npos);
  EXPECT_EQ(page.body.find(" style=\""), std::string::npos);
}

}  // namespace
}  // namespace meridian::e2e
