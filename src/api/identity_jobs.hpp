#pragma once
// How the auth and user routes run: parse the request on the I/O thread, then do the work
// (database, password hashing) on one of api::Identity's workers and answer from there. A full
// worker queue answers 503 busy with Retry-After at once.
#include "api_log.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "meridian/api/api_context.hpp"
#include "meridian/api/identity.hpp"
#include "request_util.hpp"

namespace meridian::api {

// What a worker's job answers: a status with a JSON body, or (body null) without one.
struct Answer {
  http::status status = http::status::ok;
  nlohmann::json body;
  std::string location;  // non-empty: a Location header (a created resource)
};

// 503 busy, Retry-After: 1.
HttpResponse busy_response(const Request& req);

// The daemon's Identity, or 404 auth_disabled when the daemon runs without auth (--auth off).
ApiResult<Identity*> identity_of(const ApiContext& ctx);
// The authenticated caller of a route about "me" (an anonymous caller admitted by
// auth.public_read has no account): 401 unauthenticated otherwise.
ApiResult<auth::Principal> account_holder(const Request& req);
// The device and address a refresh token is stored with.
ClientInfo client_info(const Request& req);
// A positive integer id in the path ({name}); anything else names nothing: 404 not_found.
ApiResult<std::int64_t> id_in_path(const Request& req, std::string_view name, std::string_view what);
// A required string field: 422 naming it when missing or not a string.
ApiResult<std::string> required_string(const nlohmann::json& body, std::string_view name);

// How a throttled guess (Identity::begin_login and its siblings) ended: a wrong password or
// refresh token (401, or a password change's 403 wrong_password) failed; done, or refused for
// another reason about the account (403 account_disabled: its password was right), succeeded;
// a failure of the daemon's own (5xx) decides nothing.
template <class T>
LoginThrottle::Outcome guess_outcome(const ApiResult<T>& result) {
  if (result) return LoginThrottle::Outcome::succeeded;
  const auto& e = result.error();
  if (e.status == http::status::unauthorized || e.code == "wrong_password") return LoginThrottle::Outcome::failed;
  if (static_cast<unsigned>(e.status) >= 500) return LoginThrottle::Outcome::undecided;
  return LoginThrottle::Outcome::succeeded;
}

// Runs `work` (-> ApiResult<Answer>) on a worker of `identity` and answers with its result.
template <class Work>
void on_worker(Identity& identity, const Request& req, Reply reply, Work work) {
  DeferredReply answer(req, reply);
  auto job = [answer, work = std::move(work)]() mutable {
    try {
      ApiResult<Answer> result = work();
      if (!result) return answer.failure(result.error());
      if (result->body.is_null()) return answer.empty(result->status);
      answer.json(result->status, result->body, result->location);
    } catch (const std::exception& e) {
      api_log()->error("identity job failed: {}", e.what());
      answer.failure(api_error(http::status::internal_server_error, "internal_error", "internal error"));
    }
  };
  if (!identity.post(std::move(job))) reply(busy_response(req));
}

}  // namespace meridian::api
