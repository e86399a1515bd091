#pragma once
// Who may see which portfolio: the one place that decides it (issue 13, ownership). REST
// routes reach a portfolio (and through it its orders, trades, strategies and risk) only by
// resolve_portfolio (portfolio_ref.hpp), which asks may_see; lists across portfolios keep what
// may_see admits; the WebSocket asks it before it hands a caller a portfolio's events. A
// portfolio a caller may not see is answered exactly like one that does not exist (404
// not_found), so ids do not leak.
//
// Contract, with auth enforced (ApiContext::enforce_auth):
// - an admin sees every portfolio; any other user sees the portfolios they own
//   (PortfolioEntry::owner_id == Principal::user_id);
// - a portfolio without an owner (owner_id 0: the daemon's default portfolio, portfolios made
//   before sql/011 or while auth was off) is the admins' only;
// - an anonymous caller (admitted by --public-read) sees no portfolio: public reads are market
//   data and the daemon's status, never anyone's holdings;
// - a request made with an API key sees only portfolios in the key's scope
//   (Principal::in_scope), an admin's key too.
// Not enforced (--auth off): everyone sees every portfolio, as before owners existed.
//
// Pure functions of their arguments: any thread.
#include <cstdint>
#include <optional>

#include "meridian/auth/principal.hpp"
#include "meridian/engine/engine_runner.hpp"

namespace meridian::api {

bool may_see(const auth::Principal& who, const engine::PortfolioEntry& portfolio, bool enforce) noexcept;

// may_see, narrowed by an owner filter (an admin's `user_id=`: only that user's portfolios).
bool may_see(const auth::Principal& who, const engine::PortfolioEntry& portfolio, bool enforce,
             std::optional<std::int64_t> owner) noexcept;

// The owner of a portfolio `who` creates: the caller; 0 (none) with auth off.
std::int64_t owner_of_new(const auth::Principal& who, bool enforce) noexcept;

// Whether the caller may narrow what they see to another user's portfolios (`user_id=`):
// admins, with auth enforced. Anyone else's `user_id` is replaced by who they are.
bool may_filter_by_owner(const auth::Principal& who, bool enforce) noexcept;

// The portfolio a request means when it names none (/api/trading/* without ?portfolio=): the
// daemon's default portfolio when the caller may see it (auth off, an admin), else the caller's
// visible portfolio with the lowest id (a user's first own one), else null (the caller has none).
// `owner` narrows as in may_see.
const engine::PortfolioEntry* default_for(const auth::Principal& who, const engine::PortfolioDirectory& directory,
                                          engine::PortfolioId default_id, bool enforce,
                                          std::optional<std::int64_t> owner = std::nullopt) noexcept;

}  // namespace meridian::api
