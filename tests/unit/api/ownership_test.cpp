// Who may see which portfolio (ownership.hpp): admins every one, users their own, nobody an
// unowned one but admins, API keys only their scope, everyone everything with auth off.
#include "meridian/api/ownership.hpp"

#include <gtest/gtest.h>

using namespace meridian;

namespace {

engine::PortfolioEntry portfolio(engine::PortfolioId id, std::int64_t owner) {
  engine::PortfolioEntry e;
  e.id = id;
  e.name = "p" + std::to_string(id);
  e.owner_id = owner;
  return e;
}

auth::Principal caller(std::int64_t user, auth::Role role, std::vector<std::int64_t> scope = {}) {
  auth::Principal p;
  p.user_id = user;
  p.role = role;
  p.api_key_id = scope.empty() ? 0 : 99;
  p.portfolio_scope = std::move(scope);
  return p;
}

const auto kUnowned = portfolio(1, 0);
const auto kAnns = portfolio(2, 10);
const auto kBobs = portfolio(3, 11);

TEST(Ownership, AUserSeesOnlyTheirOwnWhateverTheirRole) {
  for (auto role : {auth::Role::viewer, auth::Role::trader}) {
    const auto ann = caller(10, role);
    EXPECT_TRUE(api::may_see(ann, kAnns, true));
    EXPECT_FALSE(api::may_see(ann, kBobs, true));
    EXPECT_FALSE(api::may_see(ann, kUnowned, true)) << "an unowned portfolio is the admins'";
  }
}

TEST(Ownership, AnAdminSeesEveryPortfolio) {
  const auto root = caller(1, auth::Role::admin);
  for (const auto& p : {kUnowned, kAnns, kBobs}) EXPECT_TRUE(api::may_see(root, p, true)) << p.id;
}

TEST(Ownership, AnonymousCallersSeeNoneEvenAnUnownedOne) {
  const auth::Principal nobody{};
  for (const auto& p : {kUnowned, kAnns, kBobs}) EXPECT_FALSE(api::may_see(nobody, p, true)) << p.id;
  // A principal without a user (never made by the gate) with an admin role still sees nothing.
  EXPECT_FALSE(api::may_see(caller(0, auth::Role::admin), kUnowned, true));
}

TEST(Ownership, AnApiKeySeesOnlyItsScope) {
  EXPECT_TRUE(api::may_see(caller(10, auth::Role::trader, {2}), kAnns, true));
  EXPECT_FALSE(api::may_see(caller(10, auth::Role::trader, {5}), kAnns, true)) << "own, but not in scope";
  EXPECT_FALSE(api::may_see(caller(10, auth::Role::trader, {3}), kBobs, true)) << "in scope, but not own";
  EXPECT_TRUE(api::may_see(caller(1, auth::Role::admin, {3}), kBobs, true));
  EXPECT_FALSE(api::may_see(caller(1, auth::Role::admin, {3}), kAnns, true)) << "an admin's key too";
}

TEST(Ownership, WithAuthOffEveryoneSeesEverything) {
  for (const auto& who : {auth::Principal{}, caller(10, auth::Role::viewer), caller(10, auth::Role::trader, {7})})
    for (const auto& p : {kUnowned, kAnns, kBobs}) EXPECT_TRUE(api::may_see(who, p, false)) << p.id;
}

TEST(Ownership, AnOwnerFilterNarrows) {
  const auto root = caller(1, auth::Role::admin);
  EXPECT_TRUE(api::may_see(root, kAnns, true, 10));
  EXPECT_FALSE(api::may_see(root, kBobs, true, 10));
  EXPECT_FALSE(api::may_see(root, kUnowned, true, 10));
  EXPECT_FALSE(api::may_see(caller(10, auth::Role::trader), kBobs, true, 11)) << "a filter never widens";
  EXPECT_TRUE(api::may_filter_by_owner(root, true));
  EXPECT_FALSE(api::may_filter_by_owner(root, false));
  EXPECT_FALSE(api::may_filter_by_owner(caller(10, auth::Role::trader), true));
  EXPECT_FALSE(api::may_filter_by_owner(auth::Principal{}, true));
}

TEST(Ownership, ANewPortfolioIsItsCreatorsWithAuthOn) {
  EXPECT_EQ(api::owner_of_new(caller(10, auth::Role::trader), true), 10);
  EXPECT_EQ(api::owner_of_new(caller(10, auth::Role::trader), false), 0);
  EXPECT_EQ(api::owner_of_new(auth::Principal{}, false), 0);
}

TEST(Ownership, TheDefaultIsTheDaemonsWhenVisibleElseTheFirstVisible) {
  const engine::PortfolioDirectory dir{kUnowned, portfolio(7, 10), kBobs, kAnns};
  auto id = [&](const auth::Principal& who, bool enforce, std::optional<std::int64_t> owner = std::nullopt) {
    const auto* e = api::default_for(who, dir, 1, enforce, owner);
    return e ? e->id : engine::PortfolioId{0};
  };
  EXPECT_EQ(id(auth::Principal{}, false), 1) << "auth off";
  EXPECT_EQ(id(caller(1, auth::Role::admin), true), 1);
  EXPECT_EQ(id(caller(10, auth::Role::trader), true), 2) << "the lowest id, not directory order";
  EXPECT_EQ(id(caller(11, auth::Role::viewer), true), 3);
  EXPECT_EQ(id(caller(12, auth::Role::trader), true), 0) << "none";
  EXPECT_EQ(id(auth::Principal{}, true), 0);
  EXPECT_EQ(id(caller(1, auth::Role::admin), true, 10), 2);
  EXPECT_EQ(id(caller(1, auth::Role::admin, {7, 3}), true), 3);
  EXPECT_EQ(id(caller(10, auth::Role::trader, {7}), true), 7);
}

}  // namespace
