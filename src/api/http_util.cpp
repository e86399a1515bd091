#include <boost/url/decode_view.hpp>
#include <nlohmann/json.hpp>

#include "meridian/api/http_types.hpp"

namespace meridian::api {

std::string_view to_string(Role r) noexcept {
  switch (r) {
    case Role::anonymous: return "anonymous";
    case Role::viewer: return "viewer";
    case Role::trader: return "trader";
    case Role::admin: return "admin";
  }
  return "anonymous";
}

std::string_view Request::param(std::string_view name) const noexcept {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return {};
}

std::optional<std::string> Request::query_value(std::string_view name) const {
  for (auto p : query)
    if (p.key == name) return std::string(p.value);
  return std::nullopt;
}

void add_common_headers(HttpResponse& res) {
  res.set(http::field::server, "meridiand");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
}

HttpResponse json_response(const Request& req, http::status status, std::string body) {
  HttpResponse res{status, req.raw.version()};
  add_common_headers(res);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.raw.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse json_response(const Request& req, http::status status, const nlohmann::json& body) {
  return json_response(req, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse error_response(unsigned version, bool keep_alive, http::status status, std::string_view code,
                            std::string_view message, const nlohmann::json* details) {
  nlohmann::json err{{"code", code}, {"message", message}};
  err["details"] = details ? *details : nlohmann::json::object();
  HttpResponse res{status, version};
  add_common_headers(res);
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = nlohmann::json{{"error", std::move(err)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

HttpResponse error_response(const Request& req, http::status status, std::string_view code, std::string_view message,
                            const nlohmann::json* details) {
  return error_response(req.raw.version(), req.raw.keep_alive(), status, code, message, details);
}

}  // namespace meridian::api
