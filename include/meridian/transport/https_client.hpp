#pragma once
// An HTTPS client for REST APIs (GET for market data; POST, PATCH and DELETE with a JSON body
// for order gateways): Beast over OpenSSL, asynchronous on the executor it is given, with a timeout on each phase, peer
// verification (CA file or system store), host name check and SNI. One request at a time; a fresh connection per
// request (polls are seconds apart, so keep-alive buys little and a stale pooled connection costs a retry).
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/transport/http_response.hpp"
#include "meridian/transport/tls.hpp"

namespace meridian::transport {

struct HttpTimeouts {
  std::chrono::milliseconds connect{5'000};    // name resolution and TCP connect, each
  std::chrono::milliseconds handshake{5'000};  // TLS handshake
  std::chrono::milliseconds read{10'000};      // sending the request and reading the whole answer
};

enum class HttpMethod : std::uint8_t { get, post, put, patch, del };
std::string_view to_string(HttpMethod m) noexcept;  // "GET", "POST", ...

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpsClient {
 public:
  using Done = std::function<void(HttpResult)>;

  // Throws std::invalid_argument when the CA file cannot be loaded.
  HttpsClient(boost::asio::any_io_executor executor, const TlsOptions& tls, HttpTimeouts timeouts = {});
  ~HttpsClient();  // cancels a request in flight; its `done` is then never called
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Call on the executor. `done` runs on the executor exactly once (unless cancelled) with a
  // complete answer of any status, or an error naming the phase that failed ("connect",
  // "TLS handshake", "read", ...). A request while one is in flight cancels the older one.
  // A non-empty `body` is sent as application/json unless `headers` name a Content-Type.
  // An error says nothing about whether the server acted on the request: a caller that must
  // not repeat a side effect asks the server before it sends again.
  void request(HttpMethod method, std::string_view url, std::string body, HttpHeaders headers, Done done);
  // request(HttpMethod::get, url, {}, headers, done).
  void get(std::string_view url, Done done, HttpHeaders headers = {});
  // Call on the executor: abandons the request in flight, whose `done` is not called.
  void cancel();

  struct Op;

 private:
  boost::asio::any_io_executor executor_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  HttpTimeouts timeouts_;
  // Weak: a request lives as long as its pending handlers. Owning it here would close a cycle
  // (request → its callback → the caller that owns this client → request) that only a cancel
  // breaks: a request in flight when its io_context stops would leak with its caller.
  std::weak_ptr<Op> current_;
};

}  // namespace meridian::transport
