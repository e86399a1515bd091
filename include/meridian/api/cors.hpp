#pragma once
// CORS for an allow-list of browser origins (--cors-origin; none by default), so a seed's
// dashboard served from another origin can call the API. A preflight (OPTIONS with Origin and
// Access-Control-Request-Method) from an allowed origin is answered 204 with the methods the
// path takes; every other response to an allowed origin carries Access-Control-Allow-Origin
// and Vary: Origin. An origin not on the list gets no CORS header at all, and its preflight a
// 403. CORS only lets a page read answers: whether a cross-site request may change state is
// still the RequestGuard's decision (the server adds these origins to its allowed ones).
// Thread-safe: immutable after construction.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "meridian/api/http_types.hpp"

namespace meridian::api {

class Cors {
 public:
  // Each origin scheme://host[:port] (request_guard.hpp's normalize_origin); an invalid one
  // throws std::invalid_argument (validated at configuration time first).
  explicit Cors(const std::vector<std::string>& origins);

  bool enabled() const noexcept { return !origins_.empty(); }
  // Whether `req` is a CORS preflight (what the browser sends before a non-simple request).
  static bool is_preflight(const HttpRequest& req) noexcept;
  // The request's Origin header when it is on the list (as sent), else nullopt.
  std::optional<std::string> allowed_origin(const HttpRequest& req) const;
  // The answer to a preflight: 204 with the CORS headers when its origin is allowed, listing
  // `methods` (what the path takes), else 403 origin_not_allowed without them.
  HttpResponse preflight(const HttpRequest& req, std::span<const http::verb> methods) const;
  // Access-Control-Allow-Origin and Vary: Origin on an actual response to an allowed origin.
  void decorate(const HttpRequest& req, HttpResponse& res) const;

 private:
  std::vector<std::string> origins_;  // normalized
};

}  // namespace meridian::api
