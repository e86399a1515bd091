// The dashboard files: / and /dashboard serve index.html with an ETag (304 on If-None-Match),
// scripts and styles have their types, and no path escapes the web root.
#include "fixture.hpp"

namespace meridian::e2e {
namespace {

class StaticFiles : public SharedDaemonTest<StaticFiles> {};

TEST_F(StaticFiles, RootAndDashboardServeTheDashboardWithAnETag) {
  const auto index = read_file(static_dir() + "/index.html");
  ASSERT_FALSE(index.empty()) << "cannot read " << static_dir() << "/index.html";
  for (const std::string path : {"/", "/dashboard"}) {
    auto r = http_get(port(), path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_TRUE(r.header("Content-Type").starts_with("text/html")) << path << ": " << r.header("Content-Type");
    EXPECT_EQ(r.body, index) << path << " does not serve static/index.html";
    EXPECT_NE(r.body.find("id=\"status-badge\""), std::string::npos) << path;
    const auto etag = r.header("ETag");
    ASSERT_FALSE(etag.empty()) << path << " has no ETag";

    auto again = http_get(port(), path, {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304) << path << " with If-None-Match: " << etag;
    EXPECT_TRUE(again.body.empty()) << path << ": a 304 has no body";
    EXPECT_EQ(again.header("ETag"), etag) << path;

    auto stale = http_get(port(), path, {{"If-None-Match", "\"not-the-etag\""}});
    EXPECT_EQ(stale.status, 200) << path << " with a stale If-None-Match";
  }
}

TEST_F(StaticFiles, ScriptsAndStylesHaveTheirTypes) {
  auto js = http_get(port(), "/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_TRUE(js.header("Content-Type").starts_with("text/javascript")) << js.header("Content-Type");
  EXPECT_EQ(js.body, read_file(static_dir() + "/app.js"));
  EXPECT_FALSE(js.header("ETag").empty());

  auto css = http_get(port(), "/style.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_TRUE(css.header("Content-Type").starts_with("text/css")) << css.header("Content-Type");
}

TEST_F(StaticFiles, PathTraversalGetsA4xxAndNoFileContent) {
  const std::string targets[] = {"/../etc/passwd",
                                 "/%2e%2e/%2e%2e/etc/passwd",
                                 "/static/..%2f..%2fetc%2fpasswd",
                                 "//etc/passwd",
                                 "/..%5c..%5cetc%5cpasswd",
                                 "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                 "/./../../../../etc/passwd",
                                 "/static/../../../../../etc/passwd",
                                 "/..%252f..%252fetc%252fpasswd",
                                 "/%2fetc%2fpasswd",
                                 "/..;/..;/etc/passwd",
                                 "/app.js%00../../etc/passwd",
                                 "/dashboard/../../etc/passwd"};
  for (const auto& target : targets) {
    HttpResponse r;
    try {
      r = http_get(port(), target);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "GET " << target << ": no answer (" << e.what() << ")";
      continue;
    }
    EXPECT_GE(r.status, 400) << "GET " << target;
    EXPECT_LT(r.status, 500) << "GET " << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << "GET " << target << " returned /etc/passwd content";
  }
  EXPECT_EQ(http_get(port(), "/health").status, 200);
}

}  // namespace
}  // namespace meridian::e2e
