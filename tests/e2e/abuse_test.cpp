// Abuse limits end to end (issue 13 item 6): meridiand with --auth on and a real PostgreSQL.
//   AuthThrottle:  repeated bad logins lock the account out (429, Retry-After, one message for
//                  known and unknown emails) while another account signs in; the lockout ends.
//   RateLimit:     a client past its budget gets 429 in the API's error shape with Retry-After;
//                  a signed-in principal has a budget of its own.
//   MetricsAccess: /metrics from loopback without credentials, with the metrics token, and 401
//                  for a wrong one; the token shows in no log line and in no status document.
#include <sys/stat.h>

#include <fstream>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "correct horse battery staple";

HttpResponse post_json(std::uint16_t port, const std::string& target, const json& body, Headers headers = {}) {
  HttpRequest r;
  r.method = "POST";
  r.target = target;
  r.body = body.dump();
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  return http_request(port, r);
}

HttpResponse login(std::uint16_t port, const std::string& email, const std::string& password) {
  return post_json(port, "/api/auth/login", {{"email", email}, {"password", password}});
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// The first start's administrator's access token.
std::string admin_token(Daemon& d) {
  auto session = expect_json_response(
      login(d.port(), "admin@meridian.local", read_text(d.state_dir() / "admin-password")), 200, "admin login");
  return session.value("access_token", "");
}

Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// A 429 in the API's shape with a Retry-After of whole seconds; its error object.
json expect_too_many(const HttpResponse& r, std::string_view where) {
  auto body = expect_error(r, 429, "too_many_requests", where);
  const auto retry = r.header("Retry-After");
  EXPECT_FALSE(retry.empty()) << where;
  EXPECT_GE(std::atoi(retry.c_str()), 1) << where << ": Retry-After " << retry;
  if (!body.is_object() || !body.contains("error")) return json::object();
  EXPECT_EQ(body["error"]["details"].value("retry_after_s", 0), std::atoi(retry.c_str())) << where;
  return body["error"];
}

class AuthThrottle : public SharedDaemonTest<AuthThrottle> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    return o;
  }
};

TEST_F(AuthThrottle, RepeatedBadLoginsLockTheAccountOutWhileAnotherSignsIn) {
  const auto admin = admin_token(daemon());
  for (const char* email : {"victim@example.com", "bystander@example.com"})
    ASSERT_EQ(
        post_json(port(), "/api/users", {{"email", email}, {"role", "viewer"}, {"password", kPassword}}, bearer(admin))
            .status,
        201)
        << email;

  // Five wrong passwords are answered (401), the sixth attempt is refused before any hashing:
  // even the right password is 429 while the lockout lasts.
  for (int i = 0; i < 5; ++i)
    expect_error(login(port(), "victim@example.com", "wrong password " + std::to_string(i)), 401, "invalid_credentials",
                 "bad login " + std::to_string(i));
  const auto locked = expect_too_many(login(port(), "VICTIM@example.com", kPassword), "locked, right password");

  // Meanwhile another account of the same address signs in.
  expect_json_response(login(port(), "bystander@example.com", kPassword), 200, "bystander");

  // An email with no account locks the same way, in the same words: the lockout does not tell
  // whether an account exists.
  for (int i = 0; i < 5; ++i)
    expect_error(login(port(), "nobody@example.com", "wrong password"), 401, "invalid_credentials", "unknown email");
  const auto unknown = expect_too_many(login(port(), "nobody@example.com", "wrong password"), "locked, unknown");
  EXPECT_EQ(unknown.value("message", "?"), locked.value("message", "!"));

  // The lockout ends (1 s after the fifth failure), and the right password then signs in.
  ASSERT_TRUE(poll_until([&] { return login(port(), "victim@example.com", kPassword).status == 200; }, kDeadline))
      << "the account stayed locked";
}

class RateLimit : public SharedDaemonTest<RateLimit> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    o.rate_limit = "1/s";
    o.extra_args = {"--rate-burst", "10"};
    return o;
  }
};

TEST_F(RateLimit, AClientPastItsBudgetGets429AndAPrincipalHasItsOwn) {
  // Waiting for /health may have spent this address's budget: a refused request spends
  // nothing, so the next token comes within a second.
  ASSERT_TRUE(poll_until([] { return http_get(port(), "/health").status == 200; }, kDeadline));
  const auto admin = admin_token(daemon());
  // Anonymous: the address's budget (10 at once, then 1/s) runs out well within 40 requests.
  HttpResponse refused;
  for (int i = 0; i < 40 && refused.status != 429; ++i) refused = http_get(port(), "/health");
  ASSERT_EQ(refused.status, 429) << "no request was refused";
  const auto error = expect_too_many(refused, "anonymous flood");
  EXPECT_EQ(error.value("code", ""), "too_many_requests");
  // The signed-in administrator spends a budget of their own.
  expect_json_response(http_get(port(), "/api/status", bearer(admin)), 200, "admin meanwhile");
}

// What is not a route spends the address's budget too: static files, unknown paths and
// WebSocket upgrades, so none of them is a way around the limit.
TEST_F(RateLimit, StaticFilesUnknownPathsAndUpgradesSpendTheAddresssBudget) {
  ASSERT_TRUE(poll_until([] { return http_get(port(), "/health").status == 200; }, kDeadline));
  HttpResponse refused;
  for (int i = 0; i < 40 && refused.status != 429; ++i) refused = http_get(port(), "/no-such-page");
  ASSERT_EQ(refused.status, 429) << "no unknown path was refused";
  expect_too_many(refused, "unknown paths");
  const Headers upgrade{{"Connection", "Upgrade"},
                        {"Upgrade", "websocket"},
                        {"Sec-WebSocket-Version", "13"},
                        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  expect_too_many(http_get(port(), "/ws", upgrade), "a WebSocket upgrade past the budget");
  ASSERT_TRUE(poll_until([] { return http_get(port(), "/health").status == 200; }, kDeadline));
  refused = {};
  for (int i = 0; i < 40 && refused.status != 429; ++i) refused = http_get(port(), "/");
  expect_too_many(refused, "static files");
}

class MetricsAccess : public DaemonTest {};

TEST_F(MetricsAccess, LoopbackOrTheTokenAndAWrongToken401) {
  const std::string token = "scrape-token-for-the-e2e-test-7f3a";
  TempDir dir("meridian-metrics-");
  const auto file = dir.path() / "metrics-token";
  std::ofstream(file) << token << "\n";
  ::chmod(file.c_str(), 0600);
  DaemonOptions o;
  o.extra_args = {"--metrics-token-file", file.string()};
  auto& d = start_daemon(o);

  const auto local = http_get(d.port(), "/metrics");
  EXPECT_EQ(local.status, 200) << local.body;
  const auto with_token = http_get(d.port(), "/metrics", bearer(token));
  EXPECT_EQ(with_token.status, 200) << with_token.body;
  EXPECT_NE(with_token.body.find("meridian_uptime_seconds"), std::string::npos);

  for (const std::string& wrong : {std::string("Bearer not-the-token"), "Bearer " + token + "x", "Basic " + token}) {
    const auto r = http_get(d.port(), "/metrics", {{"Authorization", wrong}});
    auto body = expect_error(r, 401, "unauthenticated", wrong);
    if (body.is_object() && body.contains("error")) {
      EXPECT_EQ(body["error"]["details"].value("reason", ""), "invalid_metrics_token") << wrong;
    }
    EXPECT_TRUE(r.header("WWW-Authenticate").starts_with("Bearer")) << wrong;
    EXPECT_EQ(r.body.find(token), std::string::npos) << "the token echoed";
  }

  EXPECT_EQ(http_get(d.port(), "/api/status").body.find(token), std::string::npos);
  EXPECT_EQ(local.body.find(token), std::string::npos);
  EXPECT_FALSE(d.output_contains(token)) << "the token in the daemon's output";
}

}  // namespace
}  // namespace meridian::e2e
