// Static files: content types, ETag revalidation, and no way out of the web root.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "meridian/api/static_files.hpp"

using namespace meridian;
namespace fs = std::filesystem;

namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("meridian_static_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(base_ / "www/css");
    fs::create_directories(base_ / "www/assets");
    write(base_ / "www/assets/app-AB12CD34.js", "console.log(1)");
    write(base_ / "www/index.html", "<h1>home</h1>");
    write(base_ / "www/css/site.css", "body{}");
    write(base_ / "secret.txt", "top secret");
    fs::create_symlink(base_ / "secret.txt", base_ / "www/leak.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  api::HttpResponse get(const std::string& path, const std::string& etag = "", const std::string& encoding = "") {
    api::HttpRequest req{api::http::verb::get, path, 11};
    if (!etag.empty()) req.set(api::http::field::if_none_match, etag);
    if (!encoding.empty()) req.set(api::http::field::accept_encoding, encoding);
    api::StaticFiles files(base_ / "www");
    auto res = files.serve(req, path);
    if (!res) return api::HttpResponse{api::http::status::not_found, 11};
    return std::move(*res);
  }

  fs::path base_;
};

}  // namespace

TEST_F(StaticFilesTest, ServesIndexForRootAndDashboard) {
  for (const char* path : {"/", "/dashboard", "/index.html"}) {
    auto res = get(path);
    EXPECT_EQ(res.result(), api::http::status::ok) << path;
    EXPECT_EQ(res.body(), "<h1>home</h1>") << path;
    EXPECT_EQ(res[api::http::field::content_type], "text/html; charset=utf-8");
  }
}

TEST_F(StaticFilesTest, ContentTypeFollowsExtension) {
  auto res = get("/css/site.css");
  EXPECT_EQ(res.result(), api::http::status::ok);
  EXPECT_EQ(res[api::http::field::content_type], "text/css; charset=utf-8");
  EXPECT_EQ(api::content_type_for("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(api::content_type_for("a.unknown"), "application/octet-stream");
}

// The bundler's hashed assets may be kept a year; index.html (naming them) and anything else
// outside assets/ is revalidated on every use, so a new build shows at once.
TEST_F(StaticFilesTest, HashedAssetsAreImmutableAndTheRestRevalidated) {
  auto asset = get("/assets/app-AB12CD34.js");
  ASSERT_EQ(asset.result(), api::http::status::ok);
  EXPECT_EQ(asset[api::http::field::cache_control], "public, max-age=31536000, immutable");
  EXPECT_EQ(asset[api::http::field::content_type], "text/javascript; charset=utf-8");
  for (const char* path : {"/", "/index.html", "/css/site.css"})
    EXPECT_EQ(get(path)[api::http::field::cache_control], "no-cache") << path;
  EXPECT_FALSE(api::is_hashed_asset("css/assets/x.js"));
  EXPECT_FALSE(api::is_hashed_asset("assets.js"));
  EXPECT_TRUE(api::is_hashed_asset(fs::path("assets") / "app-X.css"));
}

TEST_F(StaticFilesTest, MatchingETagGives304WithoutBody) {
  auto first = get("/index.html");
  const std::string etag(first[api::http::field::etag]);
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(first[api::http::field::cache_control], "no-cache");
  auto again = get("/index.html", etag);
  EXPECT_EQ(again.result(), api::http::status::not_modified);
  EXPECT_TRUE(again.body().empty());
  EXPECT_EQ(get("/index.html", "\"other\"").result(), api::http::status::ok);
}

TEST_F(StaticFilesTest, TraversalNeverLeavesTheRoot) {
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/css/..%2f..%2fsecret.txt", "/%2E%2E%2Fsecret.txt",
                           "/..%5csecret.txt", "/css/%00/../index.html", "/leak.txt", "//etc/passwd", "/%zz"}) {
    auto res = get(path);
    EXPECT_NE(res.result(), api::http::status::ok) << path;
    EXPECT_EQ(res.body().find("top secret"), std::string::npos) << path;
  }
}

TEST_F(StaticFilesTest, MissingFileIsNotServed) {
  api::HttpRequest req{api::http::verb::get, "/nope.js", 11};
  api::StaticFiles files(base_ / "www");
  EXPECT_FALSE(files.serve(req, "/nope.js").has_value());
}

TEST_F(StaticFilesTest, GzipTwinServedOnlyToClientsThatTakeGzip) {
  write(base_ / "www/assets/app-AB12CD34.js.gz", "GZIPPED");
  const auto zipped = get("/assets/app-AB12CD34.js", "", "br, gzip;q=0.8");
  EXPECT_EQ(zipped.body(), "GZIPPED");
  EXPECT_EQ(zipped[api::http::field::content_encoding], "gzip");
  EXPECT_EQ(zipped[api::http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ(zipped[api::http::field::vary], "Accept-Encoding");
  const auto plain = get("/assets/app-AB12CD34.js", "", "gzip;q=0");
  EXPECT_EQ(plain.body(), "console.log(1)");
  EXPECT_TRUE(plain[api::http::field::content_encoding].empty());
  EXPECT_EQ(get("/assets/app-AB12CD34.js").body(), "console.log(1)");
  // The two bodies are two representations: their validators differ.
  EXPECT_NE(zipped[api::http::field::etag], plain[api::http::field::etag]);
  EXPECT_EQ(get("/assets/app-AB12CD34.js", std::string(zipped[api::http::field::etag]), "gzip").result(),
            api::http::status::not_modified);
  // No twin: the file as it is, whatever the client takes.
  EXPECT_EQ(get("/css/site.css", "", "gzip").body(), "body{}");
  // A twin that is a symlink out of the root is not followed.
  fs::create_symlink(base_ / "secret.txt", base_ / "www/css/site.css.gz");
  EXPECT_EQ(get("/css/site.css", "", "gzip").body(), "body{}");
}

TEST(AcceptsGzip, ParsesTheHeaderAsRfc9110Says) {
  EXPECT_TRUE(api::accepts_gzip("gzip"));
  EXPECT_TRUE(api::accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(api::accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(api::accepts_gzip("*"));
  EXPECT_FALSE(api::accepts_gzip(""));
  EXPECT_FALSE(api::accepts_gzip("identity"));
  EXPECT_FALSE(api::accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(api::accepts_gzip("gzip;q=0.000"));
  EXPECT_FALSE(api::accepts_gzip("*, gzip;q=0"));
  EXPECT_FALSE(api::accepts_gzip("*;q=0"));
  EXPECT_FALSE(api::accepts_gzip("x-gzip"));
}
