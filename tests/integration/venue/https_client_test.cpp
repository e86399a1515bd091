// HttpsClient::request against a fake server over loopback TLS: each method arrives with its
// body, Content-Type and Content-Length, caller headers win over the defaults, an answer of any
// status is delivered whole, and get() is request(GET) (no body, the same path).
#include "meridian/transport/https_client.hpp"

#include <gtest/gtest.h>

#include <future>

#include "client_rig.hpp"
#include "fake_venue.hpp"

using meridian::transport::HttpHeaders;
using meridian::transport::HttpMethod;
using meridian::transport::HttpResult;
using meridian::transport::HttpsClient;
using meridian::transport::TlsOptions;
using namespace venue_test;

namespace {

// Sends one request from the rig's strand and waits for its answer.
HttpResult send(ClientRig& rig, HttpMethod method, const std::string& url, std::string body, HttpHeaders headers = {}) {
  std::promise<HttpResult> answer;
  std::unique_ptr<HttpsClient> client;
  rig.on_strand([&] {
    client = std::make_unique<HttpsClient>(rig.strand, TlsOptions{test_cert_path()});
    client->request(method, url, std::move(body), std::move(headers),
                    [&](HttpResult r) { answer.set_value(std::move(r)); });
  });
  auto result = answer.get_future().get();
  rig.on_strand([&] { client.reset(); });
  return result;
}

Reply echo_method(const LoggedRequest& r) {
  return Reply{201, R"({"method":")" + r.method + R"("})", {{"X-Seen", r.target}}, false};
}

}  // namespace

TEST(HttpsClientRequest, PostSendsBodyAsJsonWithLength) {
  FakeHttpsVenue server{FakeHttpsVenue::RequestHandler(echo_method)};
  ClientRig rig;
  const std::string body = R"({"symbol":"AAPL","qty":"1"})";
  const auto result = send(rig, HttpMethod::post, server.url() + "/v2/orders", body, {{"APCA-API-KEY-ID", "kid"}});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.response.status, 201u);
  EXPECT_EQ(result.response.body, R"({"method":"POST"})");
  EXPECT_EQ(result.response.header("x-seen"), "/v2/orders");
  const auto got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/v2/orders");
  EXPECT_EQ(got[0].body, body);
  EXPECT_EQ(got[0].header("content-type"), "application/json");
  EXPECT_EQ(got[0].header("content-length"), std::to_string(body.size()));
  EXPECT_EQ(got[0].header("apca-api-key-id"), "kid");
}

TEST(HttpsClientRequest, PatchAndDeleteCarryTheirMethod) {
  FakeHttpsVenue server{FakeHttpsVenue::RequestHandler(echo_method)};
  ClientRig rig;
  const auto patched = send(rig, HttpMethod::patch, server.url() + "/v2/orders/abc", R"({"qty":"2"})");
  ASSERT_TRUE(patched.ok()) << patched.error;
  EXPECT_EQ(patched.response.body, R"({"method":"PATCH"})");
  const auto deleted = send(rig, HttpMethod::del, server.url() + "/v2/orders/abc", {});
  ASSERT_TRUE(deleted.ok()) << deleted.error;
  EXPECT_EQ(deleted.response.body, R"({"method":"DELETE"})");
  const auto got = server.requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].method, "PATCH");
  EXPECT_EQ(got[0].body, R"({"qty":"2"})");
  EXPECT_EQ(got[1].method, "DELETE");
  EXPECT_TRUE(got[1].body.empty());
  // A bodiless DELETE claims no JSON it does not carry.
  EXPECT_EQ(got[1].header("content-type"), "");
}

TEST(HttpsClientRequest, CallerContentTypeWins) {
  FakeHttpsVenue server{FakeHttpsVenue::RequestHandler(echo_method)};
  ClientRig rig;
  const auto result = send(rig, HttpMethod::post, server.url() + "/form", "a=1&b=2",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(result.ok()) << result.error;
  const auto got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(got[0].body, "a=1&b=2");
}

TEST(HttpsClientRequest, ErrorStatusIsAnAnswerNotAnError) {
  FakeHttpsVenue server{FakeHttpsVenue::RequestHandler([](const LoggedRequest&) {
    return Reply{422, R"({"code":40010001,"message":"qty must be > 0"})", {}, false};
  })};
  ClientRig rig;
  const auto result = send(rig, HttpMethod::post, server.url() + "/v2/orders", R"({"qty":"0"})");
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.response.status, 422u);
  EXPECT_EQ(result.response.body, R"({"code":40010001,"message":"qty must be > 0"})");
}

TEST(HttpsClientRequest, GetIsARequestWithoutBody) {
  FakeHttpsVenue server{FakeHttpsVenue::RequestHandler(echo_method)};
  ClientRig rig;
  std::promise<HttpResult> answer;
  std::unique_ptr<HttpsClient> client;
  rig.on_strand([&] {
    client = std::make_unique<HttpsClient>(rig.strand, TlsOptions{test_cert_path()});
    client->get(server.url() + "/v2/clock", [&](HttpResult r) { answer.set_value(std::move(r)); });
  });
  const auto result = answer.get_future().get();
  rig.on_strand([&] { client.reset(); });
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.response.body, R"({"method":"GET"})");
  const auto got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "GET");
  EXPECT_EQ(got[0].header("content-length"), "");
  EXPECT_EQ(got[0].header("content-type"), "");
}

TEST(HttpsClientRequest, BadUrlFailsAsynchronouslyWithoutSending) {
  ClientRig rig;
  const auto result = send(rig, HttpMethod::post, "http://127.0.0.1:1/v2/orders", "{}");
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("https"), std::string::npos) << result.error;
}
