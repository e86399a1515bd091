#pragma once
// The one enforcement point of the route table's roles: HttpSession::dispatch asks admit()
// about every matched route before its handler runs; nothing else decides who may call a route
// (handlers only refine it, e.g. lifting a risk state needs an admin).
//
// Contract (auth enforced):
// - an anonymous route admits everyone; a caller whose credentials are valid is known to it,
//   a caller with bad credentials is anonymous there (a stale token never locks anyone out of
//   /health or /api/auth/login);
// - with public_read, a viewer route admits callers who present no credentials at all (bad
//   credentials are still 401, so a client learns its token expired);
// - otherwise: no or invalid credentials -> 401 unauthenticated, details.reason saying why;
//   a principal below the route's role -> 403 forbidden, details {needs, role}.
// Not enforced (--auth off): everyone is admitted, as the anonymous principal.
#include <string_view>

#include "meridian/api/api_error.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/auth/principal.hpp"
#include "meridian/core/error.hpp"

namespace meridian::api {

// Why a request's credentials name no principal. `reason` is a static string, the reason code
// of the 401 reply: "missing" (nothing presented), "malformed", "unsupported_scheme",
// "expired", "bad_signature", "bad_algorithm", "unknown_key", "revoked_key", "user_disabled", ...
struct AuthFailure {
  std::string_view reason;
  bool presented() const noexcept { return reason != kMissing; }
  static constexpr std::string_view kMissing = "missing";
};
using Credentials = core::Result<auth::Principal, AuthFailure>;

struct AuthPolicy {
  bool enforce = false;
  bool public_read = false;  // API.md's auth.public_read: viewer routes open to anonymous callers
  // WebSocket clients without credentials get public market data (prices, bars, candles);
  // false: a socket must authenticate within kWsAuthWindow of connecting or is closed (1008).
  bool ws_anonymous = true;
};

// The principal a route's handler sees, or the 401/403 refusal (error_response adds the
// WWW-Authenticate header of a 401).
ApiResult<auth::Principal> admit(Role need, const Credentials& credentials, AuthPolicy policy);

}  // namespace meridian::api
