#include "meridian/alerts/condition.hpp"

#include <cmath>

#include "meridian/core/symbol_alias.hpp"
#include "meridian/transport/url.hpp"

namespace meridian::alerts {

namespace {

using nlohmann::json;

constexpr double kMaxMoney = 1e11;  // beyond what the ledger holds (core::kMaxFixedText)

FieldError bad(std::string field, std::string message) {
  return FieldError{std::move(field), std::move(message), "invalid_field"};
}

const json* present(const json& body, const char* name) {
  auto it = body.find(name);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

core::Result<std::string, FieldError> text(const json& body, const char* name, bool required) {
  const auto* v = present(body, name);
  if (!v) {
    if (required) return bad(name, std::string(name) + " is required");
    return {boost::system::in_place_value, std::string()};
  }
  if (!v->is_string()) return bad(name, std::string(name) + " must be a string");
  // In place: a string would also convert to the error (an aggregate of strings).
  return {boost::system::in_place_value, v->get<std::string>()};
}

core::Result<double, FieldError> number(const json& body, const char* name, double lo, double hi, bool lo_open) {
  const auto* v = present(body, name);
  if (!v) return bad(name, std::string(name) + " is required");
  const double x = v->is_number() ? v->get<double>() : std::nan("");
  if (!std::isfinite(x) || (lo_open ? x <= lo : x < lo) || x > hi)
    return bad(name, std::string(name) + " must be a number " + (lo_open ? "above " : "from ") + json(lo).dump() +
                         " to " + json(hi).dump());
  return x;
}

core::Result<Op, FieldError> op_of(const json& body, std::initializer_list<Op> allowed) {
  std::string names;
  for (auto o : allowed) names += (names.empty() ? "" : ", ") + std::string(to_string(o));
  const auto* v = present(body, "condition");
  if (!v) {
    if (allowed.size() == 1) return *allowed.begin();  // the kind's only condition
    return bad("condition", "condition is required: one of " + names);
  }
  if (v->is_string())
    for (auto o : allowed)
      if (v->get<std::string>() == to_string(o)) return o;
  return bad("condition", "condition must be one of " + names + " for this kind");
}

core::Result<core::SymbolId, FieldError> symbol_of(const json& body, const core::InstrumentTable& instruments,
                                                   Condition& c) {
  auto name = text(body, "symbol", true);
  if (!name) return name.error();
  auto id = core::resolve_symbol(instruments, *name);
  if (!id) return bad("symbol", "unknown symbol '" + *name + "'");
  c.symbol = *id;
  c.symbol_name = instruments.at(*id).symbol;
  return *id;
}

core::Result<void, FieldError> portfolio_of(const json& body, Condition& c) {
  const auto* v = present(body, "portfolio_id");
  if (!v) return {};
  if (!v->is_number_integer() || v->get<long long>() <= 0)
    return bad("portfolio_id", "portfolio_id must be a portfolio's id (a positive integer)");
  c.portfolio_id = v->get<long long>();
  return {};
}

}  // namespace

std::string_view to_string(Kind k) noexcept {
  switch (k) {
    case Kind::price: return "price";
    case Kind::indicator: return "indicator";
    case Kind::pnl: return "pnl";
    case Kind::drawdown: return "drawdown";
    case Kind::risk_state: return "risk_state";
    case Kind::gateway_disconnect: return "gateway_disconnect";
  }
  return "?";
}

std::string_view to_string(Op o) noexcept {
  switch (o) {
    case Op::crosses_above: return "crosses_above";
    case Op::crosses_below: return "crosses_below";
    case Op::above: return "above";
    case Op::below: return "below";
    case Op::beyond: return "beyond";
    case Op::changes: return "changes";
    case Op::disconnects: return "disconnects";
  }
  return "?";
}

std::string_view to_string(IndicatorKind i) noexcept {
  switch (i) {
    case IndicatorKind::rsi: return "rsi";
    case IndicatorKind::sma: return "sma";
    case IndicatorKind::ema: return "ema";
  }
  return "?";
}

core::Result<Condition, FieldError> condition_from_json(const json& body, const core::InstrumentTable& instruments) {
  if (!body.is_object()) return bad("body", "the alert must be a JSON object");
  auto kind_text = text(body, "kind", true);
  if (!kind_text) return kind_text.error();
  Condition c;
  static constexpr Kind kKinds[] = {Kind::price,    Kind::indicator,  Kind::pnl,
                                    Kind::drawdown, Kind::risk_state, Kind::gateway_disconnect};
  bool known = false;
  for (auto k : kKinds)
    if (*kind_text == to_string(k)) c.kind = k, known = true;
  if (!known)
    return bad("kind", "unknown kind '" + *kind_text +
                           "': one of price, indicator, pnl, drawdown, risk_state, gateway_disconnect");
  constexpr Op kLevels[] = {Op::crosses_above, Op::crosses_below, Op::above, Op::below};
  switch (c.kind) {
    case Kind::price: {
      if (auto s = symbol_of(body, instruments, c); !s) return s.error();
      auto op = op_of(body, {kLevels[0], kLevels[1], kLevels[2], kLevels[3]});
      if (!op) return op.error();
      c.op = *op;
      auto t = number(body, "threshold", 0, kMaxMoney, true);
      if (!t) return t.error();
      c.threshold = *t;
      break;
    }
    case Kind::indicator: {
      if (auto s = symbol_of(body, instruments, c); !s) return s.error();
      auto name = text(body, "indicator", true);
      if (!name) return name.error();
      bool found = false;
      for (auto i : {IndicatorKind::rsi, IndicatorKind::sma, IndicatorKind::ema})
        if (*name == to_string(i)) c.indicator = i, found = true;
      if (!found) return bad("indicator", "unknown indicator '" + *name + "': one of rsi, sma, ema");
      auto period = number(body, "period", 2, static_cast<double>(kMaxIndicatorPeriod), false);
      if (!period || *period != std::floor(*period))
        return bad("period", "period must be an integer from 2 to " + std::to_string(kMaxIndicatorPeriod));
      c.period = static_cast<std::size_t>(*period);
      auto tf = text(body, "timeframe", true);
      if (!tf) return tf.error();
      auto parsed = core::parse_timeframe(*tf);
      if (!parsed) return bad("timeframe", "unknown timeframe '" + *tf + "': one of 1m, 5m, 15m, 1h, 4h, 1d");
      c.timeframe = *parsed;
      auto op = op_of(body, {kLevels[0], kLevels[1], kLevels[2], kLevels[3]});
      if (!op) return op.error();
      c.op = *op;
      auto t = c.indicator == IndicatorKind::rsi ? number(body, "threshold", 0, 100, false)
                                                 : number(body, "threshold", 0, kMaxMoney, true);
      if (!t) return t.error();
      c.threshold = *t;
      break;
    }
    case Kind::pnl: {
      if (auto p = portfolio_of(body, c); !p) return p.error();
      if (present(body, "symbol"))
        if (auto s = symbol_of(body, instruments, c); !s) return s.error();
      auto op = op_of(body, {Op::above, Op::below});
      if (!op) return op.error();
      c.op = *op;
      auto t = number(body, "threshold", -kMaxMoney, kMaxMoney, false);
      if (!t) return t.error();
      c.threshold = *t;
      break;
    }
    case Kind::drawdown: {
      if (auto p = portfolio_of(body, c); !p) return p.error();
      auto op = op_of(body, {Op::beyond});
      if (!op) return op.error();
      c.op = *op;
      auto t = number(body, "threshold", 0, 100, true);
      if (!t) return t.error();
      c.threshold = *t;
      break;
    }
    case Kind::risk_state: {
      if (auto p = portfolio_of(body, c); !p) return p.error();
      auto op = op_of(body, {Op::changes});
      if (!op) return op.error();
      c.op = *op;
      auto to = text(body, "to", false);
      if (!to) return to.error();
      if (!to->empty()) {
        c.to = risk::parse_risk_state(*to);
        if (!c.to) return bad("to", "to must be one of active, reducing, halted");
      }
      break;
    }
    case Kind::gateway_disconnect: {
      auto op = op_of(body, {Op::disconnects});
      if (!op) return op.error();
      c.op = *op;
      auto gw = text(body, "gateway", false);
      if (!gw) return gw.error();
      if (gw->size() > 64) return bad("gateway", "gateway must be a name of at most 64 characters");
      c.gateway = *gw;
      break;
    }
  }
  return c;
}

core::Result<Decoded, FieldError> decode(const json& body, const core::InstrumentTable& instruments) {
  Decoded d;
  auto c = condition_from_json(body, instruments);
  if (!c) return c.error();
  d.condition = std::move(*c);
  auto message = text(body, "message", false);
  if (!message) return message.error();
  if (message->size() > kMaxMessageChars)
    return bad("message", "message must be at most " + std::to_string(kMaxMessageChars) + " characters");
  d.options.message = std::move(*message);
  if (const auto* r = present(body, "recurring")) {
    if (!r->is_boolean()) return bad("recurring", "recurring must be true or false");
    d.options.recurring = r->get<bool>();
  }
  if (present(body, "cooldown_s")) {
    auto cd = number(body, "cooldown_s", 0, static_cast<double>(kMaxCooldownSeconds), false);
    if (!cd || *cd != std::floor(*cd))
      return bad("cooldown_s", "cooldown_s must be an integer from 0 to " + std::to_string(kMaxCooldownSeconds));
    d.options.cooldown = std::chrono::seconds(static_cast<std::int64_t>(*cd));
  }
  if (present(body, "hysteresis")) {
    auto h = number(body, "hysteresis", 0, kMaxMoney, false);
    if (!h) return h.error();
    d.options.hysteresis = *h;
  }
  auto url = text(body, "webhook_url", false);
  if (!url) return url.error();
  auto secret = text(body, "webhook_secret", false);
  if (!secret) return secret.error();
  if (!url->empty()) {
    if (url->size() > 2048) return bad("webhook_url", "webhook_url must be at most 2048 characters");
    std::string error;
    if (!transport::parse_web_url(*url, error)) return bad("webhook_url", "webhook_url: " + error);
    if (secret->size() < 16 || secret->size() > 256)
      return bad("webhook_secret",
                 "webhook_secret (16 to 256 characters) is required with webhook_url: receivers check the signature");
  } else if (!secret->empty()) {
    return bad("webhook_secret", "webhook_secret is only for an alert with a webhook_url");
  }
  d.options.webhook_url = std::move(*url);
  d.options.webhook_secret = std::move(*secret);
  return d;
}

json to_json(const Condition& c) {
  json j{{"kind", to_string(c.kind)}, {"condition", to_string(c.op)}};
  if (c.symbol) j["symbol"] = c.symbol_name;
  switch (c.kind) {
    case Kind::price: j["threshold"] = c.threshold; break;
    case Kind::indicator:
      j["indicator"] = to_string(c.indicator);
      j["period"] = c.period;
      j["timeframe"] = core::to_string(c.timeframe);
      j["threshold"] = c.threshold;
      break;
    case Kind::pnl:
    case Kind::drawdown:
      j["threshold"] = c.threshold;
      if (c.portfolio_id) j["portfolio_id"] = *c.portfolio_id;
      break;
    case Kind::risk_state:
      if (c.portfolio_id) j["portfolio_id"] = *c.portfolio_id;
      if (c.to) j["to"] = risk::to_string(*c.to);
      break;
    case Kind::gateway_disconnect:
      if (!c.gateway.empty()) j["gateway"] = c.gateway;
      break;
  }
  return j;
}

Trigger::Trigger(Op op, double threshold, double hysteresis, bool recurring, std::chrono::seconds cooldown) noexcept
    : op_(op),
      threshold_(threshold),
      hysteresis_(hysteresis),
      recurring_(recurring),
      cooldown_(cooldown),
      // A crossing needs a value on the other side first; a level is armed from the start.
      armed_(op != Op::crosses_above && op != Op::crosses_below) {}

bool Trigger::holds(double v) const noexcept {
  return op_ == Op::crosses_below || op_ == Op::below ? v <= threshold_ : v >= threshold_;
}

bool Trigger::released(double v) const noexcept {
  return op_ == Op::crosses_below || op_ == Op::below ? v > threshold_ + hysteresis_ : v < threshold_ - hysteresis_;
}

bool Trigger::cooling_down(core::Timestamp now) const noexcept {
  return last_fired_ && now - *last_fired_ < cooldown_;
}

bool Trigger::observe(double value, core::Timestamp now) noexcept {
  previous_ = last_;
  last_ = value;
  if (spent() || !std::isfinite(value)) return false;
  if (!armed_) {
    if (released(value)) armed_ = true;
    return false;
  }
  if (!holds(value) || cooling_down(now)) return false;
  armed_ = false;
  fired_ = true;
  last_fired_ = now;
  return true;
}

bool Trigger::fire_event(core::Timestamp now) noexcept {
  if (spent() || cooling_down(now)) return false;
  fired_ = true;
  last_fired_ = now;
  return true;
}

void Trigger::restore(std::optional<core::Timestamp> last_fired) noexcept {
  if (!last_fired) return;
  fired_ = true;
  last_fired_ = last_fired;
  // A level that fired before the restart waits for the value to release it again.
  armed_ = false;
}

}  // namespace meridian::alerts
