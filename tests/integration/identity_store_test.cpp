// storage::IdentityStore against a real server: users, refresh-token rotation and reuse, API
// keys, and a database that is down or drops the connection.
#include "meridian/storage/identity_store.hpp"

#include <latch>
#include <thread>

#include "identity_store_fixture.hpp"
#include "meridian/auth/opaque_token.hpp"

// LeakSanitizer: libpqxx 6.4 leaks the PGresult of a statement that fails because the server
// dropped the connection (ADroppedConnectionIsReopened does that on purpose); see
// tests/e2e/lsan.supp for the cause. One result per lost connection, fixed in libpqxx 7.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libpqxx\n";
}

namespace meridian::it {
namespace {

using auth::Role;
using std::chrono::hours;
using std::chrono::seconds;
using storage::RotateOutcome;

const core::Money kCapital = core::Money::from_units(25'000);

storage::NewUser new_user(std::string email, Role role = Role::trader, std::string hash = "$argon2id$v=19$stub") {
  storage::NewUser u;
  u.email = std::move(email);
  u.first_name = "Ann";
  u.last_name = "Lee";
  u.role = role;
  u.password_hash = std::move(hash);
  u.capital = kCapital;
  return u;
}

class IdentityStoreTest : public IdentityStoreFixture {
 protected:
  std::int64_t user(const std::string& email, Role role = Role::trader) {
    auto u = store->create_user(new_user(email, role));
    EXPECT_TRUE(u.has_value());
    return u.has_value() ? u->id : 0;
  }

  // A refresh token of a new login of `user_id`, valid for an hour.
  auth::OpaqueToken login(std::int64_t user_id) {
    auto t = auth::new_refresh_token();
    storage::RefreshIssue issue;
    issue.user_id = user_id;
    issue.digest = t.digest;
    issue.expires_at = core::now() + hours(1);
    issue.user_agent = "test";
    issue.address = "127.0.0.1";
    EXPECT_TRUE(store->store_refresh(issue).has_value());
    return t;
  }

  storage::Rotation rotate(const auth::OpaqueToken& presented, const auth::OpaqueToken& next,
                           core::Timestamp now = core::now()) {
    auto r = store->rotate_refresh(presented.digest, next.digest, now, now + hours(1));
    EXPECT_TRUE(r.has_value());
    return r.has_value() ? *r : storage::Rotation{};
  }

  long long count(const std::string& sql) {
    pqxx::connection conn(url());
    pqxx::nontransaction q(conn);
    return q.exec1(sql)[0].as<long long>();
  }
};

TEST_F(IdentityStoreTest, CreatedUserIsFoundByIdAndByEmailWithoutCase) {
  const auto before = core::now() - seconds(5);
  const auto created = store->create_user(new_user("Ann.Lee@Example.org"));
  ASSERT_TRUE(created.has_value());
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->email, "Ann.Lee@Example.org");  // stored as given
  EXPECT_EQ(created->first_name, "Ann");
  EXPECT_EQ(created->last_name, "Lee");
  EXPECT_EQ(created->role, Role::trader);
  EXPECT_EQ(created->password_hash, "$argon2id$v=19$stub");
  EXPECT_EQ(created->capital, kCapital);
  EXPECT_FALSE(created->disabled);
  EXPECT_GT(created->created_at, before);

  const auto by_email = store->user_by_email("ann.lee@EXAMPLE.ORG");
  ASSERT_TRUE(by_email.has_value());
  EXPECT_EQ(by_email->id, created->id);
  EXPECT_EQ(by_email->email, "Ann.Lee@Example.org");
  const auto by_id = store->user_by_id(created->id);
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->email, created->email);
  EXPECT_EQ(by_id->created_at, created->created_at);
}

TEST_F(IdentityStoreTest, NoPasswordIsAnEmptyHash) {
  const auto u = store->create_user(new_user("nopass@example.org", Role::viewer, ""));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->password_hash, "");
  EXPECT_EQ(count("SELECT count(*) FROM users WHERE password_hash IS NULL"), 1);
}

TEST_F(IdentityStoreTest, AnEmailTakenInAnyCaseIsAConflict) {
  ASSERT_TRUE(store->create_user(new_user("bob@example.org")).has_value());
  EXPECT_EQ(store->create_user(new_user("bob@example.org")).error(), core::Errc::conflict);
  EXPECT_EQ(store->create_user(new_user("BOB@Example.ORG")).error(), core::Errc::conflict);
  EXPECT_EQ(count("SELECT count(*) FROM users"), 1);
  // Ids are never reused: the failed inserts spent theirs.
  const auto next = store->create_user(new_user("carol@example.org"));
  ASSERT_TRUE(next.has_value());
  EXPECT_GT(next->id, 2);
}

TEST_F(IdentityStoreTest, UnknownUsersAreNotFound) {
  EXPECT_EQ(store->user_by_id(424242).error(), core::Errc::not_found);
  EXPECT_EQ(store->user_by_email("nobody@example.org").error(), core::Errc::not_found);
  EXPECT_EQ(store->update_user(424242, {}).error(), core::Errc::not_found);
  EXPECT_EQ(store->set_password(424242, "$argon2id$x").error(), core::Errc::not_found);
}

TEST_F(IdentityStoreTest, UpdateChangesOnlyTheGivenFields) {
  const auto id = user("dan@example.org");
  const auto before = store->user_by_id(id).value();
  storage::UserPatch patch;
  patch.first_name = "Daniel";
  patch.role = Role::admin;
  patch.capital = core::Money::from_units(99);
  patch.disabled = true;
  const auto after = store->update_user(id, patch);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->first_name, "Daniel");
  EXPECT_EQ(after->role, Role::admin);
  EXPECT_EQ(after->capital, core::Money::from_units(99));
  EXPECT_TRUE(after->disabled);
  EXPECT_EQ(after->email, before.email);
  EXPECT_EQ(after->last_name, before.last_name);
  EXPECT_EQ(after->password_hash, before.password_hash);
  EXPECT_GE(after->updated_at, before.updated_at);

  storage::UserPatch enable;
  enable.disabled = false;
  EXPECT_FALSE(store->update_user(id, enable)->disabled);
  EXPECT_EQ(store->update_user(id, {})->first_name, "Daniel");
}

TEST_F(IdentityStoreTest, UpdateToAnEmailTakenIsAConflict) {
  user("erin@example.org");
  const auto id = user("frank@example.org");
  storage::UserPatch patch;
  patch.email = "ERIN@example.org";
  EXPECT_EQ(store->update_user(id, patch).error(), core::Errc::conflict);
  patch.email = "Frank.New@example.org";
  EXPECT_EQ(store->update_user(id, patch)->email, "Frank.New@example.org");
}

TEST_F(IdentityStoreTest, ListsUsersByIdAndKnowsWhetherAnAdminCanLogIn) {
  EXPECT_FALSE(store->has_admin().value());
  const auto a = user("gina@example.org", Role::viewer);
  const auto b = store->create_user(new_user("root@example.org", Role::admin, "")).value().id;
  EXPECT_FALSE(store->has_admin().value()) << "an admin without a password can not log in";
  ASSERT_TRUE(store->set_password(b, "$argon2id$v=19$admin").has_value());
  EXPECT_TRUE(store->has_admin().value());
  storage::UserPatch disable;
  disable.disabled = true;
  ASSERT_TRUE(store->update_user(b, disable).has_value());
  EXPECT_FALSE(store->has_admin().value());

  const auto all = store->list_users();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a);
  EXPECT_EQ((*all)[1].id, b);
}

TEST_F(IdentityStoreTest, SetPasswordEndsEverySession) {
  const auto id = user("hal@example.org");
  const auto other = user("ivy@example.org");
  const auto t1 = login(id);
  const auto t2 = login(id);
  const auto kept = login(other);
  ASSERT_TRUE(store->set_password(id, "$argon2id$v=19$new").has_value());
  EXPECT_EQ(store->user_by_id(id)->password_hash, "$argon2id$v=19$new");
  EXPECT_EQ(rotate(t1, auth::new_refresh_token()).outcome, RotateOutcome::revoked);
  EXPECT_EQ(rotate(t2, auth::new_refresh_token()).outcome, RotateOutcome::revoked);
  EXPECT_EQ(rotate(kept, auth::new_refresh_token()).outcome, RotateOutcome::rotated);
}

TEST_F(IdentityStoreTest, RehashKeepsSessionsAndNeverUndoesAChangedPassword) {
  const auto id = user("jon@example.org");
  const auto session = login(id);
  const auto rehashed = store->rehash_password(id, "$argon2id$v=19$stub", "$argon2id$v=19$stronger");
  ASSERT_TRUE(rehashed.has_value());
  EXPECT_TRUE(*rehashed);
  EXPECT_EQ(store->user_by_id(id)->password_hash, "$argon2id$v=19$stronger");
  EXPECT_EQ(rotate(session, auth::new_refresh_token()).outcome, RotateOutcome::rotated);
  // A login that read the hash before a password change must not write the old password back.
  ASSERT_TRUE(store->set_password(id, "$argon2id$v=19$changed").has_value());
  const auto stale = store->rehash_password(id, "$argon2id$v=19$stronger", "$argon2id$v=19$stale");
  ASSERT_TRUE(stale.has_value());
  EXPECT_FALSE(*stale);
  EXPECT_EQ(store->user_by_id(id)->password_hash, "$argon2id$v=19$changed");
}

TEST_F(IdentityStoreTest, RotationReplacesTheTokenWithinItsFamily) {
  const auto id = user("jay@example.org");
  const auto t1 = login(id);
  const auto t2 = auth::new_refresh_token();
  const auto t3 = auth::new_refresh_token();
  const auto r1 = rotate(t1, t2);
  EXPECT_EQ(r1.outcome, RotateOutcome::rotated);
  EXPECT_EQ(r1.user_id, id);
  const auto r2 = rotate(t2, t3);
  EXPECT_EQ(r2.outcome, RotateOutcome::rotated);
  EXPECT_EQ(r2.user_id, id);
  EXPECT_EQ(count("SELECT count(DISTINCT family_id) FROM refresh_tokens"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens WHERE replaced_by IS NOT NULL"), 2);
  // The successor keeps the login's user agent and address.
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens WHERE user_agent = 'test' AND ip = '127.0.0.1'"), 3);
}

TEST_F(IdentityStoreTest, AReusedTokenRevokesItsWholeFamily) {
  const auto id = user("kim@example.org");
  const auto t1 = login(id);
  const auto t2 = auth::new_refresh_token();
  ASSERT_EQ(rotate(t1, t2).outcome, RotateOutcome::rotated);
  const auto other_login = login(id);

  const auto replay = rotate(t1, auth::new_refresh_token());
  EXPECT_EQ(replay.outcome, RotateOutcome::reused);
  EXPECT_EQ(replay.user_id, id);
  EXPECT_EQ(rotate(t2, auth::new_refresh_token()).outcome, RotateOutcome::revoked) << "the family is revoked";
  EXPECT_EQ(rotate(t1, auth::new_refresh_token()).outcome, RotateOutcome::reused) << "still a reuse";
  EXPECT_EQ(rotate(other_login, auth::new_refresh_token()).outcome, RotateOutcome::rotated)
      << "another login of the user is another family";
}

TEST_F(IdentityStoreTest, ExpiredAndUnknownTokensDoNotRotate) {
  const auto id = user("lou@example.org");
  const auto t1 = login(id);
  const auto expires = core::now() + hours(1);
  EXPECT_EQ(rotate(t1, auth::new_refresh_token(), expires + hours(1)).outcome, RotateOutcome::expired);
  EXPECT_EQ(rotate(auth::new_refresh_token(), auth::new_refresh_token()).outcome, RotateOutcome::unknown);
  EXPECT_EQ(rotate(t1, auth::new_refresh_token()).outcome, RotateOutcome::rotated)
      << "an expired check changes nothing";
}

TEST_F(IdentityStoreTest, LogoutRevokesTheFamily) {
  const auto id = user("max@example.org");
  const auto t1 = login(id);
  const auto t2 = auth::new_refresh_token();
  ASSERT_EQ(rotate(t1, t2).outcome, RotateOutcome::rotated);
  ASSERT_TRUE(store->revoke_refresh_family(t2.digest).has_value());
  EXPECT_EQ(rotate(t2, auth::new_refresh_token()).outcome, RotateOutcome::revoked);
  EXPECT_TRUE(store->revoke_refresh_family(t2.digest).has_value()) << "a second logout is not an error";
  EXPECT_EQ(store->revoke_refresh_family(auth::new_refresh_token().digest).error(), core::Errc::not_found);
}

TEST_F(IdentityStoreTest, RevokeAllEndsEveryLoginOfTheUser) {
  const auto id = user("ned@example.org");
  const auto a = login(id);
  const auto b = login(id);
  ASSERT_TRUE(store->revoke_all_refresh(id).has_value());
  EXPECT_EQ(rotate(a, auth::new_refresh_token()).outcome, RotateOutcome::revoked);
  EXPECT_EQ(rotate(b, auth::new_refresh_token()).outcome, RotateOutcome::revoked);
}

TEST_F(IdentityStoreTest, RefreshIssueIsChecked) {
  const auto id = user("oz@example.org");
  storage::RefreshIssue issue;
  issue.user_id = id;
  issue.digest = auth::new_refresh_token().digest;
  issue.expires_at = core::now() + hours(1);
  issue.address = "not an address";
  EXPECT_EQ(store->store_refresh(issue).error(), core::Errc::invalid_argument);
  issue.address = "::1";
  issue.user_agent = std::string(300, 'x') + "\xC3\xA9";
  issue.user_agent[3] = '\n';
  ASSERT_TRUE(store->store_refresh(issue).has_value());
  EXPECT_EQ(count("SELECT octet_length(user_agent) FROM refresh_tokens"), 256);
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens WHERE user_agent LIKE 'xxx?x%'"), 1);
  EXPECT_EQ(store->store_refresh(issue).error(), core::Errc::conflict) << "the same digest twice";
  issue.digest = auth::new_refresh_token().digest;
  issue.user_id = 424242;
  EXPECT_EQ(store->store_refresh(issue).error(), core::Errc::not_found);
}

// Two daemons (two stores, two connections) rotate the same token at once: the row lock makes
// one wait for the other, so exactly one rotates and the other is a reuse.
TEST_F(IdentityStoreTest, OfTwoConcurrentRotationsExactlyOneWins) {
  storage::IdentityStore second(url());
  const auto id = user("pat@example.org");
  for (int round = 0; round < 10; ++round) {
    const auto t1 = login(id);
    const auto next_a = auth::new_refresh_token();
    const auto next_b = auth::new_refresh_token();
    std::latch start(2);
    storage::Rotation a, b;
    std::thread ta([&] {
      start.arrive_and_wait();
      a = store->rotate_refresh(t1.digest, next_a.digest, core::now(), core::now() + hours(1)).value();
    });
    std::thread tb([&] {
      start.arrive_and_wait();
      b = second.rotate_refresh(t1.digest, next_b.digest, core::now(), core::now() + hours(1)).value();
    });
    ta.join();
    tb.join();
    const int rotated = (a.outcome == RotateOutcome::rotated) + (b.outcome == RotateOutcome::rotated);
    const int reused = (a.outcome == RotateOutcome::reused) + (b.outcome == RotateOutcome::reused);
    ASSERT_EQ(rotated, 1) << "round " << round;
    ASSERT_EQ(reused, 1) << "round " << round;
    // The reuse revoked the family, the winner's new token included.
    const auto& winner = a.outcome == RotateOutcome::rotated ? next_a : next_b;
    EXPECT_EQ(rotate(winner, auth::new_refresh_token()).outcome, RotateOutcome::revoked);
  }
}

storage::NewApiKey new_key(std::int64_t user_id, std::string name, std::vector<std::int64_t> scope = {}) {
  const auto key = auth::new_api_key();
  storage::NewApiKey k;
  k.user_id = user_id;
  k.name = std::move(name);
  k.hint = auth::api_key_hint(key.text);
  k.digest = key.digest;
  k.role = Role::viewer;
  k.portfolio_scope = std::move(scope);
  return k;
}

TEST_F(IdentityStoreTest, ApiKeysAreCreatedListedAndRevoked) {
  const auto id = user("quinn@example.org");
  const auto other = user("ray@example.org");
  auto first_key = new_key(id, "script", {3, 1});
  first_key.role = Role::trader;
  const auto first = store->create_api_key(first_key);
  ASSERT_TRUE(first.has_value());
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->user_id, id);
  EXPECT_EQ(first->name, "script");
  EXPECT_EQ(first->hint, first_key.hint);
  EXPECT_EQ(first->role, Role::trader);
  EXPECT_EQ(first->portfolio_scope, (std::vector<std::int64_t>{3, 1}));
  EXPECT_FALSE(first->last_used_at.has_value());
  EXPECT_FALSE(first->revoked_at.has_value());
  const auto second = store->create_api_key(new_key(id, "all portfolios"));
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->portfolio_scope.empty());
  ASSERT_TRUE(store->create_api_key(new_key(other, "ray's")).has_value());

  auto live = store->live_api_keys();
  ASSERT_TRUE(live.has_value());
  ASSERT_EQ(live->size(), 3u);
  EXPECT_EQ((*live)[0].first, first_key.digest);
  EXPECT_EQ((*live)[0].second.id, first->id);

  EXPECT_EQ(store->revoke_api_key(other, first->id).error(), core::Errc::not_found) << "not ray's key";
  const auto revoked = store->revoke_api_key(id, first->id);
  ASSERT_TRUE(revoked.has_value());
  EXPECT_TRUE(revoked->revoked_at.has_value());
  EXPECT_EQ(store->revoke_api_key(id, first->id).error(), core::Errc::not_found) << "already revoked";

  live = store->live_api_keys();
  ASSERT_EQ(live->size(), 2u);
  for (const auto& [digest, key] : *live) EXPECT_NE(key.id, first->id);
  const auto listed = store->list_api_keys(id);
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 2u) << "the owner's keys, revoked ones included";
  EXPECT_TRUE((*listed)[0].revoked_at.has_value());
  EXPECT_FALSE((*listed)[1].revoked_at.has_value());
  EXPECT_TRUE(store->list_api_keys(424242)->empty());
}

TEST_F(IdentityStoreTest, ApiKeyInsertsAreChecked) {
  const auto id = user("sam@example.org");
  const auto key = new_key(id, "one");
  ASSERT_TRUE(store->create_api_key(key).has_value());
  EXPECT_EQ(store->create_api_key(key).error(), core::Errc::conflict) << "the same digest";
  EXPECT_EQ(store->create_api_key(new_key(424242, "nobody's")).error(), core::Errc::not_found);
  auto anonymous = new_key(id, "anonymous");
  anonymous.role = Role::anonymous;
  EXPECT_EQ(store->create_api_key(anonymous).error(), core::Errc::invalid_argument);
}

TEST_F(IdentityStoreTest, TouchRecordsTheLatestUse) {
  const auto id = user("tia@example.org");
  const auto a = store->create_api_key(new_key(id, "a")).value();
  const auto b = store->create_api_key(new_key(id, "b")).value();
  const core::Timestamp t1{seconds(1'800'000'000)};
  const core::Timestamp t2 = t1 + seconds(90);
  ASSERT_TRUE(store->touch_api_keys({{a.id, t1}, {a.id, t2}, {424242, t1}}).has_value());
  ASSERT_TRUE(store->touch_api_keys({}).has_value());
  auto keys = store->list_api_keys(id).value();
  EXPECT_EQ(keys[0].last_used_at, t2);
  EXPECT_FALSE(keys[1].last_used_at.has_value());
  ASSERT_TRUE(store->touch_api_keys({{a.id, t1}, {b.id, t1}}).has_value());
  keys = store->list_api_keys(id).value();
  EXPECT_EQ(keys[0].last_used_at, t2) << "a late batch never moves a time back";
  EXPECT_EQ(keys[1].last_used_at, t1);
}

TEST_F(IdentityStoreTest, DeletingAUserDeletesItsKeysAndTokens) {
  const auto id = user("uma@example.org");
  ASSERT_TRUE(store->create_api_key(new_key(id, "k")).has_value());
  login(id);
  pqxx::connection conn(url());
  pqxx::nontransaction q(conn);
  q.exec_params0("DELETE FROM users WHERE id = $1", id);
  EXPECT_EQ(count("SELECT count(*) FROM access_keys"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens"), 0);
}

TEST(IdentityStoreDown, EveryCallIsUnavailable) {
  storage::IdentityStore down("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  const auto t = auth::new_refresh_token();
  EXPECT_EQ(down.create_user(new_user("x@example.org")).error(), core::Errc::unavailable);
  EXPECT_EQ(down.user_by_id(1).error(), core::Errc::unavailable);
  EXPECT_EQ(down.user_by_email("x@example.org").error(), core::Errc::unavailable);
  EXPECT_EQ(down.list_users().error(), core::Errc::unavailable);
  EXPECT_EQ(down.has_admin().error(), core::Errc::unavailable);
  EXPECT_EQ(down.rotate_refresh(t.digest, t.digest, core::now(), core::now() + hours(1)).error(),
            core::Errc::unavailable);
  EXPECT_EQ(down.revoke_refresh_family(t.digest).error(), core::Errc::unavailable);
  EXPECT_EQ(down.live_api_keys().error(), core::Errc::unavailable);
  EXPECT_EQ(down.touch_api_keys({{1, core::now()}}).error(), core::Errc::unavailable);
}

// The server ends the store's connection (a restart, an idle timeout): the next call opens a
// new one and succeeds.
TEST_F(IdentityStoreTest, ADroppedConnectionIsReopened) {
  const auto id = user("vic@example.org");
  {
    pqxx::connection conn(url());
    pqxx::nontransaction q(conn);
    const auto ended = q.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid()");
    ASSERT_EQ(ended.size(), 1u);
  }
  const auto again = store->user_by_id(id);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(again->email, "vic@example.org");
}

}  // namespace
}  // namespace meridian::it
