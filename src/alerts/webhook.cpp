#include "meridian/alerts/webhook.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "alerts_log.hpp"
#include "meridian/transport/url.hpp"

namespace meridian::alerts {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0xF]);
  }
  return out;
}

std::vector<std::chrono::milliseconds> backoff_schedule(const transport::BackoffConfig& config, int attempts) {
  transport::Backoff b(config, 1);
  std::vector<std::chrono::milliseconds> out;
  for (int i = 1; i < attempts; ++i) {
    out.push_back(b.base());
    (void)b.next();
  }
  return out;
}

std::string_view to_string(DeliveryOutcome::Status s) noexcept {
  switch (s) {
    case DeliveryOutcome::Status::retrying: return "retrying";
    case DeliveryOutcome::Status::delivered: return "delivered";
    case DeliveryOutcome::Status::dead_letter: return "dead_letter";
  }
  return "?";
}

namespace {

using PostDone = std::function<void(unsigned status, std::string error)>;
constexpr std::uint64_t kAnswerLimit = 64 * 1024;  // a receiver's answer is read and dropped

// One attempt: its own connection, strand and deadline, so a receiver that never answers holds
// nothing but this.
template <class Stream>
struct Post : std::enable_shared_from_this<Post<Stream>> {
  using Strand = asio::strand<asio::io_context::executor_type>;

  Post(asio::io_context& io, std::shared_ptr<asio::ssl::context> context, PostDone d)
      : strand(asio::make_strand(io)),
        resolver(strand),
        deadline(strand),
        tls(std::move(context)),
        stream(make_stream(strand, tls.get())),
        done(std::move(d)) {
    parser.body_limit(kAnswerLimit);
  }

  static Stream make_stream(Strand& s, asio::ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>)
      return Stream(s);
    else
      return Stream(beast::tcp_stream(s), *tls);
  }

  void start(const transport::SecureUrl& url, std::vector<std::pair<std::string, std::string>> headers,
             std::string body, std::chrono::milliseconds timeout) {
    host = url.host;
    request.method(http::verb::post);
    request.target(url.target);
    request.version(11);
    const bool default_port =
        (url.scheme == "http" && url.port == "80") || (url.scheme == "https" && url.port == "443");
    request.set(http::field::host, default_port ? url.host : url.host + ":" + url.port);
    request.set(http::field::user_agent, "meridiand-alerts");
    request.set(http::field::content_type, "application/json");
    request.set(http::field::connection, "close");
    for (const auto& [k, v] : headers) request.set(k, v);
    request.body() = std::move(body);
    request.prepare_payload();
    asio::dispatch(strand, [self = this->shared_from_this(), url, timeout] {
      self->deadline.expires_after(timeout);
      self->deadline.async_wait([self](const beast::error_code& ec) {
        if (!ec) self->fail("timed out");
      });
      self->resolver.async_resolve(
          url.host, url.port, [self](const beast::error_code& e, tcp::resolver::results_type r) {
            if (e) return self->fail("resolve " + self->host + ": " + e.message());
            beast::get_lowest_layer(self->stream)
                .async_connect(r, [self](const beast::error_code& e2, const tcp::endpoint&) { self->on_connect(e2); });
          });
    });
  }

  void on_connect(const beast::error_code& ec) {
    if (ec) return fail("connect " + host + ": " + ec.message());
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      write();
    } else {
      if (!transport::is_ip_literal(host)) SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
      stream.set_verify_callback(asio::ssl::host_name_verification(host));
      stream.async_handshake(asio::ssl::stream_base::client,
                             [self = this->shared_from_this()](const beast::error_code& e) {
                               if (e) return self->fail("TLS handshake with " + self->host + ": " + e.message());
                               self->write();
                             });
    }
  }

  void write() {
    http::async_write(stream, request, [self = this->shared_from_this()](const beast::error_code& e, std::size_t) {
      if (e) return self->fail("write to " + self->host + ": " + e.message());
      http::async_read(self->stream, self->buffer, self->parser, [self](const beast::error_code& e2, std::size_t) {
        if (e2) return self->fail("read from " + self->host + ": " + e2.message());
        self->finish(self->parser.get().result_int(), {});
      });
    });
  }

  void fail(std::string error) { finish(0, std::move(error)); }

  void finish(unsigned status, std::string error) {
    if (!done) return;  // the deadline and an answer raced: the first one counts
    deadline.cancel();
    resolver.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
    auto d = std::move(done);
    done = nullptr;
    d(status, std::move(error));
  }

  Strand strand;
  tcp::resolver resolver;
  asio::steady_timer deadline;
  // Held by each attempt, so an https attempt still in flight when the deliverer goes (at
  // shutdown) keeps the TLS context its stream uses.
  std::shared_ptr<asio::ssl::context> tls;
  Stream stream;
  PostDone done;
  std::string host;
  http::request<http::string_body> request;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
};

}  // namespace

struct WebhookDeliverer::Job {
  Job(asio::io_context& io, const WebhookLimits& limits) : backoff(limits.backoff), retry(io) {}
  std::int64_t alert_id = 0;
  std::string url;
  auth::SecretText secret;
  std::string body;
  transport::Backoff backoff;
  asio::steady_timer retry;
  int attempts = 0;
  bool cancelled = false;
};

WebhookDeliverer::WebhookDeliverer(asio::io_context& io, WebhookLimits limits, transport::TlsOptions tls)
    : io_(io), limits_(std::move(limits)), tls_(transport::make_client_tls(tls)) {}

WebhookDeliverer::~WebhookDeliverer() {
  stop();
}

void WebhookDeliverer::deliver(std::int64_t alert_id, std::string url, auth::SecretText secret, std::string body) {
  std::unique_lock lock(mutex_);
  if (stopped_) return;
  auto job = std::make_shared<Job>(io_, limits_);
  job->alert_id = alert_id;
  job->url = std::move(url);
  job->secret = std::move(secret);
  job->body = body;
  std::erase_if(running_, [](const auto& w) { return w.expired(); });
  if (running_.size() < limits_.max_in_flight) return start_locked(std::move(job));
  if (queue_.size() < limits_.max_queued) {
    queue_.push_back(std::move(job));
    return;
  }
  lock.unlock();
  alerts_log()->warn("alert {}: webhook delivery queue full ({} running, {} queued): dead letter", alert_id,
                     limits_.max_in_flight, limits_.max_queued);
  if (report_)
    report_(alert_id, {DeliveryOutcome::Status::dead_letter, 0, "delivery queue full", 0, core::now()}, body);
}

void WebhookDeliverer::start_locked(std::shared_ptr<Job> job) {
  running_.push_back(job);
  asio::post(io_, [this, job] { attempt(job); });
}

void WebhookDeliverer::attempt(const std::shared_ptr<Job>& job) {
  std::chrono::milliseconds timeout;
  {
    std::lock_guard lock(mutex_);
    if (stopped_ || job->cancelled) return;
    timeout = limits_.timeout;
  }
  ++job->attempts;
  std::string error;
  const auto url = transport::parse_web_url(job->url, error);
  const auto timestamp = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::vector<std::pair<std::string, std::string>> headers{
      {"X-Meridian-Timestamp", timestamp},
      {"X-Meridian-Signature", webhook_signature(job->secret.view(), timestamp, job->body)},
      {"X-Meridian-Alert", std::to_string(job->alert_id)}};
  auto on_done = [this, job](unsigned status, std::string err) {
    DeliveryOutcome out;
    out.attempts = job->attempts;
    out.http_status = status;
    out.at = core::now();
    if (err.empty() && status >= 200 && status < 300) {
      out.status = DeliveryOutcome::Status::delivered;
    } else {
      out.error = err.empty() ? "HTTP " + std::to_string(status) : std::move(err);
    }
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      if (out.status != DeliveryOutcome::Status::delivered)
        out.status = job->attempts >= limits_.attempts ? DeliveryOutcome::Status::dead_letter
                                                       : DeliveryOutcome::Status::retrying;
    }
    if (report_) report_(job->alert_id, out, job->body);
    if (out.status == DeliveryOutcome::Status::retrying) {
      job->retry.expires_after(job->backoff.next());
      job->retry.async_wait([this, job](const boost::system::error_code& ec) {
        if (!ec) attempt(job);
      });
      return;
    }
    if (out.status == DeliveryOutcome::Status::dead_letter)
      alerts_log()->warn("alert {}: webhook given up after {} attempts: {}", job->alert_id, out.attempts, out.error);
    finished(job);
  };
  if (!url) return on_done(0, error);
  if (url->scheme == "https") {
    auto op = std::make_shared<Post<beast::ssl_stream<beast::tcp_stream>>>(io_, tls_, std::move(on_done));
    op->start(*url, std::move(headers), job->body, timeout);
  } else {
    auto op = std::make_shared<Post<beast::tcp_stream>>(io_, nullptr, std::move(on_done));
    op->start(*url, std::move(headers), job->body, timeout);
  }
}

void WebhookDeliverer::set_retry_policy(const WebhookLimits& limits) {
  std::lock_guard lock(mutex_);
  limits_.timeout = limits.timeout;
  limits_.attempts = limits.attempts;
  limits_.backoff = limits.backoff;
}

void WebhookDeliverer::finished(const std::shared_ptr<Job>& job) {
  std::lock_guard lock(mutex_);
  std::erase_if(running_, [&](const auto& w) {
    auto p = w.lock();
    return !p || p == job;
  });
  if (stopped_ || queue_.empty()) return;
  auto next = std::move(queue_.front());
  queue_.pop_front();
  start_locked(std::move(next));
}

void WebhookDeliverer::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  queue_.clear();
  for (auto& w : running_)
    if (auto job = w.lock()) {
      job->cancelled = true;
      asio::post(io_, [job] { job->retry.cancel(); });
    }
}

std::size_t WebhookDeliverer::in_flight() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& w : running_) n += !w.expired();
  return n;
}

}  // namespace meridian::alerts
