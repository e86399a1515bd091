#include "meridian/auth/role.hpp"
#include "meridian/auth/principal.hpp"

#include <algorithm>

namespace meridian::auth {

std::string_view to_string(Role r) noexcept {
  switch (r) {
    case Role::anonymous: return "anonymous";
    case Role::viewer: return "viewer";
    case Role::trader: return "trader";
    case Role::admin: return "admin";
  }
  return "anonymous";
}

std::optional<Role> parse_role(std::string_view text) noexcept {
  if (text == "viewer") return Role::viewer;
  if (text == "trader") return Role::trader;
  if (text == "admin") return Role::admin;
  return std::nullopt;
}

bool Principal::in_scope(std::int64_t portfolio) const noexcept {
  return portfolio_scope.empty() ||
         std::find(portfolio_scope.begin(), portfolio_scope.end(), portfolio) != portfolio_scope.end();
}

}  // namespace meridian::auth
