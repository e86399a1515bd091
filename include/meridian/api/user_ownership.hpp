#pragma once
// Ownership (api/ownership.hpp's rules) of what belongs to a user rather than a portfolio: a
// backtest. With auth enforced an admin sees every one, any other user only their own, an
// anonymous caller none; `owner` 0 (none: made with auth off) is the admins' only. Not
// enforced: everyone sees everything. REST (routes_backtest.cpp) and the WebSocket (a
// WsTarget's user) both ask it. Pure: any thread.
#include <cstdint>

#include "meridian/auth/principal.hpp"

namespace meridian::api {

bool may_see_owned(const auth::Principal& who, std::int64_t owner, bool enforce) noexcept;

}  // namespace meridian::api
