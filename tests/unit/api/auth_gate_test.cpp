// The one enforcement point's decisions (auth_gate.hpp): who a route admits, as whom, and how
// a refusal reads; the Gate's scrape rule (/metrics) and request rate limit.
#include "meridian/api/auth_gate.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "meridian/api/router.hpp"

using namespace meridian;
using api::AuthFailure;
using api::AuthPolicy;
using api::Credentials;
using api::Role;

namespace {

Credentials as(Role role, std::int64_t user = 7) {
  auth::Principal p;
  p.user_id = user;
  p.role = role;
  return p;
}
Credentials failed(std::string_view reason) {
  return AuthFailure{reason};
}
const Credentials kNone = failed(AuthFailure::kMissing);
constexpr AuthPolicy kEnforced{true, false};
constexpr AuthPolicy kPublicRead{true, true};
constexpr AuthPolicy kOff{false, false};

}  // namespace

TEST(AuthGate, OffAdmitsEveryoneAsAnonymous) {
  for (auto need : {Role::anonymous, Role::viewer, Role::trader, Role::admin}) {
    auto admitted = api::admit(need, kNone, kOff);
    ASSERT_TRUE(admitted);
    EXPECT_TRUE(admitted->anonymous());
    EXPECT_TRUE(api::admit(need, failed("expired"), kOff));
  }
}

TEST(AuthGate, AnonymousRoutesAdmitEveryoneAndKnowValidCallers) {
  EXPECT_TRUE(api::admit(Role::anonymous, kNone, kEnforced));
  // A stale token never locks a caller out of a public route.
  auto stale = api::admit(Role::anonymous, failed("expired"), kEnforced);
  ASSERT_TRUE(stale);
  EXPECT_TRUE(stale->anonymous());
  auto known = api::admit(Role::anonymous, as(Role::trader, 9), kEnforced);
  ASSERT_TRUE(known);
  EXPECT_EQ(known->user_id, 9);
}

TEST(AuthGate, NoCredentialsIs401Missing) {
  for (auto need : {Role::viewer, Role::trader, Role::admin}) {
    auto refused = api::admit(need, kNone, kEnforced);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, api::http::status::unauthorized);
    EXPECT_EQ(refused.error().code, "unauthenticated");
    EXPECT_EQ(refused.error().errc, core::Errc::unauthenticated);
    EXPECT_EQ(refused.error().details["reason"], "missing");
  }
}

TEST(AuthGate, InvalidCredentialsAre401WithTheReason) {
  for (const char* reason : {"expired", "bad_signature", "bad_algorithm", "malformed", "revoked_key"}) {
    auto refused = api::admit(Role::viewer, failed(reason), kEnforced);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, api::http::status::unauthorized);
    EXPECT_EQ(refused.error().details["reason"], reason);
  }
}

TEST(AuthGate, ALowerRoleIs403WithNeedsAndRole) {
  const std::pair<Role, Role> cases[] = {
      {Role::viewer, Role::trader}, {Role::viewer, Role::admin}, {Role::trader, Role::admin}};
  for (auto [have, need] : cases) {
    auto refused = api::admit(need, as(have), kEnforced);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().status, api::http::status::forbidden);
    EXPECT_EQ(refused.error().code, "forbidden");
    EXPECT_EQ(refused.error().details["needs"], std::string(auth::to_string(need)));
    EXPECT_EQ(refused.error().details["role"], std::string(auth::to_string(have)));
  }
}

TEST(AuthGate, AnEqualOrHigherRoleIsAdmittedAsItself) {
  for (auto need : {Role::viewer, Role::trader, Role::admin})
    for (auto have : {Role::viewer, Role::trader, Role::admin}) {
      auto admitted = api::admit(need, as(have, 3), kEnforced);
      EXPECT_EQ(static_cast<bool>(admitted), have >= need);
      if (admitted) {
        EXPECT_EQ(admitted->role, have);
      }
    }
}

TEST(AuthGate, PublicReadOpensViewerRoutesToCallersWithoutCredentialsOnly) {
  auto open = api::admit(Role::viewer, kNone, kPublicRead);
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->anonymous());
  // A bad token is still refused: the client learns its token expired.
  EXPECT_FALSE(api::admit(Role::viewer, failed("expired"), kPublicRead));
  // Changes are never opened.
  EXPECT_FALSE(api::admit(Role::trader, kNone, kPublicRead));
  EXPECT_FALSE(api::admit(Role::admin, kNone, kPublicRead));
}

TEST(AuthGate, A401SaysWwwAuthenticateBearerAndInvalidTokenWhenOneWasPresented) {
  auto missing = api::error_response(11, true, api::admit(Role::viewer, kNone, kEnforced).error());
  EXPECT_EQ(missing.result(), api::http::status::unauthorized);
  EXPECT_EQ(missing[api::http::field::www_authenticate], R"(Bearer realm="meridian")");
  auto expired = api::error_response(11, true, api::admit(Role::viewer, failed("expired"), kEnforced).error());
  EXPECT_EQ(expired[api::http::field::www_authenticate], R"(Bearer realm="meridian", error="invalid_token")");
  auto forbidden = api::error_response(11, true, api::admit(Role::admin, as(Role::viewer), kEnforced).error());
  EXPECT_EQ(forbidden.result(), api::http::status::forbidden);
  EXPECT_EQ(forbidden.count(api::http::field::www_authenticate), 0u);
}

// --- the Gate as the server runs it (auth off here: no Identity needed), and its scrape rule.
namespace {

using api::ClientAddress;
using api::Gate;
using api::HttpRequest;
using api::RateLimit;

api::Route route(Role role, bool scrape = false) {
  return {api::http::verb::get, "/x", role, "test", [](const api::Request&, api::Reply) {}, scrape};
}
HttpRequest request(std::string_view authorization = {}) {
  HttpRequest req{api::http::verb::get, "/x", 11};
  if (!authorization.empty()) req.set(api::http::field::authorization, authorization);
  return req;
}
const std::string kToken = "metrics-token-0123456789";
std::optional<auth::SharedSecret> token() {
  return auth::SharedSecret::create(kToken).value();
}

}  // namespace

TEST(AuthGateScrape, LoopbackWithoutCredentialsIsAdmitted) {
  const auto req = request();
  for (const char* from : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_FALSE(api::scrape_refusal(req, ClientAddress::parse(from), nullptr)) << from;
    auto t = token();
    EXPECT_FALSE(api::scrape_refusal(req, ClientAddress::parse(from), &*t)) << from;
  }
}

TEST(AuthGateScrape, ElsewhereOnlyTheTokenAdmits) {
  const auto t = token();
  const auto remote = ClientAddress::parse("203.0.113.7");
  EXPECT_FALSE(api::scrape_refusal(request("Bearer " + kToken), remote, &*t));
  EXPECT_FALSE(api::scrape_refusal(request("bearer  " + kToken + " "), remote, &*t));  // scheme without case

  auto none = api::scrape_refusal(request(), remote, &*t);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, api::http::status::unauthorized);
  EXPECT_EQ(none->details["reason"], "missing");
  for (const std::string& bad : {std::string("Bearer wrong-token-0123456789"), "Bearer " + kToken + "x",
                                 "Basic " + kToken, std::string("Bearer")}) {
    auto refused = api::scrape_refusal(request(bad), remote, &*t);
    ASSERT_TRUE(refused) << bad;
    EXPECT_EQ(refused->status, api::http::status::unauthorized) << bad;
    EXPECT_EQ(refused->details["reason"], "invalid_metrics_token") << bad;
  }
  // No token configured: nothing admits a remote caller.
  EXPECT_TRUE(api::scrape_refusal(request("Bearer " + kToken), remote, nullptr));
  EXPECT_TRUE(api::scrape_refusal(request(), remote, nullptr));
}

TEST(AuthGateScrape, APresentedWrongTokenIsRefusedEvenFromLoopback) {
  const auto t = token();
  auto refused = api::scrape_refusal(request("Bearer nope"), ClientAddress::parse("127.0.0.1"), &*t);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->details["reason"], "invalid_metrics_token");
  EXPECT_FALSE(api::scrape_refusal(request("Bearer " + kToken), ClientAddress::parse("127.0.0.1"), &*t));
}

TEST(AuthGateGate, TheScrapeRuleGuardsScrapeRoutesOnly) {
  Gate gate(kOff, nullptr, RateLimit{}, token());
  EXPECT_FALSE(gate.admit(route(Role::anonymous, true), request(), "203.0.113.7"));
  EXPECT_TRUE(gate.admit(route(Role::anonymous, true), request("Bearer " + kToken), "203.0.113.7"));
  EXPECT_TRUE(gate.admit(route(Role::anonymous, true), request(), "127.0.0.1"));
  EXPECT_TRUE(gate.admit(route(Role::anonymous), request(), "203.0.113.7"));
}

TEST(AuthGateGate, TheRateLimitRefusesWith429AndTheWait) {
  Gate gate(kOff, nullptr, RateLimit{1, 2}, std::nullopt);
  const auto now = api::RateLimiter::Clock::time_point{std::chrono::hours(1)};
  const auto r = route(Role::viewer);
  EXPECT_TRUE(gate.admit(r, request(), "203.0.113.7", now));
  EXPECT_TRUE(gate.admit(r, request(), "203.0.113.7", now));
  auto refused = gate.admit(r, request(), "203.0.113.7", now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, api::http::status::too_many_requests);
  EXPECT_EQ(refused.error().code, "too_many_requests");
  EXPECT_EQ(refused.error().errc, core::Errc::rate_limited);
  EXPECT_EQ(refused.error().details["retry_after_s"], 1);
  const auto res = api::error_response(11, true, refused.error());
  EXPECT_EQ(res[api::http::field::retry_after], "1");
  // Another address has its own budget; time refills this one.
  EXPECT_TRUE(gate.admit(r, request(), "203.0.113.8", now));
  EXPECT_TRUE(gate.admit(r, request(), "203.0.113.7", now + std::chrono::seconds(1)));
}

TEST(AuthGateGate, NoRateLimitWhenItIsOff) {
  Gate gate(kOff, nullptr, RateLimit{}, std::nullopt);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(gate.admit(route(Role::admin), request(), "203.0.113.7")) << i;
}

TEST(AuthGateGate, EnforcedWithoutAnIdentityIsAStartUpError) {
  EXPECT_THROW(Gate(kEnforced, nullptr, RateLimit{}, std::nullopt), std::invalid_argument);
}

TEST(AuthGateBearer, TheCredentialOfAnAuthorizationHeader) {
  EXPECT_EQ(api::bearer_of(request()).error().reason, AuthFailure::kMissing);
  EXPECT_EQ(*api::bearer_of(request("Bearer abc")), "abc");
  EXPECT_EQ(*api::bearer_of(request("BEARER \tabc ")), "abc");
  EXPECT_EQ(api::bearer_of(request("Basic abc")).error().reason, "unsupported_scheme");
  EXPECT_EQ(api::bearer_of(request("Bearer ")).error().reason, "malformed");
  auto twice = request("Bearer a");
  twice.insert(api::http::field::authorization, "Bearer b");
  EXPECT_EQ(api::bearer_of(twice).error().reason, "malformed");
}
