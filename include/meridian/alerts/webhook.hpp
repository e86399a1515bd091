#pragma once
// Webhook delivery of alerts (#17 item 5): an HTTP(S) POST of the alert's JSON, signed, retried
// with exponential backoff, and given up into a dead letter after `attempts` failures.
//
// Signature: `X-Meridian-Timestamp: <unix seconds>` and
// `X-Meridian-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`; a receiver
// recomputes it over the raw body and refuses stale timestamps (replays).
//
// Contract:
// - Each attempt has one deadline (`timeout`) over resolve, connect, TLS, write and read: a
//   receiver that never answers holds only its own delivery, for at most
//   attempts * timeout + the backoff delays. A 2xx answer is delivered; anything else (another
//   status, a connection error, the deadline) is a failed attempt.
// - At most `max_in_flight` deliveries run at once; more wait in a queue of `max_queued`; a
//   delivery beyond both is dead-lettered at once ("delivery queue full"), never blocking the
//   caller.
// - Every outcome is reported once through `Report` (on the deliverer's executor): one per
//   failed attempt that will be retried (retrying), then delivered or dead_letter.
// - The secret is held only for the delivery (auth::SecretText, wiped) and never logged.
// Thread-safe: deliver() from any thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/auth/secret_box.hpp"
#include "meridian/core/time.hpp"
#include "meridian/transport/backoff.hpp"
#include "meridian/transport/tls.hpp"

namespace meridian::alerts {

// "sha256=" + lower-case hex HMAC-SHA256 of "<timestamp>.<body>" under `secret`.
std::string webhook_signature(std::string_view secret, std::string_view timestamp, std::string_view body);

struct WebhookLimits {
  std::chrono::milliseconds timeout{5'000};  // per attempt, everything included
  int attempts = 5;                          // then a dead letter
  transport::BackoffConfig backoff{std::chrono::milliseconds(500), std::chrono::milliseconds(30'000), 2.0, 0.2};
  std::size_t max_in_flight = 32;
  std::size_t max_queued = 1024;
};

// The delays before retries 1..attempts-1 (un-jittered bases): what a Backoff with `config`
// waits, for the docs and tests.
std::vector<std::chrono::milliseconds> backoff_schedule(const transport::BackoffConfig& config, int attempts);

struct DeliveryOutcome {
  enum class Status : std::uint8_t { retrying, delivered, dead_letter };
  Status status = Status::retrying;
  int attempts = 0;          // made so far
  std::string error;         // the last attempt's, empty when delivered
  unsigned http_status = 0;  // the last answer's, 0: none
  core::Timestamp at{};
};
std::string_view to_string(DeliveryOutcome::Status s) noexcept;

class WebhookDeliverer {
 public:
  // `body`: what was (or was to be) posted, for a dead letter.
  using Report = std::function<void(std::int64_t alert_id, const DeliveryOutcome&, const std::string& body)>;

  WebhookDeliverer(boost::asio::io_context& io, WebhookLimits limits, transport::TlsOptions tls = {});
  ~WebhookDeliverer();

  void set_report(Report report) { report_ = std::move(report); }
  // A new retry policy (timeout, attempts, backoff of `limits`; the concurrency bounds stay as
  // constructed), from config reload. Deliveries started from now on take the new backoff; every
  // attempt from now on takes the new timeout, and every give-up decision the new attempts.
  void set_retry_policy(const WebhookLimits& limits);
  // Queues one POST of `body` to `url` (already validated: alerts::decode).
  void deliver(std::int64_t alert_id, std::string url, auth::SecretText secret, std::string body);
  // Abandons queued and running deliveries (shutdown); no report follows.
  void stop();
  std::size_t in_flight() const;

  struct Job;

 private:
  void start_locked(std::shared_ptr<Job> job);
  void attempt(const std::shared_ptr<Job>& job);
  void finished(const std::shared_ptr<Job>& job);

  boost::asio::io_context& io_;
  WebhookLimits limits_;  // under mutex_ (reload replaces the retry policy)
  std::shared_ptr<boost::asio::ssl::context> tls_;
  Report report_;
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::vector<std::weak_ptr<Job>> running_;
  bool stopped_ = false;
};

}  // namespace meridian::alerts
