// GET /api/openapi.json, /docs and GET /api/stats against a daemon with auth on: the document
// is public, served as the same bytes each time, lists exactly the live route table (each
// documented operation is routed, each routed one documented), validates as OpenAPI 3.1 (npm
// @seriousme/openapi-schema-validator) and renders at /docs in Chromium under the server's CSP
// with no console error; /api/stats counts requests by route and status class with latency.
#include <sys/wait.h>

#include <filesystem>
#include <regex>
#include <set>

#include "auth_client.hpp"
#include "fixture.hpp"

namespace meridian::e2e {
namespace {

namespace fs = std::filesystem;

class ApiDocs : public SharedDaemonTest<ApiDocs> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    return o;
  }

 protected:
  static std::string admin() {
    static const std::string token = e2e::admin_token(port(), daemon().state_dir());
    return token;
  }
  // Runs `node web/e2e/<script>` against this suite's daemon; skips without node or its
  // packages (or Chromium, when `browser`), fails under CI=true.
  void run_node(const std::string& script, const std::string& package, bool browser, std::string_view expect) {
    std::vector<std::pair<fs::path, std::string>> needs = {
        {fs::path(MERIDIAN_E2E_WEB_DIR) / "node_modules" / package, package}, {fs::path(MERIDIAN_E2E_NODE), "node"}};
    if (browser) needs.push_back({"/usr/bin/chromium", "Chromium"});
    for (const auto& [path, what] : needs) {
      if (fs::exists(path)) continue;
      if (in_ci()) FAIL() << path << " (" << what << ") is missing and CI=true";
      GTEST_SKIP() << path << " (" << what << ") is missing: run ./scripts/test (npm ci)";
    }
    const fs::path artifacts = fs::path(MERIDIAN_E2E_ARTIFACTS) / "docs";
    fs::create_directories(artifacts);
    SpawnOptions spawn;
    spawn.argv = {MERIDIAN_E2E_NODE, std::string(MERIDIAN_E2E_WEB_DIR) + "/e2e/" + script};
    spawn.cwd = MERIDIAN_E2E_WEB_DIR;
    spawn.output = artifacts / (script + ".log");
    fs::remove(spawn.output);
    spawn.drop_env_prefixes = {"MERIDIAN_", "DATABASE_URL="};
    spawn.extra_env = {"MERIDIAN_URL=" + daemon().base_url(), "MERIDIAN_ARTIFACTS=" + artifacts.string(),
                       "CHROMIUM=/usr/bin/chromium"};
    Process node(spawn);
    const auto status = node.wait_exit(std::chrono::seconds(90));
    if (!status) node.kill_now();
    const auto log = read_file(spawn.output);
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << script << " " << (status ? describe_wait_status(*status) : "ran longer than 90 s") << ":\n"
        << log;
    EXPECT_NE(log.find(expect), std::string::npos) << log;
    std::cout << log;
  }
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(ApiDocs, TheDocumentIsPublicTheSameBytesEachTimeAndListsExactlyTheRouteTable) {
  const auto first = http_get(port(), "/api/openapi.json");  // no credentials
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("Content-Type").rfind("application/json", 0), 0u);
  EXPECT_EQ(http_get(port(), "/api/openapi.json").body, first.body);
  const auto doc = nlohmann::json::parse(first.body);
  EXPECT_EQ(doc["openapi"], "3.1.0");

  // Every documented operation is routed: without credentials, each answers as the gate does
  // for its role (401 where one is needed), never the router's 404 or 405.
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [pattern, methods] : doc["paths"].items())
    for (const auto& [method, op] : methods.items()) {
      documented.insert({upper(method), pattern});
      const auto where = upper(method) + " " + pattern;
      SCOPED_TRACE(where);
      const auto role = op.value("x-meridian-role", "");
      if (role == "anonymous" && method != "get") continue;  // sign-in routes: covered by e2e.Auth
      const auto r = call(port(), upper(method), std::regex_replace(pattern, std::regex("\\{[^}]+\\}"), "1"));
      EXPECT_NE(r.status, 405) << r.body;
      if (role == "anonymous") {
        EXPECT_NE(r.status, 404) << r.body;  // /health may be 503 (degraded): still routed
        EXPECT_NE(r.status, 401) << r.body;
      } else {
        EXPECT_EQ(r.status, 401) << r.body;
      }
    }
  // And every routed operation is documented: /api/stats lists the live table, route by route.
  const auto stats = expect_json_response(http_get(port(), "/api/stats", bearer(admin())), 200, "stats");
  std::set<std::pair<std::string, std::string>> routed;
  for (const auto& r : stats["http"]["routes"])
    routed.insert({r.at("method").get<std::string>(), r.at("route").get<std::string>()});
  EXPECT_EQ(routed, documented);
  EXPECT_GT(routed.size(), 60u);
}

TEST_F(ApiDocs, UnknownDocumentPathsAreTheUsual404) {
  for (const char* target : {"/api/openapi.yaml", "/api/openapi.json/paths", "/api/openapi"}) {
    const auto r = http_get(port(), target);
    EXPECT_EQ(r.status, 404) << target << ": " << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "not_found") << target;
  }
}

TEST_F(ApiDocs, TheDocumentValidatesAsOpenApi31) {
  run_node("validate-openapi.mjs", "@seriousme/openapi-schema-validator", false, "valid OpenAPI 3.1");
}

TEST_F(ApiDocs, DocsPageIsServedLocallyAndRendersWithoutConsoleErrors) {
  const auto page = http_get(port(), "/docs");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_EQ(page.header("Cache-Control"), "no-cache");
  EXPECT_NE(page.header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  std::smatch bundle;
  ASSERT_TRUE(std::regex_search(page.body, bundle, std::regex("/assets/docs/swagger-ui-bundle-[0-9a-f]+\\.js")));
  const auto script = http_get(port(), bundle.str());
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("Cache-Control"), "public, max-age=31536000, immutable");
  run_node("docs.e2e.mjs", "playwright-core", true, "3 passed, 0 failed");
}

TEST_F(ApiDocs, StatsCountRequestsByRouteAndStatusClassWithLatency) {
  EXPECT_EQ(http_get(port(), "/api/stats").status, 401);
  const auto viewer_created = post_json(
      port(), "/api/users",
      {{"email", "stats-viewer@example.com"}, {"role", "viewer"}, {"password", "a long password 1"}}, bearer(admin()));
  ASSERT_TRUE(viewer_created.status == 201 || viewer_created.status == 409) << viewer_created.body;
  const auto viewer = login(port(), "stats-viewer@example.com", "a long password 1").value("access_token", "");
  EXPECT_EQ(http_get(port(), "/api/stats", bearer(viewer)).status, 403);

  auto route_of = [](const nlohmann::json& stats, const std::string& method, const std::string& pattern) {
    for (const auto& r : stats["http"]["routes"])
      if (r["method"] == method && r["route"] == pattern) return r;
    return nlohmann::json();
  };
  const auto before = expect_json_response(http_get(port(), "/api/stats", bearer(admin())), 200, "stats");
  const auto orders_before = route_of(before, "GET", "/api/orders/{id}");
  ASSERT_TRUE(orders_before.is_object());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(http_get(port(), "/api/orders/999999", bearer(admin())).status, 404);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(http_get(port(), "/api/status", bearer(admin())).status, 200);
  const auto after = expect_json_response(http_get(port(), "/api/stats", bearer(admin())), 200, "stats");
  const auto orders = route_of(after, "GET", "/api/orders/{id}");
  EXPECT_EQ(orders["requests"].get<int>() - orders_before["requests"].get<int>(), 5);
  EXPECT_EQ(orders["status"]["4xx"].get<int>() - orders_before["status"]["4xx"].get<int>(), 5);
  const auto status = route_of(after, "GET", "/api/status");
  EXPECT_GE(status["status"]["2xx"].get<int>(), 3);
  const auto& latency = status["latency_ms"];
  EXPECT_GT(latency["max"].get<double>(), 0.0);
  EXPECT_LE(latency["p50"].get<double>(), latency["p99"].get<double>());
  EXPECT_LE(latency["p99"].get<double>(), latency["max"].get<double>());
  EXPECT_GE(after["http"]["requests"].get<int>(), before["http"]["requests"].get<int>() + 8);

  EXPECT_GT(after["uptime_s"].get<double>(), 0.0);
  EXPECT_TRUE(after["websocket"]["clients"].is_number());
  EXPECT_TRUE(after["websocket"]["messages_sent"].is_number_unsigned()) << after["websocket"];
  EXPECT_TRUE(after["websocket"]["bytes_sent"].is_number_unsigned()) << after["websocket"];
  EXPECT_GT(after["engine"]["ticks"].get<long long>(), 0);
  EXPECT_TRUE(after["engine"]["ticks_per_s"].is_number());
  EXPECT_TRUE(after["journal"]["backlog"].is_number());
  EXPECT_TRUE(after["journal"]["commit_latency_ms"]["p99"].is_number());
  EXPECT_GT(after["process"]["rss_bytes"].get<long long>(), 1 << 20);
  EXPECT_GT(after["process"]["open_fds"].get<long long>(), 3);
  EXPECT_GT(after["process"]["cpu_user_s"].get<double>() + after["process"]["cpu_system_s"].get<double>(), 0.0);
  EXPECT_GT(after["process"]["threads"].get<long long>(), 1);

  // The same histograms in /metrics (loopback), cumulative buckets ending in +Inf = _count.
  const auto metrics = http_get(port(), "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("# TYPE meridian_http_request_duration_seconds histogram"), std::string::npos);
  std::smatch inf, count;
  const std::string series = R"(\{method="GET",route="/api/orders/\{id\}")";
  ASSERT_TRUE(std::regex_search(
      metrics.body, inf,
      std::regex("meridian_http_request_duration_seconds_bucket" + series + R"(,le="\+Inf"\} (\d+))")))
      << metrics.body.substr(0, 4000);
  ASSERT_TRUE(std::regex_search(metrics.body, count,
                                std::regex("meridian_http_request_duration_seconds_count" + series + R"(\} (\d+))")));
  EXPECT_EQ(inf[1], count[1]);
  EXPECT_GE(std::stoi(count[1]), 5);
  EXPECT_NE(metrics.body.find("meridian_journal_commit_duration_seconds_count"), std::string::npos);
}

}  // namespace
}  // namespace meridian::e2e
