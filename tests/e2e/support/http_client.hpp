#pragma once
// A minimal HTTP/1.1 client for end-to-end tests (Beast, one connection per request), and a
// raw-socket sender for requests no well-behaved client would write.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace meridian::e2e {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // sent verbatim, no normalisation or encoding
  std::string body;
  Headers headers;  // Host, User-Agent and Content-Length are set unless given here
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;

  // The value of a header (case-insensitive name), or "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // The body as JSON; a discarded value (is_discarded()) when it is not JSON.
  nlohmann::json json() const;
};

// Throws std::runtime_error when no complete response arrives (refused, reset, timed out).
// The request body is written while the response is read, so an early answer (413) is seen
// even when the server stops reading the body.
HttpResponse http_request(std::uint16_t port, const HttpRequest& request,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));
// The same over TLS: `tls` is the client's context (the certificates it trusts, the protocol
// versions it offers). A failed handshake throws too.
HttpResponse https_request(std::uint16_t port, const HttpRequest& request, boost::asio::ssl::context& tls,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
HttpResponse http_get(std::uint16_t port, std::string target, Headers headers = {});
// A loopback port nobody listens on right now (bound and released; the daemon binds it next).
std::uint16_t free_port();
HttpResponse http_post(std::uint16_t port, std::string target, std::string body = {},
                       std::string content_type = "application/json");

struct RawExchange {
  std::string received;         // every byte the server sent
  bool closed_by_peer = false;  // the server closed (or reset) the connection before the deadline
};
// Connects, writes `bytes` as they are, then reads until the server closes or `timeout`.
RawExchange raw_exchange(std::uint16_t port, std::string_view bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace meridian::e2e
