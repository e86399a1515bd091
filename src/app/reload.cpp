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

struct Key {
  const char* name;
  bool live;
  std::string (*value)(const Config&);
};

// Every option of config.cpp, as named in the config file (an option added there belongs here
// too, or a change of it on reload goes unreported).
const Key kKeys[] = {
    {"host", false, [](const Config& c) { return text_of(c.host); }},
    {"port", false, [](const Config& c) { return text_of(c.port); }},
    {"port-file", false, [](const Config& c) { return text_of(c.port_file); }},
    {"static-dir", false, [](const Config& c) { return text_of(c.static_dir); }},
    {"threads", false, [](const Config& c) { return text_of(c.threads); }},
    {"body-limit", false, [](const Config& c) { return text_of(c.body_limit); }},
    {"read-timeout-ms", false, [](const Config& c) { return text_of(c.read_timeout_ms); }},
    {"allowed-origin", false, [](const Config& c) { return text_of(c.allowed_origins); }},
    {"cors-origin", false, [](const Config& c) { return text_of(c.cors_origins); }},
    {"allowed-host", false, [](const Config& c) { return text_of(c.allowed_hosts); }},
    {"tls-cert", false, [](const Config& c) { return text_of(c.tls_cert); }},
    {"tls-key", false, [](const Config& c) { return text_of(c.tls_key); }},
    {"auth", false, [](const Config& c) { return text_of(c.auth); }},
    {"public-read", false, [](const Config& c) { return text_of(c.public_read); }},
    {"ws-anonymous", false, [](const Config& c) { return text_of(c.ws_anonymous); }},
    {"registration", false, [](const Config& c) { return text_of(c.registration); }},
    {"jwt-secret-file", false, [](const Config& c) { return text_of(c.jwt_secret_file); }},
    {"secrets-key-file", false, [](const Config& c) { return text_of(c.secrets_key_file); }},
    {"state-dir", false, [](const Config& c) { return text_of(c.state_dir); }},
    {"rate-limit", false, [](const Config& c) { return text_of(c.rate_limit); }},
    {"rate-burst", false, [](const Config& c) { return text_of(c.rate_burst); }},
    {"metrics-token", false, [](const Config& c) { return text_of(c.metrics_token); }},
    {"metrics-token-file", false, [](const Config& c) { return text_of(c.metrics_token_file); }},
    {"database-url", false, [](const Config& c) { return text_of(c.database_url); }},
    {"symbols", false, [](const Config& c) { return text_of(c.symbols); }},
    {"initial-capital", false, [](const Config& c) { return text_of(c.initial_capital); }},
    {"fee-bps", false, [](const Config& c) { return text_of(c.fee_bps); }},
    {"maker-fee-bps", false, [](const Config& c) { return text_of(c.maker_fee_bps); }},
    {"venue-fee", false, [](const Config& c) { return text_of(c.venue_fees); }},
    {"slippage-bps", false, [](const Config& c) { return text_of(c.slippage_bps); }},
    {"impact-bps", false, [](const Config& c) { return text_of(c.impact_bps); }},
    {"max-participation", false, [](const Config& c) { return text_of(c.max_participation); }},
    {"fill-latency-ms", false, [](const Config& c) { return text_of(c.fill_latency_ms); }},
    {"max-order-notional", true, [](const Config& c) { return text_of(c.max_order_notional); }},
    {"max-order-quantity", true, [](const Config& c) { return text_of(c.max_order_quantity); }},
    {"max-position-notional", true, [](const Config& c) { return text_of(c.max_position_notional); }},
    {"max-open-positions", true, [](const Config& c) { return text_of(c.max_open_positions); }},
    {"max-gross-exposure", true, [](const Config& c) { return text_of(c.max_gross_exposure); }},
    {"max-daily-loss", true, [](const Config& c) { return text_of(c.max_daily_loss); }},
    {"max-drawdown", true, [](const Config& c) { return text_of(c.max_drawdown); }},
    {"max-orders-per-minute", true, [](const Config& c) { return text_of(c.max_orders_per_minute); }},
    {"price-band", true, [](const Config& c) { return text_of(c.price_band); }},
    {"stop-loss-pct", false, [](const Config& c) { return text_of(c.stop_loss_pct); }},
    {"take-profit-pct", false, [](const Config& c) { return text_of(c.take_profit_pct); }},
    {"trailing-stop-pct", false, [](const Config& c) { return text_of(c.trailing_stop_pct); }},
    {"position-fraction", false, [](const Config& c) { return text_of(c.position_fraction); }},
    {"fast-period", false, [](const Config& c) { return text_of(c.fast_period); }},
    {"slow-period", false, [](const Config& c) { return text_of(c.slow_period); }},
    {"autostart", false, [](const Config& c) { return text_of(c.autostart); }},
    {"tick-interval-ms", false, [](const Config& c) { return text_of(c.tick_interval_ms); }},
    {"sim-time-step-ms", false, [](const Config& c) { return text_of(c.sim_time_step_ms); }},
    {"sim-seed", false, [](const Config& c) { return text_of(c.sim_seed); }},
    {"feed", false, [](const Config& c) { return text_of(c.feed); }},
    {"coinbase-url", false, [](const Config& c) { return text_of(c.coinbase_url); }},
    {"coinbase-poll-ms", false, [](const Config& c) { return text_of(c.coinbase_poll_ms); }},
    {"coinbase-backfill-minutes", false, [](const Config& c) { return text_of(c.coinbase_backfill_minutes); }},
    {"binance-ws-url", false, [](const Config& c) { return text_of(c.binance_ws_url); }},
    {"binance-rest-url", false, [](const Config& c) { return text_of(c.binance_rest_url); }},
    {"alpaca-ws-url", false, [](const Config& c) { return text_of(c.alpaca_ws_url); }},
    {"alpaca-rest-url", false, [](const Config& c) { return text_of(c.alpaca_rest_url); }},
    {"alpaca-key-id", false, [](const Config& c) { return text_of(c.alpaca_key_id); }},
    {"alpaca-secret-key", false, [](const Config& c) { return text_of(c.alpaca_secret_key); }},
    {"alpaca-secret-file", false, [](const Config& c) { return text_of(c.alpaca_secret_file); }},
    {"venue-ca-file", false, [](const Config& c) { return text_of(c.venue_ca_file); }},
    {"replay-file", false, [](const Config& c) { return text_of(c.replay_files); }},
    {"replay-speed", false, [](const Config& c) { return text_of(c.replay_speed); }},
    {"replay-format", false, [](const Config& c) { return text_of(c.replay_format); }},
    {"calendars", false, [](const Config& c) { return text_of(c.calendars); }},
    {"venue", false, [](const Config& c) { return text_of(c.venues); }},
    {"early-close", true, [](const Config& c) { return text_of(c.early_closes); }},
    {"instrument", false, [](const Config& c) { return text_of(c.instruments); }},
    {"holiday", true, [](const Config& c) { return text_of(c.holidays); }},
    {"history-bars", false, [](const Config& c) { return text_of(c.history_bars); }},
    {"publish-interval-ms", false, [](const Config& c) { return text_of(c.publish_interval_ms); }},
    {"standby-poll-ms", false, [](const Config& c) { return text_of(c.standby_poll_ms); }},
    {"journal-backlog-limit", false, [](const Config& c) { return text_of(c.journal_backlog_limit); }},
    {"shutdown-grace-ms", false, [](const Config& c) { return text_of(c.shutdown_grace_ms); }},
    {"log-level", true, [](const Config& c) { return text_of(c.log_level); }},
    {"log-format", false, [](const Config& c) { return text_of(c.log_format); }},
};

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
    if (k.value(before) != k.value(after)) (k.live ? d.live : d.restart).emplace_back(k.name);
  return d;
}

ConfigReloader::ConfigReloader(Config current, engine::EngineRunner& runner, std::function<Config()> read)
    : current_(std::move(current)), runner_(runner), read_(std::move(read)) {}

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
  kept.log_level = next.log_level;
  kept.holidays = next.holidays;
  kept.early_closes = next.early_closes;
  kept.max_order_notional = next.max_order_notional;
  kept.max_order_quantity = next.max_order_quantity;
  kept.max_position_notional = next.max_position_notional;
  kept.max_open_positions = next.max_open_positions;
  kept.max_gross_exposure = next.max_gross_exposure;
  kept.max_daily_loss = next.max_daily_loss;
  kept.max_drawdown = next.max_drawdown;
  kept.max_orders_per_minute = next.max_orders_per_minute;
  kept.price_band = next.price_band;
  current_ = std::move(kept);
  app_log()->info("config reload ({}): applied [{}]; needs a restart: [{}]", trigger, fmt::join(diff.live, ", "),
                  fmt::join(diff.restart, ", "));
  return {true,
          {},
          {{"applied", diff.live},
           {"restart_required", diff.restart},
           {"unchanged", diff.live.empty() && diff.restart.empty()}}};
}

void ConfigReloader::apply(const Config& next, const ConfigDiff& diff) {
  if (has(diff.live, "log-level")) apply_log_level(next.log_level);
  const bool limits = std::any_of(diff.live.begin(), diff.live.end(),
                                  [](const auto& k) { return k.starts_with("max-") || k == "price-band"; });
  if (limits) {
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
  // Alerts (issue 17 item 5): once an alerts configuration exists, its webhooks are applied here.
}

}  // namespace meridian::app
