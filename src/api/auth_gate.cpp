#include "meridian/api/auth_gate.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "meridian/api/identity.hpp"
#include "meridian/api/router.hpp"

namespace meridian::api {

namespace {
ApiError unauthenticated(std::string_view reason) {
  const bool presented = reason != AuthFailure::kMissing;
  return api_error(http::status::unauthorized, "unauthenticated",
                   presented ? "the credentials are not valid (" + std::string(reason) + ")"
                             : std::string("this route needs credentials: Authorization: Bearer <token> or X-API-Key"),
                   {{"reason", reason}});
}

// An `Authorization` scheme compares without case (RFC 9110 section 11.1).
bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

ApiResult<auth::Principal> admit(Role need, const Credentials& credentials, AuthPolicy policy) {
  if (!policy.enforce || need == Role::anonymous)
    return credentials && policy.enforce ? *credentials : auth::Principal{};
  if (!credentials) {
    if (policy.public_read && need == Role::viewer && !credentials.error().presented()) return auth::Principal{};
    return unauthenticated(credentials.error().reason);
  }
  if (!authorized(credentials->role, need, true))
    return api_error(http::status::forbidden, "forbidden",
                     "this route needs the " + std::string(to_string(need)) + " role",
                     {{"needs", to_string(need)}, {"role", to_string(credentials->role)}});
  return *credentials;
}

core::Result<std::string_view, AuthFailure> bearer_of(const HttpRequest& req) {
  // One lookup of the header set for both questions (none, more than one): this runs on every
  // request with auth on.
  const auto [authorization, end] = req.equal_range(http::field::authorization);
  if (authorization == end) return AuthFailure{AuthFailure::kMissing};
  if (std::next(authorization) != end) return AuthFailure{"malformed"};
  const auto value = trim(authorization->value());
  if (value.empty()) return AuthFailure{"malformed"};
  const auto space = std::min(value.find(' '), value.size());
  if (!iequals(value.substr(0, space), "Bearer")) return AuthFailure{"unsupported_scheme"};
  const auto bearer = trim(value.substr(space));
  if (bearer.empty()) return AuthFailure{"malformed"};
  // In place: a string_view would convert to an AuthFailure as well.
  return {boost::system::in_place_value, bearer};
}

std::optional<ApiError> scrape_refusal(const HttpRequest& req, const ClientAddress& from,
                                       const auth::SharedSecret* token) {
  const auto bearer = bearer_of(req);
  if (!bearer && !bearer.error().presented()) {
    if (from.loopback) return std::nullopt;
    return api_error(http::status::unauthorized, "unauthenticated",
                     token ? "this route answers loopback callers, and others presenting the metrics token "
                             "(Authorization: Bearer <token>)"
                           : "this route answers loopback callers only (no --metrics-token is configured)",
                     {{"reason", AuthFailure::kMissing}});
  }
  if (bearer && token && token->matches(*bearer)) return std::nullopt;
  return api_error(http::status::unauthorized, "unauthenticated", "the metrics token is not valid",
                   {{"reason", "invalid_metrics_token"}});
}

Gate::Gate(AuthPolicy policy, Identity* identity, RateLimit rate_limit, std::optional<auth::SharedSecret> metrics_token)
    : policy_(policy), identity_(identity), metrics_token_(std::move(metrics_token)) {
  if (policy_.enforce && !identity_) throw std::invalid_argument("auth is enforced without an Identity");
  if (rate_limit.enabled()) limiter_.emplace(rate_limit);
}

ApiResult<auth::Principal> Gate::admit(const Route& route, const HttpRequest& req, std::string_view address,
                                       RateLimiter::Clock::time_point now, Credentials* seen) {
  const auto from = ClientAddress::parse(address);
  if (route.scrape)
    if (auto refused = scrape_refusal(req, from, metrics_token_ ? &*metrics_token_ : nullptr)) return *refused;
  const Credentials credentials =
      policy_.enforce && !route.scrape ? identity_->authenticate(req) : Credentials(AuthFailure{AuthFailure::kMissing});
  if (seen) *seen = credentials;
  if (auto refused = throttle(credentials, from, now)) return std::move(*refused);
  return api::admit(route.role, credentials, policy_);
}

std::optional<ApiError> Gate::throttle(const Credentials& credentials, std::string_view address,
                                       RateLimiter::Clock::time_point now) {
  if (!limiter_) return std::nullopt;
  return throttle(credentials, ClientAddress::parse(address), now);
}

std::optional<ApiError> Gate::throttle(const Credentials& credentials, const ClientAddress& from,
                                       RateLimiter::Clock::time_point now) {
  if (!limiter_) return std::nullopt;
  static const auth::Principal kNobody{};
  if (auto wait = limiter_->acquire(RateKey::of(credentials ? *credentials : kNobody, from), now))
    return too_many_requests("too many requests; slow down and retry after the time in Retry-After",
                             std::chrono::ceil<std::chrono::seconds>(*wait));
  return std::nullopt;
}

}  // namespace meridian::api
