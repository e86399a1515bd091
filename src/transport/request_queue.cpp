#include "meridian/transport/request_queue.hpp"

#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <vector>

namespace meridian::transport {

struct RequestQueue::Impl : std::enable_shared_from_this<RequestQueue::Impl> {
  Impl(boost::asio::any_io_executor ex, const TlsOptions& tls, HttpTimeouts timeouts, std::size_t connections,
       RateLimitPolicy p)
      : hold_timer(ex), policy(std::move(p)) {
    for (std::size_t k = 0; k < std::max<std::size_t>(connections, 1); ++k) {
      clients.push_back(std::make_unique<HttpsClient>(ex, tls, timeouts));
      busy.push_back(false);
    }
  }

  void pump() {
    if (holding) return;
    for (std::size_t k = 0; k < clients.size() && !queue.empty(); ++k) {
      if (busy[k]) continue;
      busy[k] = true;
      auto request = std::move(queue.front());
      queue.pop_front();
      if (request.stamp) request.stamp(request);
      auto& c = *clients[k];
      const auto method = request.method;
      auto url = request.url;
      auto body = request.body;
      auto headers = request.headers;
      c.request(method, url, std::move(body), std::move(headers),
                [w = weak_from_this(), k, request = std::move(request)](HttpResult r) mutable {
                  if (auto self = w.lock()) self->answered(k, std::move(request), std::move(r));
                });
    }
  }

  void answered(std::size_t k, QueuedRequest request, HttpResult result) {
    busy[k] = false;
    if (result.ok()) {
      const auto status = result.response.status;
      if (const auto wait = rate_limit_wait(result.response, WallClock::now(), policy)) {
        hold(*wait);
        if (status == 429 || status == 418) {
          ++limited;
          queue.push_front(std::move(request));
          return;
        }
      }
    }
    auto done = std::move(request.done);
    pump();
    if (done) done(std::move(result));
  }

  void hold(std::chrono::milliseconds wait) {
    holding = true;
    hold_timer.expires_after(wait);
    hold_timer.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
      auto self = w.lock();
      if (ec || !self) return;
      self->holding = false;
      self->pump();
    });
  }

  std::vector<std::unique_ptr<HttpsClient>> clients;
  std::vector<bool> busy;  // parallel to clients
  std::deque<QueuedRequest> queue;
  boost::asio::steady_timer hold_timer;
  RateLimitPolicy policy;
  bool holding = false;
  std::uint64_t limited = 0;
};

RequestQueue::RequestQueue(boost::asio::any_io_executor executor, const TlsOptions& tls, HttpTimeouts timeouts,
                           std::size_t connections, RateLimitPolicy policy)
    : impl_(std::make_shared<Impl>(std::move(executor), tls, timeouts, connections, std::move(policy))) {}

RequestQueue::~RequestQueue() {
  impl_->hold_timer.cancel();
  impl_->clients.clear();  // cancels what is in flight: those `done`s are never called
}

void RequestQueue::send(QueuedRequest request) {
  impl_->queue.push_back(std::move(request));
  impl_->pump();
}

std::size_t RequestQueue::waiting() const noexcept {
  return impl_->queue.size();
}
bool RequestQueue::holding() const noexcept {
  return impl_->holding;
}
std::uint64_t RequestQueue::rate_limited() const noexcept {
  return impl_->limited;
}

}  // namespace meridian::transport
