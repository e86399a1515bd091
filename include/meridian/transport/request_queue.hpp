#pragma once
// REST requests to one server, several in flight at once, in the order they were asked, with
// the server's rate limits honoured: a 429 (or 418) holds every request until its Retry-After
// (RateLimitPolicy's default without one) and then sends the refused request again first; a
// weight header that reports the limit reached holds the next ones the same way. For order
// gateways, whose requests must not be dropped or reordered behind a rate limit.
//
// Contract: construct, call and destroy on the executor. Each request's `done` runs there once
// with the server's answer (never a 429/418: those are retried) or a transport error, unless the
// queue is destroyed first (then never). Destroying the queue cancels what is in flight.
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "meridian/transport/https_client.hpp"
#include "meridian/transport/rate_limit.hpp"

namespace meridian::transport {

struct QueuedRequest {
  HttpMethod method = HttpMethod::get;
  std::string url;
  std::string body;
  HttpHeaders headers;
  HttpsClient::Done done;
  // Called on the executor just before each send (the first, and every re-send after a rate
  // limit), to finish the request then: a venue whose requests carry their time and a signature
  // over it (Binance's timestamp within recvWindow) stamps them here, so a request held back by
  // a rate limit does not go out stale. Empty: sent as it is.
  std::function<void(QueuedRequest&)> stamp;
};

class RequestQueue {
 public:
  // Throws std::invalid_argument when the CA file cannot be loaded.
  RequestQueue(boost::asio::any_io_executor executor, const TlsOptions& tls, HttpTimeouts timeouts,
               std::size_t connections, RateLimitPolicy policy);
  ~RequestQueue();
  RequestQueue(const RequestQueue&) = delete;
  RequestQueue& operator=(const RequestQueue&) = delete;

  void send(QueuedRequest request);

  std::size_t waiting() const noexcept;         // queued, not yet sent
  bool holding() const noexcept;                // waiting out a rate limit now
  std::uint64_t rate_limited() const noexcept;  // 429/418 answers so far

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace meridian::transport
