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
//
// Gate (below) is that decision as the server runs it, with the two checks that come before
// it: a route marked `scrape` (/metrics) and the request rate limit.
#include <chrono>
#include <optional>
#include <string_view>

#include "meridian/api/api_error.hpp"
#include "meridian/api/client_address.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/api/rate_limiter.hpp"
#include "meridian/auth/principal.hpp"
#include "meridian/auth/shared_secret.hpp"
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

// The credential of an `Authorization: Bearer <credential>` header (the scheme without case,
// blanks around it trimmed); AuthFailure "missing" without the header, "malformed" for an
// empty or repeated one, "unsupported_scheme" for another scheme.
core::Result<std::string_view, AuthFailure> bearer_of(const HttpRequest& req);

// A `scrape` route's rule (/metrics, for Prometheus): a caller presenting an Authorization
// header must present `Bearer <the metrics token>`, wherever it calls from (a misconfigured
// scraper is told, not served because it happens to be local); a caller presenting nothing is
// admitted from loopback only. Otherwise 401 unauthenticated, details.reason "missing" or
// "invalid_metrics_token". `token` null: no token is configured, so only loopback is admitted.
std::optional<ApiError> scrape_refusal(const HttpRequest& req, const ClientAddress& from,
                                       const auth::SharedSecret* token);

class Identity;  // identity.hpp
struct Route;    // router.hpp

// Per routed request, on any I/O thread, in this order:
// 1. a `scrape` route: scrape_refusal (its credentials are not the API's, so nobody is
//    authenticated there);
// 2. authentication (when enforced): Identity::authenticate, which never waits;
// 3. the rate limit (when enabled): the budget of the principal authenticated, or else of the
//    caller's address, so bad credentials spend the address's; refused: 429
//    too_many_requests with Retry-After (error_response);
// 4. admit() above.
class Gate {
 public:
  // `identity` may be null only when auth is not enforced (std::invalid_argument otherwise).
  Gate(AuthPolicy policy, Identity* identity, RateLimit rate_limit, std::optional<auth::SharedSecret> metrics_token);

  // `seen` (optional) receives the credentials as authenticated, refused or not (the audit
  // trail names who tried).
  ApiResult<auth::Principal> admit(const Route& route, const HttpRequest& req, std::string_view address,
                                   RateLimiter::Clock::time_point now, Credentials* seen = nullptr);
  ApiResult<auth::Principal> admit(const Route& route, const HttpRequest& req, std::string_view address,
                                   Credentials* seen = nullptr) {
    return admit(route, req, address, RateLimiter::Clock::now(), seen);
  }

  // Step 3 alone, for what is not a route: WebSocket upgrades (their credentials as checked),
  // static files and unknown paths (anonymous: the address's budget). nullopt: within budget.
  std::optional<ApiError> throttle(const Credentials& credentials, std::string_view address,
                                   RateLimiter::Clock::time_point now = RateLimiter::Clock::now());

 private:
  std::optional<ApiError> throttle(const Credentials& credentials, const ClientAddress& from,
                                   RateLimiter::Clock::time_point now);

  AuthPolicy policy_;
  Identity* identity_;
  std::optional<RateLimiter> limiter_;
  std::optional<auth::SharedSecret> metrics_token_;
};

}  // namespace meridian::api
