#include "meridian/transport/url.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace meridian::transport {

namespace {

// `allowed` schemes only; `error` names what is wrong.
std::optional<SecureUrl> parse_url(std::string_view url, std::initializer_list<std::string_view> allowed,
                                   std::string_view allowed_text, std::string& error) {
  SecureUrl out;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) {
    error = "no scheme in URL '" + std::string(url) + "'";
    return std::nullopt;
  }
  out.scheme = std::string(url.substr(0, sep));
  for (auto& c : out.scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (std::find(allowed.begin(), allowed.end(), out.scheme) == allowed.end()) {
    error = "URL '" + std::string(url) + "': only " + std::string(allowed_text) + " are allowed";
    return std::nullopt;
  }
  auto rest = url.substr(sep + 3);
  const auto slash = rest.find_first_of("/?");
  auto authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    error = "URL '" + std::string(url) + "': credentials in the URL are not supported";
    return std::nullopt;
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "URL '" + std::string(url) + "': unterminated IPv6 address";
      return std::nullopt;
    }
    out.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "URL '" + std::string(url) + "': bad authority";
        return std::nullopt;
      }
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) {
    error = "URL '" + std::string(url) + "': no host";
    return std::nullopt;
  }
  if (port.empty()) {
    out.port = out.scheme == "http" ? "80" : "443";
  } else {
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc{} || end != port.data() + port.size() || n == 0 || n > 65535) {
      error = "URL '" + std::string(url) + "': bad port '" + std::string(port) + "'";
      return std::nullopt;
    }
    out.port = std::string(port);
  }
  return out;
}

}  // namespace

std::optional<SecureUrl> parse_secure_url(std::string_view url, std::string& error) {
  return parse_url(url, {"https", "wss"}, "https:// and wss://", error);
}

std::optional<SecureUrl> parse_web_url(std::string_view url, std::string& error) {
  return parse_url(url, {"http", "https"}, "http:// and https://", error);
}

bool is_ip_literal(std::string_view host) {
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

}  // namespace meridian::transport
