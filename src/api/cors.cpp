#include "meridian/api/cors.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "meridian/api/request_guard.hpp"

namespace meridian::api {

namespace {
// What a preflight is told a request may carry: the credentials headers and the JSON body's type.
constexpr std::string_view kAllowHeaders = "Authorization, Content-Type, X-API-Key";
// How long a browser may cache a preflight's answer (seconds).
constexpr std::string_view kMaxAge = "600";
}  // namespace

Cors::Cors(const std::vector<std::string>& origins) {
  for (const auto& o : origins) {
    auto n = normalize_origin(o);
    if (!n) throw std::invalid_argument("not an origin (scheme://host[:port]): " + o);
    origins_.push_back(std::move(*n));
  }
}

bool Cors::is_preflight(const HttpRequest& req) noexcept {
  return req.method() == http::verb::options && req.find(http::field::origin) != req.end() &&
         req.find(http::field::access_control_request_method) != req.end();
}

std::optional<std::string> Cors::allowed_origin(const HttpRequest& req) const {
  if (origins_.empty()) return std::nullopt;
  const auto header = req.find(http::field::origin);
  if (header == req.end()) return std::nullopt;
  auto n = normalize_origin(header->value());
  if (!n || std::find(origins_.begin(), origins_.end(), *n) == origins_.end()) return std::nullopt;
  return std::string(header->value());
}

HttpResponse Cors::preflight(const HttpRequest& req, std::span<const http::verb> methods) const {
  const auto origin = allowed_origin(req);
  if (!origin) {
    const nlohmann::json details{{"origin", std::string(req[http::field::origin])}};
    return error_response(req.version(), req.keep_alive(), http::status::forbidden, "origin_not_allowed",
                          "this origin may not call the API from a browser; add it with --cors-origin", &details);
  }
  std::string allow;
  for (auto m : methods) allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(m));
  if (std::find(methods.begin(), methods.end(), http::verb::get) != methods.end()) allow += ", HEAD";
  allow += allow.empty() ? "OPTIONS" : ", OPTIONS";
  auto res = empty_response(req.version(), req.keep_alive(), http::status::no_content);
  res.set(http::field::access_control_allow_origin, *origin);
  res.set(http::field::access_control_allow_methods, allow);
  res.set(http::field::access_control_allow_headers, kAllowHeaders);
  res.set(http::field::access_control_max_age, kMaxAge);
  res.set(http::field::vary, "Origin");
  return res;
}

void Cors::decorate(const HttpRequest& req, HttpResponse& res) const {
  const auto origin = allowed_origin(req);
  if (!origin) return;
  res.set(http::field::access_control_allow_origin, *origin);
  res.set(http::field::vary, "Origin");
}

}  // namespace meridian::api
