// api::Identity's access tokens against the user table it keeps from a real store: a token the
// cache already holds (auth::TokenCache) still meets its user's current state on every request.
#include <memory>
#include <optional>

#include "identity_store_fixture.hpp"
#include "meridian/api/identity.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;

auth::TokenSigner test_signer() {
  auto s = auth::TokenSigner::create("integration-signing-secret-0123456789-abcdef", "meridian");
  if (!s) throw std::runtime_error("test signer refused");
  return std::move(*s);
}

class IdentityTokensTest : public IdentityStoreFixture {
 protected:
  void SetUp() override {
    IdentityStoreFixture::SetUp();
    if (!store) return;
    api::IdentityConfig config;
    config.cost = auth::PasswordCost::minimum();
    config.workers = 1;
    identity = std::make_unique<api::Identity>(*store, signer, config);
    ASSERT_TRUE(identity->load().has_value());
  }

  storage::UserRecord user(const std::string& email, auth::Role role) {
    api::UserInput input;
    input.email = email;
    input.first_name = "Ann";
    input.last_name = "Lee";
    input.role = role;
    input.capital = core::Money::from_units(1'000);
    auto created = identity->create_user(input);
    EXPECT_TRUE(created.has_value());
    return created.has_value() ? created->user : storage::UserRecord{};
  }

  void patch(const auth::Principal& by, std::int64_t id, std::optional<auth::Role> role, std::optional<bool> disabled) {
    storage::UserPatch p;
    p.role = role;
    p.disabled = disabled;
    ASSERT_TRUE(identity->update_user(by, id, p).has_value());
  }

  static std::string reason(const api::Credentials& c) { return c ? "ok" : std::string(c.error().reason); }

  const auth::TokenSigner signer = test_signer();
  std::unique_ptr<api::Identity> identity;
};

TEST_F(IdentityTokensTest, ACachedTokenOfADisabledOrDemotedUserMeetsTheUsersStateOnEveryRequest) {
  const auto admin = user("admin@example.com", auth::Role::admin);
  const auto dave = user("dave@example.com", auth::Role::trader);
  auth::Principal by;
  by.user_id = admin.id;
  by.role = auth::Role::admin;

  const auto now = core::now();
  const auto token = signer.issue(dave.id, auth::Role::trader, now);
  for (int i = 0; i < 3; ++i) {  // verified once, then answered from the cache
    auto c = identity->authenticate_bearer(token, now + i * 1s);
    ASSERT_TRUE(c) << reason(c);
    EXPECT_EQ(c->user_id, dave.id);
    EXPECT_EQ(c->role, auth::Role::trader);
  }

  patch(by, dave.id, auth::Role::viewer, std::nullopt);
  auto demoted = identity->authenticate_bearer(token, now + 5s);
  ASSERT_TRUE(demoted) << reason(demoted);
  EXPECT_EQ(demoted->role, auth::Role::viewer) << "the token's role is capped at the user's current role";

  patch(by, dave.id, std::nullopt, true);
  EXPECT_EQ(reason(identity->authenticate_bearer(token, now + 6s)), "user_disabled");
  EXPECT_EQ(reason(identity->authenticate_bearer(token, now + 7s)), "user_disabled");

  patch(by, dave.id, auth::Role::trader, false);
  auto restored = identity->authenticate_bearer(token, now + 8s);
  ASSERT_TRUE(restored) << reason(restored);
  EXPECT_EQ(restored->role, auth::Role::trader);
  // And never past the token's own expiry.
  EXPECT_EQ(reason(identity->authenticate_bearer(token, now + signer.ttl())), "expired");
}

}  // namespace
}  // namespace meridian::it
