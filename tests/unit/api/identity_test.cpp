// api::Identity::authenticate: what the I/O threads decide from a request's headers alone
// (access tokens by signature, API keys against the in-memory table; no database here: the
// store is never reached because load() is not called and no key is known).
#include "meridian/api/identity.hpp"

#include <gtest/gtest.h>

#include "identity_rows.hpp"

using namespace meridian;
using namespace std::chrono_literals;

namespace {

constexpr const char* kSecret = "unit-test-signing-secret-0123456789-abcdefghij";
constexpr const char* kOtherSecret = "another-signing-secret-9876543210-zyxwvutsrqpo";
constexpr std::string_view kIssuer = "meridian";
// {"alg":"none"} and {"alg":"RS256"} over {"iss":"meridian","sub":"1","role":"admin",...}.
constexpr const char* kAlgNone =
    "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
    "eyJpc3MiOiJtZXJpZGlhbiIsInN1YiI6IjEiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMH0.";
constexpr const char* kAlgRs256 =
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJpc3MiOiJtZXJpZGlhbiIsInN1YiI6IjEiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMH0."
    "c2lnbmF0dXJl";

auth::TokenSigner signer(const char* secret = kSecret) {
  auto s = auth::TokenSigner::create(secret, std::string(kIssuer));
  if (!s) throw std::runtime_error("test signer refused");
  return std::move(*s);
}

struct Rig {
  storage::IdentityStore store{"postgresql://nobody@127.0.0.1:1/none"};  // never connected
  api::Identity identity{store, signer(), small_pool()};

  static api::IdentityConfig small_pool() {
    api::IdentityConfig c;
    c.workers = 1;
    c.queue_limit = 4;
    return c;
  }

  api::Credentials with(std::initializer_list<std::pair<api::http::field, std::string>> fields,
                        std::initializer_list<std::pair<std::string, std::string>> named = {},
                        core::Timestamp now = core::now()) {
    api::HttpRequest req{api::http::verb::get, "/api/trading/status", 11};
    for (const auto& [f, v] : fields) req.insert(f, v);
    for (const auto& [n, v] : named) req.insert(n, v);
    return identity.authenticate(req, now);
  }
  api::Credentials bearer(const std::string& token, core::Timestamp now = core::now()) {
    return with({{api::http::field::authorization, "Bearer " + token}}, {}, now);
  }
};

std::string reason(const api::Credentials& c) {
  return c ? std::string("ok") : std::string(c.error().reason);
}

}  // namespace

TEST(IdentityAuthenticate, NothingPresentedIsMissing) {
  Rig rig;
  EXPECT_EQ(reason(rig.with({})), "missing");
  EXPECT_FALSE(rig.with({}).error().presented());
}

TEST(IdentityAuthenticate, AValidAccessTokenNamesItsUserAndRole) {
  Rig rig;
  const auto now = core::now();
  auto c = rig.bearer(signer().issue(42, auth::Role::trader, now), now);
  ASSERT_TRUE(c) << reason(c);
  EXPECT_EQ(c->user_id, 42);
  EXPECT_EQ(c->role, auth::Role::trader);
  EXPECT_EQ(c->api_key_id, 0);
  // The scheme compares without case.
  EXPECT_TRUE(
      rig.with({{api::http::field::authorization, "bearer  " + signer().issue(42, auth::Role::viewer, now)}}, {}, now));
}

TEST(IdentityAuthenticate, BadAccessTokensSayWhy) {
  Rig rig;
  const auto now = core::now();
  EXPECT_EQ(reason(rig.bearer(signer().issue(1, auth::Role::admin, now - 1h), now)), "expired");
  EXPECT_EQ(reason(rig.bearer(signer(kOtherSecret).issue(1, auth::Role::admin, now), now)), "bad_signature");
  EXPECT_EQ(reason(rig.bearer(kAlgNone, now)), "bad_algorithm");
  EXPECT_EQ(reason(rig.bearer(kAlgRs256, now)), "bad_algorithm");
  for (const char* junk : {"x", "a.b", "a.b.c", "....", "e30.e30.e30"})
    EXPECT_NE(reason(rig.bearer(junk, now)), "ok") << junk;
  EXPECT_EQ(reason(rig.bearer("not-a-jwt", now)), "malformed");
}

TEST(IdentityAuthenticate, MalformedHeadersAreRefusedBeforeAnyCheck) {
  Rig rig;
  EXPECT_EQ(reason(rig.with({{api::http::field::authorization, "Basic dXNlcjpwYXNz"}})), "unsupported_scheme");
  EXPECT_EQ(reason(rig.with({{api::http::field::authorization, "Token abc"}})), "unsupported_scheme");
  EXPECT_EQ(reason(rig.with({{api::http::field::authorization, "Bearer"}})), "malformed");
  EXPECT_EQ(reason(rig.with({{api::http::field::authorization, "Bearer    "}})), "malformed");
  EXPECT_EQ(reason(rig.with({{api::http::field::authorization, ""}})), "malformed");
  EXPECT_EQ(
      reason(rig.with({{api::http::field::authorization, "Bearer a"}, {api::http::field::authorization, "Bearer b"}})),
      "malformed");
}

TEST(IdentityAuthenticate, ApiKeysAreCheckedAgainstTheTableInMemory) {
  Rig rig;
  const auto key = auth::new_api_key().text;
  EXPECT_EQ(reason(rig.bearer(key)), "unknown_key");
  EXPECT_EQ(reason(rig.with({}, {{"X-API-Key", key}})), "unknown_key");
  EXPECT_EQ(reason(rig.with({}, {{"X-API-Key", "mk_short"}})), "malformed");
  EXPECT_EQ(reason(rig.with({}, {{"X-API-Key", "not-a-key"}})), "malformed");
  EXPECT_TRUE(rig.with({}, {{"X-API-Key", key}}).error().presented());
}

// --- the tables as load() fills them (load_tables: the rows without a database) ---
namespace {

using test::key_row;
using test::user_row;

}  // namespace

TEST(IdentityAuthenticate, ALoadedKeyNamesItsUserItsRoleAndItsScope) {
  Rig rig;
  const auto key = auth::new_api_key();
  rig.identity.load_tables({{key.digest, key_row(7, 2, auth::Role::trader, {3, 5})}},
                           {user_row(2, auth::Role::trader)});
  for (const auto& c : {rig.bearer(key.text), rig.with({}, {{"X-API-Key", " " + key.text + " "}})}) {
    ASSERT_TRUE(c) << reason(c);
    EXPECT_EQ(c->user_id, 2);
    EXPECT_EQ(c->role, auth::Role::trader);
    EXPECT_EQ(c->api_key_id, 7);
    EXPECT_EQ(c->portfolio_scope, (std::vector<std::int64_t>{3, 5}));
  }
  // Another key of the same form is still unknown; a key is not an access token.
  EXPECT_EQ(reason(rig.bearer(auth::new_api_key().text)), "unknown_key");
  EXPECT_EQ(reason(rig.with({}, {{"X-API-Key", signer().issue(2, auth::Role::trader, core::now())}})), "malformed");
}

TEST(IdentityAuthenticate, TheUsersTableCapsRolesAndStopsDisabledUsers) {
  Rig rig;
  const auto demoted_key = auth::new_api_key();
  const auto disabled_key = auth::new_api_key();
  rig.identity.load_tables({{demoted_key.digest, key_row(1, 5, auth::Role::admin)},
                            {disabled_key.digest, key_row(2, 4, auth::Role::trader)}},
                           {user_row(4, auth::Role::trader, true), user_row(5, auth::Role::viewer)});
  const auto now = core::now();
  // User 5 was an admin when the token and the key were made, and is a viewer now.
  auto token = rig.bearer(signer().issue(5, auth::Role::admin, now), now);
  ASSERT_TRUE(token) << reason(token);
  EXPECT_EQ(token->role, auth::Role::viewer);
  auto key = rig.bearer(demoted_key.text, now);
  ASSERT_TRUE(key) << reason(key);
  EXPECT_EQ(key->role, auth::Role::viewer);
  EXPECT_EQ(reason(rig.bearer(signer().issue(4, auth::Role::trader, now), now)), "user_disabled");
  EXPECT_EQ(reason(rig.bearer(disabled_key.text, now)), "user_disabled");
  // A user in no table (made by another process since the start) keeps the token's role.
  auto stranger = rig.bearer(signer().issue(6, auth::Role::trader, now), now);
  ASSERT_TRUE(stranger) << reason(stranger);
  EXPECT_EQ(stranger->role, auth::Role::trader);
}

TEST(IdentityAuthenticate, LoadingTablesReplacesWhatWasHeld) {
  Rig rig;
  const auto key = auth::new_api_key();
  rig.identity.load_tables({{key.digest, key_row(1, 2, auth::Role::viewer)}}, {user_row(2, auth::Role::viewer)});
  EXPECT_TRUE(rig.bearer(key.text));
  rig.identity.load_tables({}, {user_row(2, auth::Role::viewer, true)});
  EXPECT_EQ(reason(rig.bearer(key.text)), "unknown_key");
  EXPECT_EQ(reason(rig.bearer(signer().issue(2, auth::Role::viewer, core::now()))), "user_disabled");
}

TEST(IdentityAuthenticate, ATokenSeenBeforeIsAcceptedUntilItsExpiryAndNotAfter) {
  Rig rig;
  const auto now = core::now();
  const auto token = signer().issue(42, auth::Role::trader, now);
  const auto exp = now + signer().ttl();
  ASSERT_TRUE(rig.bearer(token, now));
  auto later = rig.bearer(token, exp - 1s);
  ASSERT_TRUE(later) << reason(later);
  EXPECT_EQ(later->user_id, 42);
  EXPECT_EQ(later->role, auth::Role::trader);
  EXPECT_EQ(reason(rig.bearer(token, exp)), "expired");
  EXPECT_EQ(reason(rig.bearer(token, exp + 1h)), "expired");
}

TEST(IdentityAuthenticate, AnAlteredCopyOfATokenSeenBeforeIsRefused) {
  Rig rig;
  const auto now = core::now();
  const auto token = signer().issue(42, auth::Role::viewer, now);
  ASSERT_TRUE(rig.bearer(token, now));
  // Every part of it: the header, the claims (a role raised) and the signature.
  auto claims_changed = token;
  claims_changed[token.find('.') + 3] ^= 0x01;
  auto signature_changed = token;
  signature_changed.back() = token.back() == 'A' ? 'B' : 'A';
  auto header_changed = token;
  header_changed[2] ^= 0x01;
  for (const auto& bad : {claims_changed, signature_changed, header_changed}) {
    EXPECT_NE(reason(rig.bearer(bad, now)), "ok") << bad;
    EXPECT_NE(reason(rig.bearer(bad, now)), "ok") << "asked again: " << bad;
  }
  EXPECT_TRUE(rig.bearer(token, now));
}
