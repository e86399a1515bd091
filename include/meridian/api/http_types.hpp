#pragma once
// The request/response vocabulary shared by the router, handlers and sessions.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/params_view.hpp>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meridian/auth/principal.hpp"
#include "meridian/auth/role.hpp"

namespace meridian::api {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

// viewer < trader < admin; anonymous is what an unauthenticated caller is (auth/role.hpp).
using auth::Role;
using auth::to_string;

using PathParams = std::vector<std::pair<std::string, std::string>>;

struct Request {
  const HttpRequest& raw;
  std::string_view path;
  boost::urls::params_view query;
  PathParams params;
  // Who calls, as the auth gate admitted them (auth_gate.hpp): anonymous when auth is off.
  auth::Principal principal{};
  // The peer's IP address (text; empty when unknown). Lives as long as the connection.
  std::string_view address{};

  Role role() const noexcept { return principal.role; }
  std::string_view param(std::string_view name) const noexcept;
  // First value of a query parameter, or nullopt when absent.
  std::optional<std::string> query_value(std::string_view name) const;
};

// Sends the response; safe to call from any thread, exactly once.
using Reply = std::function<void(HttpResponse&&)>;
using Handler = std::function<void(const Request&, Reply)>;

// Building blocks for responses in the API.md shapes: every JSON reply of the API is built
// here (errors: error_response), so each carries the same headers (add_common_headers, JSON
// content type, no-store). The (version, keep_alive) overloads answer after the request is
// gone (a command's completion); `location`, non-empty, is a Location header (a created
// resource's address).
HttpResponse json_response(unsigned version, bool keep_alive, http::status status, std::string body,
                           std::string_view location = {});
HttpResponse json_response(unsigned version, bool keep_alive, http::status status, const nlohmann::json& body,
                           std::string_view location = {});
HttpResponse json_response(const Request& req, http::status status, std::string body);
HttpResponse json_response(const Request& req, http::status status, const nlohmann::json& body);
// A reply without a body (204 No Content).
HttpResponse empty_response(unsigned version, bool keep_alive, http::status status);
// A 401 carries `WWW-Authenticate: Bearer realm="meridian"`, with error="invalid_token" when
// details.reason names why presented credentials were refused (anything but "missing").
// A 429 carries `Retry-After: <details.retry_after_s>` (api_error.hpp's too_many_requests).
HttpResponse error_response(unsigned version, bool keep_alive, http::status status, std::string_view code,
                            std::string_view message, const nlohmann::json* details = nullptr);
HttpResponse error_response(const Request& req, http::status status, std::string_view code, std::string_view message,
                            const nlohmann::json* details = nullptr);
// Headers every response carries (server name, no-sniff, frame denial, the dashboard's
// Content-Security-Policy, no referrer).
void add_common_headers(HttpResponse& res);
// What every response over TLS carries besides: Strict-Transport-Security (a year), so a
// browser that once reached the daemon over https:// never falls back to plain http://.
// (A WebSocket upgrade's response is an HttpResponse too.)
void add_tls_headers(HttpResponse& res);
// What an error's details may echo: an object of at most 16 members, strings cut to 64 bytes,
// arrays and objects replaced by their type name (a short list of scalars kept), ~1 KB in all.
// error_response applies it to every error, so no handler can echo unbounded input.
nlohmann::json bounded_details(const nlohmann::json& details);

}  // namespace meridian::api
