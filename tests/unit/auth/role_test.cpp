#include "meridian/auth/role.hpp"
#include "meridian/auth/principal.hpp"

#include <gtest/gtest.h>

namespace meridian::auth {
namespace {

TEST(Role, TextRoundTripsAndOnlyTheThreeStoredRolesParse) {
  for (auto r : {Role::viewer, Role::trader, Role::admin}) EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_EQ(to_string(Role::anonymous), "anonymous");
  EXPECT_FALSE(parse_role("anonymous").has_value());
  EXPECT_FALSE(parse_role("Admin").has_value());
  EXPECT_FALSE(parse_role("").has_value());
  EXPECT_FALSE(parse_role("admin ").has_value());
}

TEST(Principal, MayFollowsThePrivilegeOrder) {
  Principal p;
  EXPECT_TRUE(p.anonymous());
  EXPECT_FALSE(p.may(Role::viewer));
  p.user_id = 3;
  p.role = Role::trader;
  EXPECT_TRUE(p.may(Role::viewer));
  EXPECT_TRUE(p.may(Role::trader));
  EXPECT_FALSE(p.may(Role::admin));
}

TEST(Principal, EmptyScopeAdmitsEveryPortfolio) {
  Principal p{3, Role::trader, 0, {}};
  EXPECT_TRUE(p.in_scope(1));
  p.portfolio_scope = {2, 5};
  EXPECT_TRUE(p.in_scope(5));
  EXPECT_FALSE(p.in_scope(1));
}

}  // namespace
}  // namespace meridian::auth
