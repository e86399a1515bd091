#pragma once
// What an alert watches (#17 item 5), as POST /api/alerts takes it and alerts table's `spec`
// keeps it, and the trigger logic every kind shares.
//
// Kinds (the body's fields; every error names the field at fault):
//   price               symbol, condition crosses_above|crosses_below|above|below, threshold > 0
//   indicator           symbol, indicator rsi|sma|ema, period 2..500, timeframe 1m..1d,
//                       condition as price, threshold (rsi: 0..100; sma/ema: > 0); evaluated on
//                       each close of a bar of that timeframe
//   pnl                 portfolio_id (absent: the default portfolio), symbol (absent: the whole
//                       portfolio), condition above|below, threshold: unrealised P&L in the
//                       quote currency, may be negative
//   drawdown            portfolio_id, threshold: percent from the peak, 0 < t <= 100 (condition
//                       `beyond`)
//   risk_state          portfolio_id, `to` (absent: any change) active|reducing|halted (`changes`)
//   gateway_disconnect  gateway (a name; absent: any). No gateway exists yet: accepted, stored and
//                       listed, evaluated on the gateway-disconnect event once gateways exist
//                       (`disconnects`); until then it never triggers.
// Common: message (<= 500 chars), recurring (false: one-shot), cooldown_s (0..604800),
// hysteresis (>= 0, in the value's unit), webhook_url + webhook_secret (alerts/webhook.hpp).
//
// Pure: any thread.
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "meridian/core/error.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/core/time.hpp"
#include "meridian/core/types.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "meridian/risk/pre_trade.hpp"

namespace meridian::alerts {

enum class Kind : std::uint8_t { price, indicator, pnl, drawdown, risk_state, gateway_disconnect };
enum class Op : std::uint8_t { crosses_above, crosses_below, above, below, beyond, changes, disconnects };
enum class IndicatorKind : std::uint8_t { rsi, sma, ema };

std::string_view to_string(Kind k) noexcept;
std::string_view to_string(Op o) noexcept;
std::string_view to_string(IndicatorKind i) noexcept;

inline constexpr std::size_t kMaxMessageChars = 500;
inline constexpr std::int64_t kMaxCooldownSeconds = 7 * 24 * 3600;
inline constexpr std::size_t kMaxIndicatorPeriod = 500;

struct Condition {
  Kind kind = Kind::price;
  Op op = Op::crosses_above;
  double threshold = 0;
  std::optional<core::SymbolId> symbol;
  std::string symbol_name;  // as configured ("BTC-USD"), when symbol is set
  IndicatorKind indicator = IndicatorKind::rsi;
  std::size_t period = 14;
  core::Timeframe timeframe = core::Timeframe::m15;
  std::optional<std::int64_t> portfolio_id;  // pnl, drawdown, risk_state; absent: the default one
  std::optional<risk::RiskState> to;         // risk_state: only changes into this state
  std::string gateway;                       // gateway_disconnect: empty = any
};

// An alert's delivery settings besides the condition.
struct Options {
  std::string message;
  bool recurring = false;
  std::chrono::seconds cooldown{0};
  double hysteresis = 0;
  std::string webhook_url;     // empty: WebSocket only
  std::string webhook_secret;  // set with webhook_url; the caller seals it at once
};

// A refusal is an engine::ParamError: the field at fault and why (the API answers 422 naming it).
using FieldError = engine::ParamError;

struct Decoded {
  Condition condition;
  Options options;
};

// Reads POST /api/alerts' body. Symbols go through core::resolve_symbol (aliases accepted);
// unknown fields are ignored as elsewhere in the API. webhook_secret is required with
// webhook_url (16..256 characters) and refused without one.
core::Result<Decoded, FieldError> decode(const nlohmann::json& body, const core::InstrumentTable& instruments);
// The condition as stored in `spec` and shown by GET /api/alerts (never a secret).
nlohmann::json to_json(const Condition& c);
// Back from `spec` (a stored row): the same validation as decode.
core::Result<Condition, FieldError> condition_from_json(const nlohmann::json& spec,
                                                        const core::InstrumentTable& instruments);

// The trigger state every numeric condition shares: crossings with hysteresis, level tests, one
// shot or re-arming with a cooldown. One owner (the service's strand).
//
// Contract: "holds" is value >= threshold for crosses_above/above/beyond and <= for the others.
// A crossing fires when the value holds after one that did not: the previous value per alert is
// kept, and with hysteresis h the alert re-arms only once the value is beyond the threshold by h
// the other way (v < t - h for an upward one), so a price hovering at the threshold fires once.
// A level (above/below/beyond) fires when it holds while armed and re-arms the same way. A fire
// within the cooldown of the last one is held back (the alert stays armed: the first value that
// holds after the cooldown fires). A one-shot alert fires at most once.
class Trigger {
 public:
  Trigger(Op op, double threshold, double hysteresis, bool recurring, std::chrono::seconds cooldown) noexcept;
  // Whether this value fires the alert.
  bool observe(double value, core::Timestamp now) noexcept;
  // An event (a risk state change, a disconnect) rather than a value: whether it fires, under the
  // same one-shot and cooldown rules.
  bool fire_event(core::Timestamp now) noexcept;
  std::optional<double> previous() const noexcept { return previous_; }  // the value before the last one
  bool armed() const noexcept { return armed_; }
  bool spent() const noexcept { return !recurring_ && fired_; }  // a one-shot that fired
  bool cooling_down(core::Timestamp now) const noexcept;
  // After a restart: a one-shot that fired stays spent; a recurring one keeps its cooldown.
  void restore(std::optional<core::Timestamp> last_fired) noexcept;

 private:
  bool holds(double v) const noexcept;
  bool released(double v) const noexcept;

  Op op_;
  double threshold_;
  double hysteresis_;
  bool recurring_;
  std::chrono::seconds cooldown_;
  bool armed_;
  bool fired_ = false;
  std::optional<core::Timestamp> last_fired_;
  std::optional<double> previous_;
  std::optional<double> last_;
};

}  // namespace meridian::alerts
