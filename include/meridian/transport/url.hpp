#pragma once
// The parts of a server URL a client needs: https://host[:port]/path?query, or wss://.
#include <optional>
#include <string>
#include <string_view>

namespace meridian::transport {

struct SecureUrl {
  std::string scheme;  // "https" or "wss" ("http" too from parse_web_url)
  std::string host;    // name or IPv4/IPv6 literal (without brackets)
  std::string port;    // "443" when the URL names none
  std::string target;  // path and query, "/" at least
};

// Accepts https:// and wss:// only: nothing is sent in the clear. On failure
// returns nullopt and says why in `error`.
std::optional<SecureUrl> parse_secure_url(std::string_view url, std::string& error);

// The same parts of an http:// or https:// URL (a webhook's: plain http is for receivers on a
// trusted network, e.g. loopback), port "80" or "443" when it names none; credentials in the
// URL (user:pass@) are refused as above, so a secret never sits in a URL that is shown.
std::optional<SecureUrl> parse_web_url(std::string_view url, std::string& error);

// True when `host` is an IP literal (no SNI, and the certificate is checked for an IP SAN).
bool is_ip_literal(std::string_view host);

}  // namespace meridian::transport
