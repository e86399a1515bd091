// Who the daemon answers (request_guard): framing, Host allow-list, Origin allow-list, JSON
// bodies only on state-changing routes.
#include "meridian/api/request_guard.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace meridian;
using api::http::field;
using api::http::verb;

namespace {

api::HttpRequest request(verb method, std::initializer_list<std::pair<field, std::string>> headers,
                         std::string body = {}, unsigned version = 11) {
  api::HttpRequest req{method, "/api/trade", version};
  req.body() = std::move(body);
  req.prepare_payload();  // before the headers: it would rewrite a Transfer-Encoding
  for (const auto& [name, value] : headers) req.set(name, value);
  return req;
}

std::string error_code(const std::optional<api::HttpResponse>& res) {
  if (!res) return "";
  return nlohmann::json::parse(res->body())["error"]["code"].get<std::string>();
}

const api::RequestGuard kLoopback{"127.0.0.1", 8080};

}  // namespace

TEST(RequestGuard, Http11WithoutHostIs400) {
  auto res = kLoopback.check_request(request(verb::get, {}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), api::http::status::bad_request);
  EXPECT_EQ(error_code(res), "missing_host");
  EXPECT_FALSE(res->keep_alive());
  // HTTP/1.0 has no Host requirement.
  EXPECT_FALSE(kLoopback.check_request(request(verb::get, {}, {}, 10)));
}

TEST(RequestGuard, TwoHostHeadersAre400) {
  auto req = request(verb::get, {{field::host, "localhost"}});
  req.insert(field::host, "evil.example");
  auto res = kLoopback.check_request(req);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), api::http::status::bad_request);
}

TEST(RequestGuard, TransferEncodingOtherThanChunkedIsRefused) {
  for (const char* te : {"gzip", "gzip, chunked", "chunked, gzip", "identity", "chunked, chunked", "x"}) {
    auto res =
        kLoopback.check_request(request(verb::post, {{field::host, "localhost"}, {field::transfer_encoding, te}}));
    ASSERT_TRUE(res) << te;
    EXPECT_EQ(res->result(), api::http::status::not_implemented) << te;
    EXPECT_EQ(error_code(res), "unsupported_transfer_encoding") << te;
    EXPECT_FALSE(res->keep_alive()) << te;
  }
  EXPECT_FALSE(kLoopback.check_request(
      request(verb::post, {{field::host, "localhost"}, {field::transfer_encoding, "Chunked"}})));
}

TEST(RequestGuard, LoopbackNamesAndTheBoundAddressAreAllowedHosts) {
  const api::RequestGuard guard{"10.1.2.3", 8080};
  for (const char* host : {"localhost", "localhost:8080", "LOCALHOST:1", "localhost.", "127.0.0.1", "127.0.0.1:8080",
                           "[::1]", "[::1]:8080", "10.1.2.3:8080", "10.1.2.3"})
    EXPECT_TRUE(guard.host_allowed(host)) << host;
  for (const char* host : {"evil.example", "evil.example:8080", "localhost.evil.example", "10.1.2.4", "", ":8080",
                           "localhost:0", "localhost:99999", "a@localhost", "[::2]", "127.0.0.1:80:80", "local host"})
    EXPECT_FALSE(guard.host_allowed(host)) << host;
}

TEST(RequestGuard, RebindingHostIs421) {
  auto res = kLoopback.check_request(request(verb::get, {{field::host, "rebind.evil.example:8080"}}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), api::http::status::misdirected_request);
  EXPECT_EQ(error_code(res), "host_not_allowed");
}

TEST(RequestGuard, ConfiguredHostsWithOrWithoutPort) {
  const api::RequestGuard guard{"127.0.0.1", 8080, {}, {"Meridian.Example", "desk.example:9000", "::2"}};
  EXPECT_TRUE(guard.host_allowed("meridian.example"));
  EXPECT_TRUE(guard.host_allowed("meridian.example:443"));
  EXPECT_TRUE(guard.host_allowed("desk.example:9000"));
  EXPECT_FALSE(guard.host_allowed("desk.example:9001"));
  EXPECT_FALSE(guard.host_allowed("desk.example"));
  EXPECT_TRUE(guard.host_allowed("[::2]:8080"));
  EXPECT_THROW(api::RequestGuard("127.0.0.1", 8080, {}, {"not a host"}), std::invalid_argument);
}

TEST(RequestGuard, WildcardBindAllowsIpLiteralsButNotNames) {
  const api::RequestGuard guard{"0.0.0.0", 8080};
  EXPECT_TRUE(guard.host_allowed("192.168.1.5:8080"));
  EXPECT_TRUE(guard.host_allowed("[fe80::1]:8080"));
  EXPECT_TRUE(guard.host_allowed("localhost:8080"));
  EXPECT_FALSE(guard.host_allowed("evil.example:8080"));
}

TEST(RequestGuard, OwnOriginsPass) {
  for (const char* origin : {"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"}) {
    auto req = request(verb::post, {{field::host, "127.0.0.1:8080"}, {field::origin, origin}});
    EXPECT_FALSE(kLoopback.check_origin(req)) << origin;
  }
}

TEST(RequestGuard, UnderTlsTheOwnOriginsAreHttps) {
  const api::RequestGuard tls{"127.0.0.1", 8443, {}, {}, true};
  for (const char* origin : {"https://localhost:8443", "https://127.0.0.1:8443", "https://[::1]:8443"}) {
    auto req = request(verb::post, {{field::host, "127.0.0.1:8443"}, {field::origin, origin}});
    EXPECT_FALSE(tls.check_origin(req)) << origin;
  }
  // The plain-HTTP origin of the same port is no page of this daemon: it answers only TLS.
  auto req = request(verb::post, {{field::host, "127.0.0.1:8443"}, {field::origin, "http://localhost:8443"}});
  EXPECT_EQ(error_code(tls.check_origin(req)), "origin_not_allowed");
}

TEST(RequestGuard, ForeignOriginsAre403) {
  for (const char* origin : {"http://evil.example", "http://localhost:3000", "https://localhost:8080", "null",
                             "http://127.0.0.1:8080.evil.example", "file://", ""}) {
    auto req = request(verb::post, {{field::host, "127.0.0.1:8080"}, {field::origin, origin}});
    auto res = kLoopback.check_origin(req);
    ASSERT_TRUE(res) << origin;
    EXPECT_EQ(res->result(), api::http::status::forbidden) << origin;
    EXPECT_EQ(error_code(res), "origin_not_allowed") << origin;
  }
}

TEST(RequestGuard, NoOriginPassesUnlessFetchMetadataSaysCrossSite) {
  EXPECT_FALSE(kLoopback.check_origin(request(verb::post, {{field::host, "localhost:8080"}})));
  EXPECT_FALSE(kLoopback.check_origin(
      request(verb::post, {{field::host, "localhost:8080"}, {field::sec_fetch_site, "same-origin"}})));
  EXPECT_FALSE(
      kLoopback.check_origin(request(verb::post, {{field::host, "localhost:8080"}, {field::sec_fetch_site, "none"}})));
  EXPECT_TRUE(kLoopback.check_origin(
      request(verb::post, {{field::host, "localhost:8080"}, {field::sec_fetch_site, "cross-site"}})));
  EXPECT_TRUE(kLoopback.check_origin(
      request(verb::post, {{field::host, "localhost:8080"}, {field::sec_fetch_site, "same-site"}})));
}

TEST(RequestGuard, ConfiguredOriginsAreNormalized) {
  const api::RequestGuard guard{"127.0.0.1", 8080, {"HTTPS://Desk.Example:443/"}};
  EXPECT_FALSE(guard.check_origin(
      request(verb::post, {{field::host, "localhost:8080"}, {field::origin, "https://desk.example"}})));
  EXPECT_TRUE(guard.check_origin(
      request(verb::post, {{field::host, "localhost:8080"}, {field::origin, "http://desk.example"}})));
  EXPECT_THROW(api::RequestGuard("127.0.0.1", 8080, {"desk.example"}), std::invalid_argument);
  EXPECT_THROW(api::RequestGuard("127.0.0.1", 8080, {"https://desk.example/path"}), std::invalid_argument);
}

TEST(RequestGuard, SameOriginAsAnAllowedHostPasses) {
  // The dashboard reached under a configured name, directly or through a TLS proxy.
  const api::RequestGuard guard{"127.0.0.1", 8080, {}, {"desk.example"}};
  EXPECT_FALSE(guard.check_origin(
      request(verb::post, {{field::host, "desk.example:8080"}, {field::origin, "http://desk.example:8080"}})));
  EXPECT_FALSE(guard.check_origin(
      request(verb::post, {{field::host, "desk.example"}, {field::origin, "https://desk.example"}})));
  EXPECT_TRUE(guard.check_origin(
      request(verb::post, {{field::host, "desk.example:8080"}, {field::origin, "http://desk.example:9090"}})));
}

TEST(RequestGuard, Normalization) {
  EXPECT_EQ(api::normalize_origin("HTTP://Example.COM:80/"), "http://example.com");
  EXPECT_EQ(api::normalize_origin("https://[::1]:8443"), "https://[::1]:8443");
  EXPECT_EQ(api::normalize_origin("null"), std::nullopt);
  EXPECT_EQ(api::normalize_origin("http://a/b"), std::nullopt);
  EXPECT_EQ(api::normalize_host("::1"), "[::1]");
  EXPECT_EQ(api::normalize_host("Example.com:8080"), "example.com:8080");
  EXPECT_EQ(api::normalize_host("example.com:x"), std::nullopt);
}

TEST(RequestGuard, StateChangingBodiesMustBeJson) {
  using api::check_json_content_type;
  EXPECT_FALSE(check_json_content_type(request(verb::post, {{field::content_type, "application/json"}}, "{}")));
  EXPECT_FALSE(
      check_json_content_type(request(verb::post, {{field::content_type, "Application/JSON; charset=utf-8"}}, "{}")));
  EXPECT_FALSE(check_json_content_type(request(verb::post, {}, "")));  // no body, no type: a command
  EXPECT_FALSE(check_json_content_type(request(verb::get, {{field::content_type, "text/plain"}}, "")));
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                           "application/jsonp", "application/json-seq"}) {
    auto res = check_json_content_type(request(verb::post, {{field::content_type, type}}, "{}"));
    ASSERT_TRUE(res) << type;
    EXPECT_EQ(res->result(), api::http::status::unsupported_media_type) << type;
    EXPECT_EQ(error_code(res), "unsupported_media_type") << type;
  }
  EXPECT_TRUE(check_json_content_type(request(verb::post, {}, "{}")));  // a body of no declared type
  EXPECT_TRUE(check_json_content_type(request(verb::delete_, {{field::content_type, "text/plain"}}, "")));
}
