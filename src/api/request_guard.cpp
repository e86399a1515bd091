#include "meridian/api/request_guard.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace meridian::api {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

struct Authority {
  std::string name;  // lower case; IPv6 in brackets
  std::optional<std::uint16_t> port;
};

std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

bool is_ipv6(std::string_view s) {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address_v6(std::string(s), ec);
  return !ec;
}

bool is_ipv4(std::string_view s) {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address_v4(std::string(s), ec);
  return !ec;
}

// host[:port], [v6][:port] or a bare v6 address; names are letters, digits, '-', '.', '_'.
std::optional<Authority> parse_authority(std::string_view s) {
  Authority a;
  std::string_view rest;
  if (s.starts_with('[')) {
    const auto close = s.find(']');
    if (close == std::string_view::npos || !is_ipv6(s.substr(1, close - 1))) return std::nullopt;
    a.name = lower(s.substr(0, close + 1));
    rest = s.substr(close + 1);
  } else if (std::count(s.begin(), s.end(), ':') > 1) {
    if (!is_ipv6(s)) return std::nullopt;
    a.name = "[" + lower(s) + "]";
  } else {
    const auto colon = s.find(':');
    std::string_view name = s.substr(0, colon);
    if (colon != std::string_view::npos) rest = s.substr(colon);
    if (name.ends_with('.')) name.remove_suffix(1);  // "localhost." is localhost
    if (name.empty()) return std::nullopt;
    for (unsigned char c : name)
      if (!std::isalnum(c) && c != '-' && c != '.' && c != '_') return std::nullopt;
    a.name = lower(name);
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return std::nullopt;
    a.port = parse_port(rest.substr(1));
    if (!a.port) return std::nullopt;
  }
  return a;
}

std::string to_string(const Authority& a) {
  return a.port ? a.name + ":" + std::to_string(*a.port) : a.name;
}

struct Origin {
  std::string scheme;
  Authority authority;
};

std::optional<Origin> parse_origin(std::string_view s) {
  const auto sep = s.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  Origin o;
  o.scheme = lower(s.substr(0, sep));
  if (!std::isalpha(static_cast<unsigned char>(o.scheme.front()))) return std::nullopt;
  for (unsigned char c : o.scheme)
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  auto rest = s.substr(sep + 3);
  if (rest.ends_with('/')) rest.remove_suffix(1);
  auto authority = parse_authority(rest);
  if (!authority) return std::nullopt;
  o.authority = std::move(*authority);
  if ((o.scheme == "http" && o.authority.port == 80) || (o.scheme == "https" && o.authority.port == 443))
    o.authority.port.reset();
  return o;
}

bool wildcard(std::string_view bound) {
  return bound.empty() || bound == "0.0.0.0" || bound == "::" || bound == "[::]";
}

bool ip_literal(const std::string& name) {
  return name.starts_with('[') || is_ipv4(name);
}

HttpResponse refuse(const HttpRequest& req, http::status status, std::string_view code, std::string message,
                    const nlohmann::json& details, bool keep_alive = true) {
  return error_response(req.version(), keep_alive && req.keep_alive(), status, code, message, &details);
}

}  // namespace

std::optional<std::string> normalize_origin(std::string_view origin) {
  auto o = parse_origin(origin);
  if (!o) return std::nullopt;
  return o->scheme + "://" + to_string(o->authority);
}

std::optional<std::string> normalize_host(std::string_view host) {
  auto a = parse_authority(host);
  if (!a) return std::nullopt;
  return to_string(*a);
}

RequestGuard::RequestGuard(std::string_view bound_host, std::uint16_t port,
                           const std::vector<std::string>& allowed_origins,
                           const std::vector<std::string>& allowed_hosts, bool tls) {
  std::vector<std::string> names{"localhost", "127.0.0.1", "[::1]"};
  any_ip_ = wildcard(bound_host);
  if (!any_ip_) {
    auto bound = parse_authority(bound_host);
    if (!bound) throw std::invalid_argument("not a host: " + std::string(bound_host));
    if (std::find(names.begin(), names.end(), bound->name) == names.end()) names.push_back(bound->name);
  }
  for (const auto& name : names) {
    hosts_.push_back({name, std::nullopt});
    origins_.push_back((tls ? "https://" : "http://") + name + ":" + std::to_string(port));
  }
  for (const auto& o : allowed_origins) {
    auto n = normalize_origin(o);
    if (!n) throw std::invalid_argument("not an origin (scheme://host[:port]): " + o);
    origins_.push_back(std::move(*n));
  }
  for (const auto& h : allowed_hosts) {
    auto a = parse_authority(h);
    if (!a) throw std::invalid_argument("not a host name or address: " + h);
    hosts_.push_back({std::move(a->name), a->port});
  }
}

bool RequestGuard::host_allowed(std::string_view host_header) const {
  auto a = parse_authority(trim(host_header));
  if (!a) return false;
  if (any_ip_ && ip_literal(a->name)) return true;
  return std::any_of(hosts_.begin(), hosts_.end(),
                     [&](const Host& h) { return h.name == a->name && (!h.port || h.port == a->port); });
}

bool RequestGuard::origin_allowed(const HttpRequest& req) const {
  auto header = req.find(http::field::origin);
  if (header == req.end()) {
    // Browsers send Origin with every state-changing request and upgrade; this covers one
    // that does not but says where the request comes from. "same-site" is refused too: every
    // port of localhost is the same site, and another local app is not this daemon.
    const auto site = lower(trim(req[http::field::sec_fetch_site]));
    return site != "cross-site" && site != "same-site";
  }
  auto origin = parse_origin(trim(header->value()));  // "null" (sandboxed, file:) never parses
  if (!origin) return false;
  const auto normalized = origin->scheme + "://" + to_string(origin->authority);
  if (std::find(origins_.begin(), origins_.end(), normalized) != origins_.end()) return true;
  // Same origin as the (already allowed) Host: the dashboard reached under any allowed name,
  // also through a TLS proxy that forwards Host without a port.
  if (origin->scheme != "http" && origin->scheme != "https") return false;
  auto host = parse_authority(trim(req[http::field::host]));
  if (!host || host->name != origin->authority.name) return false;
  if (!host->port) return true;
  const std::uint16_t origin_port = origin->authority.port.value_or(origin->scheme == "https" ? 443 : 80);
  return origin_port == *host->port;
}

std::optional<HttpResponse> RequestGuard::check_request(const HttpRequest& req) const {
  const auto hosts = req.count(http::field::host);
  if (hosts > 1)
    return refuse(req, http::status::bad_request, "bad_request", "a request may have only one Host header",
                  nlohmann::json::object(), false);
  if (hosts == 0 && req.version() >= 11)
    return refuse(req, http::status::bad_request, "missing_host", "an HTTP/1.1 request must have a Host header",
                  nlohmann::json::object(), false);
  if (auto te = req.find(http::field::transfer_encoding); te != req.end()) {
    // Beast frames a body only when the last coding is chunked; a request with any other
    // coding has no defined length, so the connection closes after the refusal.
    if (req.count(http::field::transfer_encoding) > 1 || lower(trim(te->value())) != "chunked")
      return refuse(req, http::status::not_implemented, "unsupported_transfer_encoding",
                    "the only Transfer-Encoding accepted is chunked",
                    nlohmann::json{{"transfer_encoding", std::string(te->value())}}, false);
  }
  if (hosts == 1 && !host_allowed(req[http::field::host]))
    return refuse(req, http::status::misdirected_request, "host_not_allowed",
                  "this server does not answer to that Host name; add it with --allowed-host",
                  nlohmann::json{{"host", std::string(req[http::field::host])}});
  return std::nullopt;
}

std::optional<HttpResponse> RequestGuard::check_origin(const HttpRequest& req) const {
  if (origin_allowed(req)) return std::nullopt;
  const auto origin = req.find(http::field::origin);
  nlohmann::json details = nlohmann::json::object();
  if (origin != req.end())
    details["origin"] = std::string(origin->value());
  else
    details["sec_fetch_site"] = std::string(req[http::field::sec_fetch_site]);
  return refuse(req, http::status::forbidden, "origin_not_allowed",
                "requests from pages of another origin are not allowed; add the origin with --allowed-origin", details);
}

bool state_changing(http::verb method) noexcept {
  return method != http::verb::get && method != http::verb::head && method != http::verb::options &&
         method != http::verb::trace;
}

std::optional<HttpResponse> check_json_content_type(const HttpRequest& req) {
  if (!state_changing(req.method())) return std::nullopt;
  const auto header = req.find(http::field::content_type);
  if (header == req.end() && req.body().empty()) return std::nullopt;
  const std::string_view value = header == req.end() ? std::string_view{} : std::string_view(header->value());
  if (lower(trim(value.substr(0, value.find(';')))) == "application/json") return std::nullopt;
  return refuse(req, http::status::unsupported_media_type, "unsupported_media_type",
                "the request body must be sent as Content-Type: application/json",
                nlohmann::json{{"content_type", std::string(value)}});
}

}  // namespace meridian::api
