// The one enforcement point's decisions (auth_gate.hpp): who a route admits, as whom, and how
// a refusal reads.
#include "meridian/api/auth_gate.hpp"

#include <gtest/gtest.h>

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
