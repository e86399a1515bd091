// The dashboard files: / and /dashboard serve index.html with an ETag (304 on If-None-Match),
// the bundle's hashed scripts and styles have their types and a year's cache lifetime, and no
// path escapes the web root.
#include <map>
#include <regex>

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
    EXPECT_EQ(r.body, index) << path << " does not serve the bundled index.html";
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

// index.html names the bundle's content-hashed script and stylesheet under /assets/: each is
// served with its type and kept a year (a new build is a new name); index.html is revalidated.
TEST_F(StaticFiles, HashedAssetsHaveTheirTypesAndAreImmutable) {
  auto index = http_get(port(), "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  const std::regex asset(R"re((src|href)="(/assets/app-[A-Z0-9]+\.(js|css))")re");
  std::map<std::string, std::string> found;  // extension -> path
  for (std::sregex_iterator it(index.body.begin(), index.body.end(), asset), end; it != end; ++it)
    found[(*it)[3].str()] = (*it)[2].str();
  ASSERT_EQ(found.size(), 2u) << "index.html names no hashed app-*.js and app-*.css:\n" << index.body;

  auto js = http_get(port(), found["js"]);
  ASSERT_EQ(js.status, 200) << found["js"];
  EXPECT_TRUE(js.header("Content-Type").starts_with("text/javascript")) << js.header("Content-Type");
  EXPECT_EQ(js.body, read_file(static_dir() + found["js"]));
  EXPECT_EQ(js.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_FALSE(js.header("ETag").empty());

  auto css = http_get(port(), found["css"]);
  ASSERT_EQ(css.status, 200) << found["css"];
  EXPECT_TRUE(css.header("Content-Type").starts_with("text/css")) << css.header("Content-Type");
  EXPECT_EQ(css.header("Cache-Control"), "public, max-age=31536000, immutable");
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
