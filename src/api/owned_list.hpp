#pragma once
// Which owner a list of user-owned rows (backtests, decisions) is narrowed to, by
// api/ownership.hpp's rules: none with auth off; for an admin, the `user_id` they asked for (0:
// none, every row); for anyone else, themselves (their `user_id` is ignored). Pure: any thread.
#include <cstdint>
#include <limits>
#include <optional>

#include "meridian/api/ownership.hpp"
#include "query.hpp"

namespace meridian::api {

inline std::optional<std::int64_t> owned_list_filter(const auth::Principal& who, bool enforce,
                                                     std::int64_t requested) noexcept {
  if (may_filter_by_owner(who, enforce)) return requested ? std::optional(requested) : std::nullopt;
  if (enforce) return who.user_id;
  return std::nullopt;
}

// A page of such a list: `limit` (1..max_limit), `before` (an id cursor), an admin's `user_id`;
// 400 invalid_parameter naming the parameter out of range.
struct OwnedPage {
  std::size_t limit = 0;
  std::int64_t before = 0;  // 0: from the newest
  std::optional<std::int64_t> owner;
};

inline Parsed<OwnedPage> owned_page(const Request& req, bool enforce, long long default_limit, long long max_limit) {
  constexpr auto kMaxId = std::numeric_limits<long long>::max();
  auto limit = int_param(req, "limit", 1, max_limit, default_limit);
  if (!limit) return limit.error();
  auto before = int_param(req, "before", 1, kMaxId, 0);
  if (!before) return before.error();
  auto user_id = int_param(req, "user_id", 1, kMaxId, 0);
  if (!user_id) return user_id.error();
  return OwnedPage{static_cast<std::size_t>(*limit), *before, owned_list_filter(req.principal, enforce, *user_id)};
}

}  // namespace meridian::api
