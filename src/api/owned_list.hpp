#pragma once
// Which owner a list of user-owned rows (backtests, decisions) is narrowed to, by
// api/ownership.hpp's rules: none with auth off; for an admin, the `user_id` they asked for (0:
// none, every row); for anyone else, themselves (their `user_id` is ignored). Pure: any thread.
#include <cstdint>
#include <optional>

#include "meridian/api/ownership.hpp"

namespace meridian::api {

inline std::optional<std::int64_t> owned_list_filter(const auth::Principal& who, bool enforce,
                                                     std::int64_t requested) noexcept {
  if (may_filter_by_owner(who, enforce)) return requested ? std::optional(requested) : std::nullopt;
  if (enforce) return who.user_id;
  return std::nullopt;
}

}  // namespace meridian::api
