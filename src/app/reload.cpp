#include "meridian/app/reload.hpp"

#include <fmt/ranges.h>

#include <algorithm>

#include "app_log.hpp"
#include "meridian/app/logging.hpp"
#include "meridian/app/trading_config.hpp"
#include "meridian/app/venue_config.hpp"

namespace meridian::app {

namespace {

std::string text_of(const std::string& v) {
  return v;
}
std::string text_of(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + '\n';
  return out;
}
template <class T>
std::string text_of(const T& v) {
  return std::to_string(v);
}

// A key that can change live carries its new value into the configuration in force (`carry`);
// one that needs a restart has none.
struct Key {
  const char* name;
  void (*carry)(Config& to, const Config& from);
  std::string (*value)(const Config&);
};

// Every option of config.cpp, as named in the config file (an option added there belongs here
// too, or a change of it on reload goes unreported).
const Key kKeys[] = {
    {"host", nullptr, [](const Config& c) { return text_of(c.host); }},
    {"port", nullptr, [](const Config& c) { return text_of(c.port); }},
    {"port-file", nullptr, [](const Config& c) { return text_of(c.port_file); }},
    {"static-dir", nullptr, [](const Config& c) { return text_of(c.static_dir); }},
    {"threads", nullptr, [](const Config& c) { return text_of(c.threads); }},
    {"body-limit", nullptr, [](const Config& c) { return text_of(c.body_limit); }},
    {"read-timeout-ms", nullptr, [](const Config& c) { return text_of(c.read_timeout_ms); }},
    {"allowed-origin", nullptr, [](const Config& c) { return text_of(c.allowed_origins); }},
    {"cors-origin", nullptr, [](const Config& c) { return text_of(c.cors_origins); }},
    {"allowed-host", nullptr, [](const Config& c) { return text_of(c.allowed_hosts); }},
    {"tls-cert", nullptr, [](const Config& c) { return text_of(c.tls_cert); }},
    {"tls-key", nullptr, [](const Config& c) { return text_of(c.tls_key); }},
    {"auth", nullptr, [](const Config& c) { return text_of(c.auth); }},
    {"public-read", nullptr, [](const Config& c) { return text_of(c.public_read); }},
    {"ws-anonymous", nullptr, [](const Config& c) { return text_of(c.ws_anonymous); }},
    {"registration", nullptr, [](const Config& c) { return text_of(c.registration); }},
    {"jwt-secret-file", nullptr, [](const Config& c) { return text_of(c.jwt_secret_file); }},
    {"secrets-key-file", nullptr, [](const Config& c) { return text_of(c.secrets_key_file); }},
    {"state-dir", nullptr, [](const Config& c) { return text_of(c.state_dir); }},
    {"rate-limit", nullptr, [](const Config& c) { return text_of(c.rate_limit); }},
    {"rate-burst", nullptr, [](const Config& c) { return text_of(c.rate_burst); }},
    {"metrics-token", nullptr, [](const Config& c) { return text_of(c.metrics_token); }},
    {"metrics-token-file", nullptr, [](const Config& c) { return text_of(c.metrics_token_file); }},
    {"database-url", nullptr, [](const Config& c) { return text_of(c.database_url); }},
    {"symbols", nullptr, [](const Config& c) { return text_of(c.symbols); }},
    {"initial-capital", nullptr, [](const Config& c) { return text_of(c.initial_capital); }},
    {"fee-bps", nullptr, [](const Config& c) { return text_of(c.fee_bps); }},
    {"maker-fee-bps", nullptr, [](const Config& c) { return text_of(c.maker_fee_bps); }},
    {"venue-fee", nullptr, [](const Config& c) { return text_of(c.venue_fees); }},
    {"slippage-bps", nullptr, [](const Config& c) { return text_of(c.slippage_bps); }},
    {"impact-bps", nullptr, [](const Config& c) { return text_of(c.impact_bps); }},
    {"max-participation", nullptr, [](const Config& c) { return text_of(c.max_participation); }},
    {"fill-latency-ms", nullptr, [](const Config& c) { return text_of(c.fill_latency_ms); }},
    {"max-order-notional", [](Config& to, const Config& from) { to.max_order_notional = from.max_order_notional; },
     [](const Config& c) { return text_of(c.max_order_notional); }},
    {"max-order-quantity", [](Config& to, const Config& from) { to.max_order_quantity = from.max_order_quantity; },
     [](const Config& c) { return text_of(c.max_order_quantity); }},
    {"max-position-notional",
     [](Config& to, const Config& from) { to.max_position_notional = from.max_position_notional; },
     [](const Config& c) { return text_of(c.max_position_notional); }},
    {"max-open-positions", [](Config& to, const Config& from) { to.max_open_positions = from.max_open_positions; },
     [](const Config& c) { return text_of(c.max_open_positions); }},
    {"max-gross-exposure", [](Config& to, const Config& from) { to.max_gross_exposure = from.max_gross_exposure; },
     [](const Config& c) { return text_of(c.max_gross_exposure); }},
    {"max-daily-loss", [](Config& to, const Config& from) { to.max_daily_loss = from.max_daily_loss; },
     [](const Config& c) { return text_of(c.max_daily_loss); }},
    {"max-drawdown", [](Config& to, const Config& from) { to.max_drawdown = from.max_drawdown; },
     [](const Config& c) { return text_of(c.max_drawdown); }},
    {"max-orders-per-minute",
     [](Config& to, const Config& from) { to.max_orders_per_minute = from.max_orders_per_minute; },
     [](const Config& c) { return text_of(c.max_orders_per_minute); }},
    {"price-band", [](Config& to, const Config& from) { to.price_band = from.price_band; },
     [](const Config& c) { return text_of(c.price_band); }},
    {"stop-loss-pct", nullptr, [](const Config& c) { return text_of(c.stop_loss_pct); }},
    {"take-profit-pct", nullptr, [](const Config& c) { return text_of(c.take_profit_pct); }},
    {"trailing-stop-pct", nullptr, [](const Config& c) { return text_of(c.trailing_stop_pct); }},
    {"position-fraction", nullptr, [](const Config& c) { return text_of(c.position_fraction); }},
    {"fast-period", nullptr, [](const Config& c) { return text_of(c.fast_period); }},
    {"slow-period", nullptr, [](const Config& c) { return text_of(c.slow_period); }},
    {"autostart", nullptr, [](const Config& c) { return text_of(c.autostart); }},
    {"tick-interval-ms", nullptr, [](const Config& c) { return text_of(c.tick_interval_ms); }},
    {"sim-time-step-ms", nullptr, [](const Config& c) { return text_of(c.sim_time_step_ms); }},
    {"sim-seed", nullptr, [](const Config& c) { return text_of(c.sim_seed); }},
    {"feed", nullptr, [](const Config& c) { return text_of(c.feed); }},
    {"coinbase-url", nullptr, [](const Config& c) { return text_of(c.coinbase_url); }},
    {"coinbase-poll-ms", nullptr, [](const Config& c) { return text_of(c.coinbase_poll_ms); }},
    {"coinbase-backfill-minutes", nullptr, [](const Config& c) { return text_of(c.coinbase_backfill_minutes); }},
    {"binance-ws-url", nullptr, [](const Config& c) { return text_of(c.binance_ws_url); }},
    {"binance-rest-url", nullptr, [](const Config& c) { return text_of(c.binance_rest_url); }},
    {"alpaca-ws-url", nullptr, [](const Config& c) { return text_of(c.alpaca_ws_url); }},
    {"alpaca-rest-url", nullptr, [](const Config& c) { return text_of(c.alpaca_rest_url); }},
    {"alpaca-key-id", nullptr, [](const Config& c) { return text_of(c.alpaca_key_id); }},
    {"alpaca-secret-key", nullptr, [](const Config& c) { return text_of(c.alpaca_secret_key); }},
    {"alpaca-secret-file", nullptr, [](const Config& c) { return text_of(c.alpaca_secret_file); }},
    {"gateway", nullptr, [](const Config& c) { return text_of(c.gateway); }},
    {"gateway-portfolio", nullptr, [](const Config& c) { return text_of(c.gateway_portfolio); }},
    {"mode", nullptr, [](const Config& c) { return text_of(c.mode); }},
    {"alpaca-url", nullptr, [](const Config& c) { return text_of(c.alpaca_trading_url); }},
    {"alpaca-stream-url", nullptr, [](const Config& c) { return text_of(c.alpaca_stream_url); }},
    {"alpaca-trading-key-id", nullptr, [](const Config& c) { return text_of(c.alpaca_trading_key_id); }},
    {"alpaca-trading-secret-key", nullptr, [](const Config& c) { return text_of(c.alpaca_trading_secret_key); }},
    {"reconcile-interval", nullptr, [](const Config& c) { return text_of(c.reconcile_interval_s); }},
    {"alpaca-orders-per-minute", nullptr, [](const Config& c) { return text_of(c.alpaca_orders_per_minute); }},
    {"binance-testnet", nullptr, [](const Config& c) { return text_of(c.binance_testnet); }},
    {"binance-trading-url", nullptr, [](const Config& c) { return text_of(c.binance_trading_url); }},
    {"binance-trading-stream-url", nullptr, [](const Config& c) { return text_of(c.binance_trading_stream_url); }},
    {"binance-api-key", nullptr, [](const Config& c) { return text_of(c.binance_api_key); }},
    {"binance-secret-key", nullptr, [](const Config& c) { return text_of(c.binance_secret_key); }},
    {"binance-orders-per-10s", nullptr, [](const Config& c) { return text_of(c.binance_orders_per_10s); }},
    {"venue-ca-file", nullptr, [](const Config& c) { return text_of(c.venue_ca_file); }},
    {"replay-file", nullptr, [](const Config& c) { return text_of(c.replay_files); }},
    {"replay-speed", nullptr, [](const Config& c) { return text_of(c.replay_speed); }},
    {"replay-format", nullptr, [](const Config& c) { return text_of(c.replay_format); }},
    {"calendars", nullptr, [](const Config& c) { return text_of(c.calendars); }},
    {"venue", nullptr, [](const Config& c) { return text_of(c.venues); }},
    {"early-close", [](Config& to, const Config& from) { to.early_closes = from.early_closes; },
     [](const Config& c) { return text_of(c.early_closes); }},
    {"instrument", nullptr, [](const Config& c) { return text_of(c.instruments); }},
    {"holiday", [](Config& to, const Config& from) { to.holidays = from.holidays; },
     [](const Config& c) { return text_of(c.holidays); }},
    {"history-bars", nullptr, [](const Config& c) { return text_of(c.history_bars); }},
    {"publish-interval-ms", nullptr, [](const Config& c) { return text_of(c.publish_interval_ms); }},
    {"standby-poll-ms", nullptr, [](const Config& c) { return text_of(c.standby_poll_ms); }},
    {"journal-backlog-limit", nullptr, [](const Config& c) { return text_of(c.journal_backlog_limit); }},
    {"shutdown-grace-ms", nullptr, [](const Config& c) { return text_of(c.shutdown_grace_ms); }},
    {"log-level", [](Config& to, const Config& from) { to.log_level = from.log_level; },
     [](const Config& c) { return text_of(c.log_level); }},
    {"log-format", nullptr, [](const Config& c) { return text_of(c.log_format); }},
    {"ws-replay", nullptr, [](const Config& c) { return text_of(c.ws_replay); }},
    {"alert-webhook-timeout-ms",
     [](Config& to, const Config& from) { to.alert_webhook_timeout_ms = from.alert_webhook_timeout_ms; },
     [](const Config& c) { return text_of(c.alert_webhook_timeout_ms); }},
    {"alert-webhook-attempts",
     [](Config& to, const Config& from) { to.alert_webhook_attempts = from.alert_webhook_attempts; },
     [](const Config& c) { return text_of(c.alert_webhook_attempts); }},
    {"alert-webhook-backoff-ms",
     [](Config& to, const Config& from) { to.alert_webhook_backoff_ms = from.alert_webhook_backoff_ms; },
     [](const Config& c) { return text_of(c.alert_webhook_backoff_ms); }},
    {"decision-sentiment-weight", nullptr, [](const Config& c) { return text_of(c.decision_sentiment_weight); }},
};

// Whether the reload changes a risk limit (the max-* keys and the price band).
bool changes_limits(const ConfigDiff& diff) {
  return std::any_of(diff.live.begin(), diff.live.end(),
                     [](const auto& k) { return k.starts_with("max-") || k == "price-band"; });
}

// Which risk keys changed, applied over the limits in force (so a limit set over the API on a
// key the file did not change stays).
risk::Limits merged_limits(risk::Limits limits, const Config& next, const ConfigDiff& diff) {
  const auto from_file = risk_limits(next);
  for (const auto& k : diff.live) {
    if (k == "max-order-notional") limits.max_order_notional = from_file.max_order_notional;
    if (k == "max-order-quantity") limits.max_order_quantity = from_file.max_order_quantity;
    if (k == "max-position-notional") limits.max_position_notional = from_file.max_position_notional;
    if (k == "max-open-positions") limits.max_open_positions = from_file.max_open_positions;
    if (k == "max-gross-exposure") limits.max_gross_exposure = from_file.max_gross_exposure;
    if (k == "max-daily-loss") limits.max_daily_loss = from_file.max_daily_loss;
    if (k == "max-drawdown") limits.max_drawdown = from_file.max_drawdown;
    if (k == "max-orders-per-minute") limits.max_orders_per_minute = from_file.max_orders_per_minute;
    if (k == "price-band") limits.price_band = from_file.price_band;
  }
  return limits;
}

bool has(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

ConfigDiff diff_config(const Config& before, const Config& after) {
  ConfigDiff d;
  for (const auto& k : kKeys)
    if (k.value(before) != k.value(after)) (k.carry ? d.live : d.restart).emplace_back(k.name);
  return d;
}

ConfigReloader::ConfigReloader(Config current, engine::EngineRunner& runner, std::function<Config()> read)
    : current_(std::move(current)), runner_(runner), read_(std::move(read)) {}

void ConfigReloader::set_webhook_policy(std::function<void(const Config&)> hook) {
  std::lock_guard lock(mutex_);
  webhook_policy_ = std::move(hook);
}

ReloadOutcome ConfigReloader::reload(std::string_view trigger) {
  std::lock_guard lock(mutex_);
  Config next;
  try {
    next = read_();
    // The calendars the new holidays and early closes make: built here, so a date a venue
    // refuses is a problem reported now rather than on the strand.
    (void)make_calendars(next);
  } catch (const std::exception& e) {
    app_log()->error("config reload ({}): nothing changed: {}", trigger, e.what());
    return {false, e.what(), nullptr};
  }
  const auto diff = diff_config(current_, next);
  apply(next, diff);
  // What was applied now is in force; a restart-only key stays as started, so it is reported
  // again by the next reload until the daemon restarts.
  Config kept = current_;
  for (const auto& k : kKeys)
    if (k.carry) k.carry(kept, next);
  current_ = std::move(kept);
  app_log()->info("config reload ({}): applied [{}]; needs a restart: [{}]", trigger, fmt::join(diff.live, ", "),
                  fmt::join(diff.restart, ", "));
  // Risk limits in the file are the default portfolio's (as at start): a portfolio made over the
  // API keeps the limits it was given, and the answer says so rather than let "applied" suggest
  // every portfolio changed.
  auto notes = nlohmann::json::array();
  if (changes_limits(diff))
    notes.push_back(
        "risk limits apply to the default portfolio only; other portfolios keep their own (POST "
        "/api/risk/limits/{portfolio_id})");
  return {true,
          {},
          {{"applied", diff.live},
           {"restart_required", diff.restart},
           {"unchanged", diff.live.empty() && diff.restart.empty()},
           {"notes", std::move(notes)}}};
}

void ConfigReloader::apply(const Config& next, const ConfigDiff& diff) {
  if (has(diff.live, "log-level")) apply_log_level(next.log_level);
  if (changes_limits(diff)) {
    runner_.command(
        [next, diff](engine::Portfolio& p) { return p.set_risk_limits(merged_limits(p.risk_limits(), next, diff)); },
        [](const engine::CommandResult& r) {
          if (r) app_log()->error("config reload: the risk limits were refused: {}", r->message);
        });
  }
  if (has(diff.live, "holiday") || has(diff.live, "early-close")) {
    runner_.command(
        [calendars = make_calendars(next)](engine::Portfolio& p) mutable {
          p.set_calendars(std::move(calendars));
          return engine::CommandResult{};
        },
        [](const engine::CommandResult&) {});
  }
  const bool webhooks =
      std::any_of(diff.live.begin(), diff.live.end(), [](const auto& k) { return k.starts_with("alert-webhook-"); });
  if (webhooks && webhook_policy_) webhook_policy_(next);
}

}  // namespace meridian::app
