#pragma once
// Who may do what: viewer reads, trader trades and controls sessions and strategies, admin manages
// users, other users' limits and the daemon. anonymous is an unauthenticated caller.
//
// Contract: the order is the privilege order (viewer < trader < admin), so "may a caller with
// `have` use a route needing `need`" is `have >= need`. Stored as text ('viewer', 'trader',
// 'admin') in users.role and access_keys.role.
#include <cstdint>
#include <optional>
#include <string_view>

namespace meridian::auth {

enum class Role : std::uint8_t { anonymous, viewer, trader, admin };

std::string_view to_string(Role r) noexcept;
// "viewer", "trader" or "admin" (exact, lower case); anything else, "anonymous" included: nullopt.
std::optional<Role> parse_role(std::string_view text) noexcept;

}  // namespace meridian::auth
