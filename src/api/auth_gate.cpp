#include "meridian/api/auth_gate.hpp"

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

}  // namespace meridian::api
