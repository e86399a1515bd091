#pragma once
// Alerts (#17 item 5): the alerts users made, evaluated on the engine's events and delivered
// over the WebSocket (`alert`, to the owner's clients) and to webhooks (alerts/webhook.hpp).
//
// Threads: the engine strand only posts each event here (attach); every alert is evaluated on
// this service's own strand, so an alert never slows the tick path. Rows are written on one
// storage thread; webhooks run on the io_context, each with its own deadline.
//
// Contract:
// - Alerts live in `alerts` (storage::AlertStore) and are loaded at start (load()): they survive
//   restarts, with their trigger count, last trigger, delivery status and dead letters; a
//   one-shot alert that fired stays triggered. A stored alert whose condition no longer
//   validates (a symbol since removed from the configuration) is logged and left out.
// - Market conditions (price, indicator) follow the default portfolio's events (market data is
//   the same for every portfolio); P&L, drawdown and risk-state conditions their portfolio's.
// - An indicator alert builds its own indicator (rsi, sma or ema of its period), warmed from the
//   snapshot's closed bars of its timeframe on the first close it sees, then updated per close.
// - At most `per_user` alerts per owner (429 too_many from the API beyond it).
// - The webhook secret is sealed under the secrets key (auth::SecretBox) before it is stored,
//   opened only to sign a delivery, and never returned or logged.
// - Callbacks (Done) run on the service's threads, exactly once.
// Reload: set_webhook_policy() replaces the webhooks' retry policy (WebhookDeliverer::
// set_retry_policy) from any thread; the other limits are fixed at construction.
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "meridian/alerts/condition.hpp"
#include "meridian/alerts/webhook.hpp"
#include "meridian/engine/events.hpp"
#include "meridian/storage/alert_store.hpp"

namespace meridian::alerts {

struct ServiceLimits {
  std::size_t per_user = 100;
  std::size_t dead_letters_kept = 20;  // the newest, per alert
  WebhookLimits webhook{};
};

// Why a request was refused (the API maps each to its status).
struct Failure {
  enum class Code : std::uint8_t { not_found, too_many, secrets_key_missing, unavailable } code;
  std::string message;
};

class AlertService {
 public:
  using Publish = std::function<void(std::shared_ptr<const std::string> message, std::int64_t owner)>;
  // The answer's document (null: none) or the failure.
  struct Answer {
    std::optional<Failure> failure;
    nlohmann::json body;
  };
  using Done = std::function<void(Answer)>;
  using Visible = std::function<bool(std::int64_t owner)>;

  // `secrets` null: alerts with a webhook are refused (secrets_key_missing).
  AlertService(boost::asio::io_context& io, const core::InstrumentTable& instruments, const storage::AlertStore& store,
               std::shared_ptr<const auth::SecretBox> secrets, std::int64_t default_portfolio,
               ServiceLimits limits = {});
  ~AlertService();
  AlertService(const AlertService&) = delete;
  AlertService& operator=(const AlertService&) = delete;

  // Before the engine starts: the stored alerts; how many. Errc::unavailable when the database is.
  core::Result<std::size_t> load();
  // Before the engine starts.
  void attach(engine::EventBus& bus);
  void set_publisher(Publish publish) { publish_ = std::move(publish); }
  // Config reload: the webhooks' timeout, attempts and backoff (any thread).
  void set_webhook_policy(const WebhookLimits& limits) { webhooks_.set_retry_policy(limits); }

  // 201 with the alert's document. `decoded.condition.portfolio_id` is set (the caller resolved it).
  void create(std::int64_t owner, Decoded decoded, Done done);
  // {"items": [...]} of the alerts `visible` admits, oldest first.
  void list(Visible visible, Done done);
  // 204; not_found for one that does not exist or is not `visible`.
  void remove(std::int64_t id, Visible visible, Done done);
  // Shutdown: no more deliveries; waits for the storage thread.
  void stop();

  struct Live;

 private:
  void on_event(const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap);
  void evaluate(Live& alert, double value, core::Timestamp now);
  void fire(Live& alert, std::optional<double> value, std::optional<double> previous, nlohmann::json detail,
            core::Timestamp now);
  void on_delivery(std::int64_t id, const DeliveryOutcome& outcome, const std::string& body);
  nlohmann::json view(const Live& alert, core::Timestamp now) const;
  void add(storage::AlertRow row, Condition condition);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const core::InstrumentTable& instruments_;
  const storage::AlertStore& store_;
  std::shared_ptr<const auth::SecretBox> secrets_;
  const std::int64_t default_portfolio_;
  const ServiceLimits limits_;
  Publish publish_;
  std::map<std::int64_t, std::unique_ptr<Live>> alerts_;  // strand only
  std::map<std::int64_t, std::size_t> reserved_;          // strand only: per owner, stored + being created
  WebhookDeliverer webhooks_;
  boost::asio::thread_pool db_{1};
};

// The context a webhook secret is sealed under (auth::SecretBox): its owner and URL, so a sealed
// secret copied to another alert of someone else does not open.
std::string webhook_secret_context(std::int64_t owner, std::string_view url);

}  // namespace meridian::alerts
