#pragma once
// The caller of a request, once its credentials are checked: what every authorisation and
// ownership decision and every audit row is made from.
#include <cstdint>
#include <string>
#include <vector>

#include "meridian/auth/role.hpp"

namespace meridian::auth {

struct Principal {
  std::int64_t user_id = 0;  // 0: anonymous
  Role role = Role::anonymous;
  // The API key the request came with (0: an access token or nobody). A key's role is at most
  // its owner's role when it was created.
  std::int64_t api_key_id = 0;
  // An API key may be limited to some portfolios; empty means every portfolio the user owns.
  std::vector<std::int64_t> portfolio_scope;

  bool anonymous() const noexcept { return user_id == 0; }
  // Whether this caller may use a route or action that needs `need`.
  bool may(Role need) const noexcept { return role >= need; }
  // Whether the caller's key scope admits `portfolio` (ownership is checked separately).
  bool in_scope(std::int64_t portfolio) const noexcept;
};

}  // namespace meridian::auth
