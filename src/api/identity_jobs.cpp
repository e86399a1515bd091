#include "identity_jobs.hpp"

#include <charconv>

namespace meridian::api {

namespace {
// What a refresh token keeps of a client's User-Agent.
constexpr std::size_t kMaxUserAgent = 256;
}  // namespace

HttpResponse busy_response(const Request& req) {
  auto res = error_response(req, http::status::service_unavailable, "busy",
                            "too many sign-in and account requests are waiting; retry in a moment");
  res.set(http::field::retry_after, "1");
  return res;
}

ApiResult<Identity*> identity_of(const ApiContext& ctx) {
  if (ctx.identity) return ctx.identity;
  return api_error(http::status::not_found, "auth_disabled",
                   "this daemon runs without authentication (--auth off): there are no accounts");
}

ApiResult<auth::Principal> account_holder(const Request& req) {
  if (!req.principal.anonymous()) return req.principal;
  return api_error(http::status::unauthorized, "unauthenticated", "this route needs a signed-in caller",
                   {{"reason", AuthFailure::kMissing}});
}

ClientInfo client_info(const Request& req) {
  const std::string_view agent = req.raw[http::field::user_agent];
  return {std::string(req.address), std::string(agent.substr(0, kMaxUserAgent))};
}

ApiResult<std::int64_t> id_in_path(const Request& req, std::string_view name, std::string_view what) {
  const auto text = req.param(name);
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec == std::errc{} && end == text.data() + text.size() && id > 0) return id;
  return api_error(http::status::not_found, "not_found", "no " + std::string(what) + " '" + std::string(text) + "'");
}

ApiResult<std::string> required_string(const nlohmann::json& body, std::string_view name) {
  auto value = string_field(body, {name});
  if (!value) return std::move(value).error();
  if (!*value) return field_error(name, std::string(name) + " is required");
  return std::move(**value);
}

}  // namespace meridian::api
