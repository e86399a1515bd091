#pragma once
// The API's one error type: every parser, resolver and command of the API fails with an
// ApiError, and every error reply is rendered from one (error_response below) in the shape of
// docs/api-shapes.md: {"error": {"code", "message", "details"}}.
//
// Contract: `errc` is the core::Errc the failure is (what a log or a non-HTTP caller needs);
// `status` and `code` are what the JSON reply says (a core::Errc alone cannot tell 400
// invalid_parameter from 422 invalid_field, so both are kept); `details["field"]`, when
// present, names the field or parameter at fault. A boost::system::error_code cannot carry
// the field, so API results are core::Result<T, ApiError> (ApiResult<T>).
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "meridian/api/http_types.hpp"
#include "meridian/core/error.hpp"

namespace meridian::api {

struct ApiError {
  core::Errc errc = core::Errc::invalid_argument;
  http::status status = http::status::unprocessable_entity;
  std::string code;
  std::string message;
  nlohmann::json details = nlohmann::json::object();
};

template <class T>
using ApiResult = core::Result<T, ApiError>;

// The core::Errc an HTTP failure is: 404 not_found, 409 conflict, 503 unavailable, a 4xx
// out_of_range code out_of_range, invalid_json/too_deep parse_error, any other 4xx
// invalid_argument, 5xx unavailable.
core::Errc errc_of(http::status status, std::string_view code) noexcept;

// An error with its errc derived from `status` and `code` (errc_of).
ApiError api_error(http::status status, std::string code, std::string message,
                   nlohmann::json details = nlohmann::json::object());

// An error whose details name `field` (and carry `extra` when it is an object).
ApiError field_error(std::string_view field, std::string message,
                     http::status status = http::status::unprocessable_entity, std::string_view code = "invalid_field",
                     nlohmann::json extra = nullptr);

// 429 too_many_requests: details.retry_after_s is the whole seconds to wait (at least 1),
// which error_response also sends as the Retry-After header.
ApiError too_many_requests(std::string message, std::chrono::seconds retry_after);

// The reply for an error (details bounded by bounded_details).
HttpResponse error_response(const Request& req, const ApiError& e);
HttpResponse error_response(unsigned version, bool keep_alive, const ApiError& e);

// Lets ApiResult<T>::value() throw (as boost::system::result does for its own errors); the
// API never calls it on an error (handlers test the result first).
[[noreturn]] void throw_exception_from_error(const ApiError& e, const boost::source_location& loc);

// Unpacks an ApiResult<T>: on an error, a handler replies with it (MERIDIAN_TRY_REPLY, needs
// `req` and `reply` in scope) and a parser passes it up (MERIDIAN_TRY); both then return.
#define MERIDIAN_TRY_REPLY(var, expr)                                          \
  auto var##_checked = (expr);                                                 \
  if (var##_checked.has_error()) {                                             \
    return reply(::meridian::api::error_response(req, var##_checked.error())); \
  }                                                                            \
  auto var = std::move(*var##_checked)
#define MERIDIAN_TRY(var, expr)              \
  auto var##_checked = (expr);               \
  if (var##_checked.has_error()) {           \
    return std::move(var##_checked).error(); \
  }                                          \
  auto var = std::move(*var##_checked)

}  // namespace meridian::api
