#pragma once
// Which requests the daemon answers at all, checked before routing:
// - framing: an HTTP/1.1 request names its Host (exactly once), and the only transfer coding
//   is `chunked` (anything else would leave the body's length to guesswork: smuggling);
// - Host: an allowed name (loopback names, the bound address, --allowed-host), so a page of
//   another site that rebinds its DNS name to 127.0.0.1 cannot reach the API (DNS rebinding);
// - Origin: a state-changing request (POST/PUT/PATCH/DELETE) or a WebSocket upgrade that a
//   browser sends for a page of another origin is refused. A browser may send text/plain,
//   form and no-cors requests cross-site without a CORS preflight, so the API cannot rely on
//   CORS; requests without Origin (curl, scripts) are not browser requests and pass;
// - bodies of JSON routes are declared application/json (a cross-site form cannot be).
// Thread-safe: immutable after construction.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/api/http_types.hpp"

namespace meridian::api {

// "HTTP://Example.COM:80/" -> "http://example.com" (lower case, no default port, no trailing
// slash). nullopt unless `origin` is scheme://host[:port].
std::optional<std::string> normalize_origin(std::string_view origin);
// A host as allowed by configuration or named in a Host header: "Example.com", "example.com:8080",
// "::1", "[::1]:8080" -> lower case, IPv6 in brackets, the port kept when given. nullopt when
// it is not a host name or IP literal with an optional port.
std::optional<std::string> normalize_host(std::string_view host);

class RequestGuard {
 public:
  // `bound_host`: the address listened on ("0.0.0.0" or "::": every address of the machine);
  // `port`: the bound port. `allowed_origins` and `allowed_hosts` add to the defaults (the
  // daemon's own origins http://{localhost,127.0.0.1,[::1],bound}:port, https:// when `tls`
  // (the listener speaks only TLS), and those names); invalid entries throw
  // std::invalid_argument (validated at configuration time first).
  RequestGuard(std::string_view bound_host, std::uint16_t port, const std::vector<std::string>& allowed_origins = {},
               const std::vector<std::string>& allowed_hosts = {}, bool tls = false);

  // Framing, then Host: the error response, or nullopt when the request may proceed.
  std::optional<HttpResponse> check_request(const HttpRequest& req) const;
  // Origin (or, without one, Sec-Fetch-Site) of a state-changing request or WebSocket upgrade:
  // 403 origin_not_allowed, or nullopt. Call after check_request (it trusts the Host).
  std::optional<HttpResponse> check_origin(const HttpRequest& req) const;

  bool host_allowed(std::string_view host_header) const;
  bool origin_allowed(const HttpRequest& req) const;
  const std::vector<std::string>& origins() const noexcept { return origins_; }

 private:
  std::vector<std::string> origins_;  // normalized
  struct Host {
    std::string name;  // lower case, IPv6 bracketed
    std::optional<std::uint16_t> port;
  };
  std::vector<Host> hosts_;
  bool any_ip_ = false;  // bound to every address: any IP literal names this machine
};

// Whether `method` changes state (everything but GET, HEAD, OPTIONS and TRACE).
bool state_changing(http::verb method) noexcept;
// 415 unsupported_media_type unless a state-changing request with a body, or with a declared
// Content-Type, declares application/json. A request without body and type passes.
std::optional<HttpResponse> check_json_content_type(const HttpRequest& req);

}  // namespace meridian::api
