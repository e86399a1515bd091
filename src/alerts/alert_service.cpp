#include "meridian/alerts/alert_service.hpp"

#include <boost/asio/post.hpp>
#include <variant>

#include "alerts_log.hpp"
#include "meridian/indicators/ema.hpp"
#include "meridian/indicators/rsi.hpp"
#include "meridian/indicators/sma.hpp"

namespace meridian::alerts {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

using Indicator = std::variant<std::monostate, indicators::Rsi, indicators::Sma, indicators::Ema>;

Indicator make_indicator(const Condition& c) {
  if (c.kind != Kind::indicator) return std::monostate{};
  switch (c.indicator) {
    case IndicatorKind::rsi: return indicators::Rsi(c.period);
    case IndicatorKind::sma: return indicators::Sma(c.period);
    case IndicatorKind::ema: return indicators::Ema(c.period);
  }
  return std::monostate{};
}

json parse_or(const std::string& text, json fallback) {
  auto j = json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

std::string iso(core::Timestamp t) {
  return core::to_iso8601(t, 3);
}

}  // namespace

std::string webhook_secret_context(std::int64_t owner, std::string_view url) {
  return "alert-webhook:" + std::to_string(owner) + ":" + std::string(url);
}

struct AlertService::Live {
  Live(storage::AlertRow r, Condition c)
      : row(std::move(r)),
        condition(std::move(c)),
        trigger(condition.op, condition.threshold, row.hysteresis, row.recurring, std::chrono::seconds(row.cooldown_s)),
        indicator(make_indicator(condition)),
        delivery(parse_or(row.delivery, json::object())),
        dead_letters(parse_or(row.dead_letters, json::array())) {
    trigger.restore(row.triggered_at);
  }
  storage::AlertRow row;
  Condition condition;
  Trigger trigger;
  Indicator indicator;
  bool warmed = false;
  json delivery;
  json dead_letters;
};

AlertService::AlertService(asio::io_context& io, const core::InstrumentTable& instruments,
                           const storage::AlertStore& store, std::shared_ptr<const auth::SecretBox> secrets,
                           std::int64_t default_portfolio, ServiceLimits limits)
    : strand_(asio::make_strand(io)),
      instruments_(instruments),
      store_(store),
      secrets_(std::move(secrets)),
      default_portfolio_(default_portfolio),
      limits_(limits),
      webhooks_(io, limits.webhook) {
  webhooks_.set_report([this](std::int64_t id, const DeliveryOutcome& outcome, const std::string& body) {
    asio::post(strand_, [this, id, outcome, body] { on_delivery(id, outcome, body); });
  });
}

AlertService::~AlertService() {
  stop();
}

void AlertService::stop() {
  webhooks_.stop();
  db_.join();
}

core::Result<std::size_t> AlertService::load() {
  auto rows = store_.all();
  if (!rows) return rows.error();
  std::size_t loaded = 0;
  for (auto& row : *rows) {
    auto condition = condition_from_json(parse_or(row.spec, json::object()), instruments_);
    if (!condition) {
      alerts_log()->warn("alert {} left out: its stored condition no longer holds ({}: {})", row.id,
                         condition.error().field, condition.error().message);
      continue;
    }
    add(std::move(row), std::move(*condition));
    ++loaded;
  }
  return loaded;
}

void AlertService::add(storage::AlertRow row, Condition condition) {
  const auto id = row.id;
  alerts_[id] = std::make_unique<Live>(std::move(row), std::move(condition));
  ++reserved_[alerts_[id]->row.owner_id];
}

void AlertService::attach(engine::EventBus& bus) {
  // Called on the engine strand: hand off at once, evaluate on this strand.
  bus.subscribe([this](const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap) {
    if (std::holds_alternative<engine::SignalRaised>(event) || std::holds_alternative<engine::OrderChanged>(event) ||
        std::holds_alternative<engine::SessionChanged>(event))
      return;  // no alert watches these
    asio::post(strand_, [this, event, snap] { on_event(event, snap); });
  });
}

void AlertService::on_event(const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap) {
  if (alerts_.empty()) return;
  const auto now = core::now();
  const auto portfolio = snap->portfolio_id;
  const bool market = portfolio == default_portfolio_;
  const bool money =
      std::holds_alternative<engine::PricesMoved>(event) || std::holds_alternative<engine::TradeDurable>(event);
  const auto* bar = std::get_if<engine::BarClosed>(&event);
  const auto* risk_change = std::get_if<engine::RiskChanged>(&event);
  for (auto& [id, alert] : alerts_) {
    auto& a = *alert;
    if (a.trigger.spent()) continue;
    const auto& c = a.condition;
    switch (c.kind) {
      case Kind::price:
        if (market && std::holds_alternative<engine::PricesMoved>(event) && *c.symbol < snap->symbols.size() &&
            snap->symbols[*c.symbol].has_tick)
          evaluate(a, snap->mark(*c.symbol).to_double(), now);
        break;
      case Kind::indicator: {
        if (!market || !bar || bar->bar.symbol != *c.symbol || bar->bar.timeframe != c.timeframe) break;
        std::visit(
            [&](auto& ind) {
              if constexpr (!std::is_same_v<std::decay_t<decltype(ind)>, std::monostate>) {
                if (!a.warmed) {
                  // The closed bars before this one (the snapshot already holds this one).
                  const auto& series = snap->series(c.timeframe, *c.symbol);
                  const std::size_t keep = std::min<std::size_t>(series.size(), 10 * c.period + 10);
                  for (std::size_t i = series.size() - keep; i < series.size(); ++i)
                    if (series[i].open_time < bar->bar.open_time) ind.update(series[i]);
                  a.warmed = true;
                }
                ind.update(bar->bar);
                if (ind.ready()) evaluate(a, ind.value(), now);
              }
            },
            a.indicator);
        break;
      }
      case Kind::pnl: {
        if (!money || portfolio != *c.portfolio_id) break;
        double pnl = 0;
        if (c.symbol) {
          for (const auto& p : snap->positions)
            if (p.symbol == *c.symbol)
              pnl = p.state.quantity.to_double() * snap->mark(p.symbol).to_double() - p.state.cost_basis.to_double();
        } else {
          pnl = snap->unrealized_pnl().to_double();
        }
        evaluate(a, pnl, now);
        break;
      }
      case Kind::drawdown:
        if (money && portfolio == *c.portfolio_id) evaluate(a, snap->risk.drawdown * 100.0, now);
        break;
      case Kind::risk_state:
        if (risk_change && portfolio == *c.portfolio_id && (!c.to || *c.to == risk_change->to) &&
            a.trigger.fire_event(now))
          fire(a, std::nullopt, std::nullopt,
               {{"from", risk::to_string(risk_change->from)},
                {"to", risk::to_string(risk_change->to)},
                {"reason", risk_change->reason}},
               now);
        break;
      case Kind::gateway_disconnect: break;  // no gateway exists yet: nothing raises the event (see condition.hpp)
    }
  }
}

void AlertService::evaluate(Live& alert, double value, core::Timestamp now) {
  if (alert.trigger.observe(value, now)) fire(alert, value, alert.trigger.previous(), json::object(), now);
}

void AlertService::fire(Live& a, std::optional<double> value, std::optional<double> previous, json detail,
                        core::Timestamp now) {
  auto& row = a.row;
  ++row.trigger_count;
  row.triggered_at = now;
  row.triggered_value = value;
  if (!row.recurring) row.status = "triggered";
  json data{{"alert_id", row.id},
            {"kind", to_string(a.condition.kind)},
            {"condition", to_json(a.condition)},
            {"message", row.message},
            {"value", value ? json(*value) : json(nullptr)},
            {"previous", previous ? json(*previous) : json(nullptr)},
            {"triggered_at", iso(now)},
            {"trigger_count", row.trigger_count},
            {"recurring", row.recurring}};
  if (!detail.empty()) data["detail"] = std::move(detail);
  auto message = std::make_shared<const std::string>(json{{"type", "alert"}, {"data", data}}.dump());
  alerts_log()->info("alert {} ({}) triggered{}", row.id, to_string(a.condition.kind),
                     value ? fmt::format(" at {}", *value) : std::string());
  if (publish_) publish_(message, row.owner_id);
  asio::post(db_, [this, id = row.id, status = row.status, now, v = value.value_or(0), n = row.trigger_count] {
    (void)store_.record_trigger(id, status, now, v, n);
  });
  if (row.webhook_url.empty()) return;
  a.delivery = {{"status", "pending"}, {"attempts", 0}, {"at", iso(now)}};
  auto secret = secrets_ && row.webhook_secret
                    ? secrets_->open(*row.webhook_secret, webhook_secret_context(row.owner_id, row.webhook_url))
                    : core::Result<auth::SecretText>(core::Errc::unavailable);
  if (!secret) {
    // Never sent unsigned: a receiver could not tell it from a forgery.
    on_delivery(
        row.id,
        {DeliveryOutcome::Status::dead_letter, 0,
         "the webhook secret cannot be opened (no secrets key, or another one than it was sealed under)", 0, now},
        *message);
    return;
  }
  webhooks_.deliver(row.id, row.webhook_url, std::move(*secret), *message);
}

void AlertService::on_delivery(std::int64_t id, const DeliveryOutcome& outcome, const std::string& body) {
  auto it = alerts_.find(id);
  if (it == alerts_.end()) return;  // deleted meanwhile
  auto& a = *it->second;
  a.delivery = {{"status", to_string(outcome.status)}, {"attempts", outcome.attempts}, {"at", iso(outcome.at)}};
  if (!outcome.error.empty()) a.delivery["last_error"] = outcome.error;
  if (outcome.http_status) a.delivery["http_status"] = outcome.http_status;
  if (outcome.status == DeliveryOutcome::Status::dead_letter) {
    a.dead_letters.push_back({{"at", iso(outcome.at)},
                              {"attempts", outcome.attempts},
                              {"error", outcome.error},
                              {"payload", parse_or(body, json(body))}});
    while (a.dead_letters.size() > limits_.dead_letters_kept) a.dead_letters.erase(a.dead_letters.begin());
  }
  asio::post(db_, [this, id, delivery = a.delivery.dump(), dead = a.dead_letters.dump()] {
    (void)store_.record_delivery(id, delivery, dead);
  });
}

json AlertService::view(const Live& a, core::Timestamp now) const {
  const auto& row = a.row;
  std::string state = a.trigger.spent()                                           ? "triggered"
                      : a.condition.kind == Kind::gateway_disconnect              ? "waiting"
                      : a.trigger.cooling_down(now)                               ? "cooling_down"
                      : a.trigger.armed() || a.condition.kind == Kind::risk_state ? "armed"
                                                                                  : "waiting";
  json j{{"id", row.id},
         {"owner_id", row.owner_id ? json(row.owner_id) : json(nullptr)},
         {"condition", to_json(a.condition)},
         {"kind", to_string(a.condition.kind)},
         {"message", row.message},
         {"recurring", row.recurring},
         {"cooldown_s", row.cooldown_s},
         {"hysteresis", row.hysteresis},
         {"status", row.status},
         {"state", state},
         {"trigger_count", row.trigger_count},
         {"last_trigger", row.triggered_at
                              ? json{{"at", iso(*row.triggered_at)},
                                     {"value", row.triggered_value ? json(*row.triggered_value) : json(nullptr)}}
                              : json(nullptr)},
         {"webhook", row.webhook_url.empty() ? json(nullptr) : json{{"url", row.webhook_url}, {"signed", true}}},
         {"delivery", a.delivery.empty() ? json(nullptr) : a.delivery},
         {"dead_letters", a.dead_letters},
         {"created_at", iso(row.created_at)}};
  return j;
}

void AlertService::create(std::int64_t owner, Decoded decoded, Done done) {
  auto& opts = decoded.options;
  storage::AlertRow row;
  row.owner_id = owner;
  row.portfolio_id = decoded.condition.portfolio_id;
  row.kind = to_string(decoded.condition.kind);
  row.condition = to_string(decoded.condition.op);
  row.symbol = decoded.condition.symbol_name;
  if (decoded.condition.kind == Kind::indicator) row.indicator = to_string(decoded.condition.indicator);
  row.threshold = decoded.condition.threshold;
  row.spec = to_json(decoded.condition).dump();
  row.message = opts.message;
  row.recurring = opts.recurring;
  row.cooldown_s = opts.cooldown.count();
  row.hysteresis = opts.hysteresis;
  if (!opts.webhook_url.empty()) {
    if (!secrets_)
      return done({Failure{Failure::Code::secrets_key_missing,
                           "webhook secrets are stored only encrypted, and this daemon has no secrets key: start it "
                           "with --secrets-key-file FILE or MERIDIAN_SECRETS_KEY (32 bytes as hex or base64)"},
                   nullptr});
    row.webhook_url = opts.webhook_url;
    row.webhook_secret = secrets_->seal(opts.webhook_secret, webhook_secret_context(owner, opts.webhook_url));
    auth::wipe(opts.webhook_secret);
  }
  asio::post(strand_, [this, owner, row = std::move(row), condition = std::move(decoded.condition),
                       done = std::move(done)]() mutable {
    auto& reserved = reserved_[owner];
    if (reserved >= limits_.per_user)
      return done({Failure{Failure::Code::too_many,
                           "at most " + std::to_string(limits_.per_user) + " alerts per user: delete one first"},
                   nullptr});
    ++reserved;
    asio::post(
        db_, [this, owner, row = std::move(row), condition = std::move(condition), done = std::move(done)]() mutable {
          auto created = store_.create(row);
          asio::post(strand_, [this, owner, created, row = std::move(row), condition = std::move(condition),
                               done = std::move(done)]() mutable {
            --reserved_[owner];
            if (!created)
              return done({Failure{Failure::Code::unavailable, "the alert could not be stored; try again"}, nullptr});
            row.id = created->first;
            row.created_at = created->second;
            const auto id = row.id;
            alerts_log()->info("alert {} created ({} {})", id, row.kind, row.condition);
            add(std::move(row), std::move(condition));
            done({std::nullopt, view(*alerts_[id], core::now())});
          });
        });
  });
}

void AlertService::list(Visible visible, Done done) {
  asio::post(strand_, [this, visible = std::move(visible), done = std::move(done)] {
    json items = json::array();
    const auto now = core::now();
    for (const auto& [id, a] : alerts_)
      if (visible(a->row.owner_id)) items.push_back(view(*a, now));
    done({std::nullopt, json{{"items", std::move(items)}}});
  });
}

void AlertService::remove(std::int64_t id, Visible visible, Done done) {
  asio::post(strand_, [this, id, visible = std::move(visible), done = std::move(done)]() mutable {
    auto it = alerts_.find(id);
    if (it == alerts_.end() || !visible(it->second->row.owner_id))
      return done({Failure{Failure::Code::not_found, "no alert with id " + std::to_string(id)}, nullptr});
    asio::post(db_, [this, id, done = std::move(done)]() mutable {
      auto removed = store_.remove(id);
      asio::post(strand_, [this, id, removed, done = std::move(done)] {
        if (!removed)
          return done({Failure{Failure::Code::unavailable, "the alert could not be deleted; try again"}, nullptr});
        if (auto found = alerts_.find(id); found != alerts_.end()) {
          --reserved_[found->second->row.owner_id];
          alerts_.erase(found);
        }
        done({std::nullopt, nullptr});
      });
    });
  });
}

}  // namespace meridian::alerts
