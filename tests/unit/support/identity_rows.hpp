#pragma once
// Rows of the identity tables as storage would load them, for tests and fuzz targets that fill
// api::Identity's tables directly (Identity::load_tables) instead of through a database.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "meridian/auth/role.hpp"
#include "meridian/storage/identity_store.hpp"

namespace meridian::test {

// User `id` (user<id>@example.com) with `role`.
inline storage::UserRecord user_row(std::int64_t id, auth::Role role, bool disabled = false) {
  storage::UserRecord u;
  u.id = id;
  u.email = "user" + std::to_string(id) + "@example.com";
  u.role = role;
  u.disabled = disabled;
  return u;
}

// API key `id` of `user_id` granting `role` over `scope` (empty: every portfolio of the user).
inline storage::ApiKeyRecord key_row(std::int64_t id, std::int64_t user_id, auth::Role role,
                                     std::vector<std::int64_t> scope = {}) {
  storage::ApiKeyRecord k;
  k.id = id;
  k.user_id = user_id;
  k.name = "key" + std::to_string(id);
  k.role = role;
  k.portfolio_scope = std::move(scope);
  return k;
}

}  // namespace meridian::test
