#include "meridian/app/trading_config.hpp"

#include <charconv>

namespace meridian::app {

namespace {
std::optional<double> parse_bps(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !(v >= 0.0) || v > 1000.0) return std::nullopt;
  return v;
}
}  // namespace

std::optional<std::pair<std::string, execution::FeeSchedule>> parse_venue_fee(std::string_view text,
                                                                              std::string& error) {
  const auto eq = text.find('=');
  const auto colon = text.find(':', eq == std::string_view::npos ? 0 : eq);
  if (eq == std::string_view::npos || colon == std::string_view::npos) {
    error = "expected VENUE=MAKER_BPS:TAKER_BPS, e.g. crypto=2:5";
    return std::nullopt;
  }
  // The venue is checked against the calendars once they are built (app/venue_config.hpp);
  // lower-case, as instruments name their venues.
  std::string venue(text.substr(0, eq));
  for (auto& c : venue) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (venue.empty()) {
    error = "expected VENUE=MAKER_BPS:TAKER_BPS, e.g. crypto=2:5";
    return std::nullopt;
  }
  const auto maker = parse_bps(text.substr(eq + 1, colon - eq - 1));
  const auto taker = parse_bps(text.substr(colon + 1));
  if (!maker || !taker) {
    error = "fees must be numbers of basis points in [0, 1000]";
    return std::nullopt;
  }
  execution::FeeSchedule fees;
  fees.maker_bps = *maker;
  fees.taker_bps = *taker;
  return std::pair{std::move(venue), fees};
}

execution::PaperConfig paper_config(const Config& c) {
  execution::PaperConfig p;
  p.fees.maker_bps = c.maker_fee_bps;
  p.fees.taker_bps = c.fee_bps;
  for (const auto& text : c.venue_fees) {
    std::string error;  // the option's check already refused bad values
    if (auto fee = parse_venue_fee(text, error)) p.venue_fees.push_back(std::move(*fee));
  }
  p.slippage_bps = c.slippage_bps;
  p.impact_bps = c.impact_bps;
  p.max_participation = c.max_participation;
  p.latency = std::chrono::milliseconds(c.fill_latency_ms);
  return p;
}

risk::Limits risk_limits(const Config& c) {
  risk::Limits l;
  l.max_order_notional = core::Money::from_double(c.max_order_notional);
  l.max_order_quantity = core::Quantity::from_double(c.max_order_quantity);
  l.max_position_notional = core::Money::from_double(c.max_position_notional);
  l.max_open_positions = static_cast<std::uint32_t>(c.max_open_positions);
  l.max_gross_exposure = core::Money::from_double(c.max_gross_exposure);
  l.max_daily_loss = core::Money::from_double(c.max_daily_loss);
  l.max_drawdown = c.max_drawdown;
  l.max_orders_per_minute = static_cast<std::uint32_t>(c.max_orders_per_minute);
  l.price_band = c.price_band;
  return l;
}

alerts::WebhookLimits webhook_limits(const Config& c) {
  alerts::WebhookLimits limits;
  limits.timeout = std::chrono::milliseconds(c.alert_webhook_timeout_ms);
  limits.attempts = c.alert_webhook_attempts;
  limits.backoff.initial = std::chrono::milliseconds(c.alert_webhook_backoff_ms);
  return limits;
}

}  // namespace meridian::app
