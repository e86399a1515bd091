#include "meridian/risk/pre_trade.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace meridian::risk {
namespace {

// Order, position and exposure arithmetic in 128 bits: quantities and prices come from API
// clients, and a product or sum that wrapped in int64 could turn a huge order into a small or
// negative notional that passes every limit.
__extension__ typedef __int128 i128;  // GCC extension; -Wpedantic knows no 128-bit type

constexpr i128 kInt64Max = std::numeric_limits<std::int64_t>::max();
// Beyond any limit or cash balance the ledger can hold: what an overflowing notional reads as.
constexpr i128 kHugeNotional = kInt64Max * 4;
constexpr auto kRateSpan = std::chrono::seconds(60);

i128 abs128(i128 v) noexcept {
  return v < 0 ? -v : v;
}

// |quantity| * price in raw money units, rounded as core::notional rounds it (so a buy that
// leaves exactly zero cash in the ledger passes), saturating far above any limit.
i128 notional_of(core::Price price, i128 quantity_raw) noexcept {
  const i128 q = abs128(quantity_raw);
  const i128 p = price.raw() < 0 ? 0 : price.raw();
  if (q > kInt64Max) return kHugeNotional;
  if (p * q / core::kFixedScale >= kInt64Max) return kHugeNotional;
  return core::mul_div_round(static_cast<std::int64_t>(p), static_cast<std::int64_t>(q), core::kFixedScale);
}

i128 signed_quantity(const OrderIntent& order) noexcept {
  const i128 q = order.quantity.raw();
  return order.side == core::Side::buy ? q : -q;
}

// Shrinks |position| without crossing zero (and so never opens anything).
bool reduces(i128 position, i128 after) noexcept {
  if (position > 0) return after >= 0 && after < position;
  if (position < 0) return after <= 0 && after > position;
  return false;
}

// |price - last| / last > band, without rounding the ratio: the boundary passes exactly.
bool outside_band(core::Price price, core::Price last, double band) noexcept {
  const double diff = static_cast<double>(abs128(static_cast<i128>(price.raw()) - last.raw()));
  return diff > band * static_cast<double>(last.raw());
}

// Whether the fill this order asks for could be applied to the ledger: its notional, notional
// plus fee, the position after it and the cash after it all inside the range. Exact (128 bits),
// so an order at the very edge of the range passes and one unit beyond does not.
bool fits_ledger(const OrderIntent& order, const PortfolioView& portfolio, i128 after) noexcept {
  constexpr i128 kMax = core::kMaxFixedRaw;
  if (!order.fee_fits || order.fee.raw() < 0 || !core::fixed_raw_ok(order.fee.raw())) return false;
  const auto notional = core::checked_mul_div_round(order.price.raw(), order.quantity.raw(), core::kFixedScale);
  if (!notional) return false;
  const i128 value = *notional;
  if (value + order.fee.raw() > kMax || after > kMax || after < -kMax) return false;
  const i128 cash = portfolio.cash.raw();
  const i128 cash_after =
      order.side == core::Side::buy ? cash - value - order.fee.raw() : cash + value - order.fee.raw();
  return cash_after <= kMax && cash_after >= -kMax;
}

std::int64_t utc_day(core::Timestamp t) noexcept {
  return std::chrono::floor<std::chrono::days>(t).time_since_epoch().count();
}

}  // namespace

std::string_view to_string(Denial d) noexcept {
  switch (d) {
    case Denial::none: return "none";
    case Denial::zero_quantity: return "zero_quantity";
    case Denial::no_price: return "no_price";
    case Denial::max_quantity: return "max_quantity";
    case Denial::max_notional: return "max_notional";
    case Denial::max_position: return "max_position";
    case Denial::max_open_positions: return "max_open_positions";
    case Denial::max_gross_exposure: return "max_gross_exposure";
    case Denial::daily_loss: return "daily_loss";
    case Denial::drawdown_halt: return "drawdown_halt";
    case Denial::halted: return "halted";
    case Denial::reducing_only: return "reducing_only";
    case Denial::order_rate: return "order_rate";
    case Denial::price_band: return "price_band";
    case Denial::insufficient_cash: return "insufficient_cash";
    case Denial::insufficient_position: return "insufficient_position";
    case Denial::out_of_range: return "out_of_range";
    case Denial::gateway_disconnected: return "gateway_disconnected";
  }
  return "unknown";
}

std::string_view describe(Denial d) noexcept {
  switch (d) {
    case Denial::none: return "The order passed every pre-trade check.";
    case Denial::zero_quantity: return "The order quantity must be greater than zero.";
    case Denial::no_price: return "There is no price to check the order against.";
    case Denial::max_quantity: return "The order quantity exceeds the per-order quantity limit.";
    case Denial::max_notional: return "The order value exceeds the per-order notional limit.";
    case Denial::max_position: return "The position in the symbol would exceed the position limit.";
    case Denial::max_open_positions: return "Opening another symbol would exceed the open-positions limit.";
    case Denial::max_gross_exposure: return "The portfolio's gross exposure would exceed its limit.";
    case Denial::daily_loss:
      return "Today's loss reached the daily loss limit; only orders that reduce a position are accepted until the "
             "next UTC day.";
    case Denial::drawdown_halt:
      return "The drawdown from peak equity reached its limit; trading is halted until risk is set active again.";
    case Denial::halted: return "Trading is halted for this portfolio.";
    case Denial::reducing_only: return "The portfolio is in reducing mode: only orders that reduce a position.";
    case Denial::order_rate: return "Too many orders in the last minute.";
    case Denial::price_band: return "The order price is too far from the last trade price.";
    case Denial::insufficient_cash: return "Not enough cash for the order value and fee.";
    case Denial::insufficient_position: return "The sell exceeds the position held; short selling is not allowed.";
    case Denial::out_of_range:
      return "The order's value, fee, or the cash or position after it would not fit the ledger's range "
             "(+-92233720368.54775807).";
    case Denial::gateway_disconnected:
      return "The portfolio's gateway is disconnected or not reconciled since it reconnected: new entries wait "
             "for it; orders that reduce a position still go.";
  }
  return "Unknown denial.";
}

std::string_view to_string(RiskState s) noexcept {
  switch (s) {
    case RiskState::active: return "active";
    case RiskState::reducing: return "reducing";
    case RiskState::halted: return "halted";
  }
  return "unknown";
}

std::optional<RiskState> parse_risk_state(std::string_view s) noexcept {
  if (s == "active") return RiskState::active;
  if (s == "reducing") return RiskState::reducing;
  if (s == "halted") return RiskState::halted;
  return std::nullopt;
}

Denial RiskEngine::check(const OrderIntent& order, const PortfolioView& portfolio, core::Timestamp now) noexcept {
  const Denial d = evaluate(order, portfolio, now);
  ++denials_[static_cast<std::size_t>(d)];
  if (d == Denial::none) record_order(now);
  return d;
}

Denial RiskEngine::evaluate(const OrderIntent& order, const PortfolioView& portfolio,
                            core::Timestamp now) const noexcept {
  if (order.quantity.raw() <= 0) return Denial::zero_quantity;
  if (order.price.raw() <= 0) return Denial::no_price;
  if (state_ == RiskState::halted) return halted_by_drawdown_ ? Denial::drawdown_halt : Denial::halted;

  const bool band_applies = order.price_is_limit && order.last_trade.raw() > 0 && limits_.price_band > 0.0;
  const i128 position = portfolio.position.raw();
  const i128 after = position + signed_quantity(order);
  if (!fits_ledger(order, portfolio, after)) return Denial::out_of_range;
  if (reduces(position, after)) {
    if (band_applies && outside_band(order.price, order.last_trade, limits_.price_band)) return Denial::price_band;
    return Denial::none;
  }
  if (portfolio.entries_paused) return Denial::gateway_disconnected;

  // From here on the order opens or grows a position.
  if (state_ == RiskState::reducing) {
    // The state is reducing by itself only after a daily-loss breach; by hand it says so.
    return daily_loss_hit_ && !manual_state_ ? Denial::daily_loss : Denial::reducing_only;
  }
  if (limits_.max_order_quantity.raw() > 0 && order.quantity > limits_.max_order_quantity) {
    return Denial::max_quantity;
  }
  const i128 order_notional = notional_of(order.price, order.quantity.raw());
  if (limits_.max_order_notional.raw() > 0 && order_notional > limits_.max_order_notional.raw()) {
    return Denial::max_notional;
  }
  const i128 notional_after = notional_of(order.price, after);
  if (limits_.max_position_notional.raw() > 0 && notional_after > limits_.max_position_notional.raw()) {
    return Denial::max_position;
  }
  if (limits_.max_open_positions > 0 && position == 0 && portfolio.open_positions >= limits_.max_open_positions) {
    return Denial::max_open_positions;
  }
  if (limits_.max_gross_exposure.raw() > 0) {
    const i128 gross_after =
        static_cast<i128>(portfolio.gross_exposure.raw()) - abs128(portfolio.position_notional.raw()) + notional_after;
    if (gross_after > limits_.max_gross_exposure.raw()) return Denial::max_gross_exposure;
  }
  if (limits_.max_orders_per_minute > 0 &&
      orders_last_minute(now) >= std::min(limits_.max_orders_per_minute, kMaxOrdersPerMinute)) {
    return Denial::order_rate;
  }
  if (band_applies && outside_band(order.price, order.last_trade, limits_.price_band)) return Denial::price_band;
  if (order.side == core::Side::buy) {
    if (order_notional + order.fee.raw() > portfolio.cash.raw()) return Denial::insufficient_cash;
  } else if (!limits_.allow_short && after < 0) {
    return Denial::insufficient_position;
  }
  return Denial::none;
}

void RiskEngine::record_order(core::Timestamp now) noexcept {
  // Drop what has left the window, oldest first, so the ring only holds the last minute.
  while (order_count_ > 0 && order_times_[order_head_] <= now - kRateSpan) {
    order_head_ = (order_head_ + 1) % kRateWindow;
    --order_count_;
  }
  if (order_count_ == kRateWindow) {  // full: the oldest gives way (the limit is capped at the size)
    order_head_ = (order_head_ + 1) % kRateWindow;
    --order_count_;
  }
  order_times_[(order_head_ + order_count_) % kRateWindow] = now;
  ++order_count_;
}

std::uint32_t RiskEngine::orders_last_minute(core::Timestamp now) const noexcept {
  std::uint32_t n = 0;
  for (std::size_t i = order_count_; i > 0; --i) {  // newest first
    if (order_times_[(order_head_ + i - 1) % kRateWindow] <= now - kRateSpan) break;
    ++n;
  }
  return n;
}

void RiskEngine::on_equity(core::Money equity, core::Timestamp now) noexcept {
  const std::int64_t day = utc_day(now);
  const bool first = day_ == INT64_MIN;
  // Market time does not go backwards in the engine; a stale mark counts to the current day.
  if (day > day_) {
    day_ = day;
    day_start_equity_ = equity;
    daily_loss_hit_ = false;
    daily_loss_overridden_ = false;
    if (state_ == RiskState::reducing && !manual_state_) state_ = RiskState::active;
  }
  last_equity_ = equity;
  if (first || equity > peak_equity_) peak_equity_ = equity;

  if (limits_.max_daily_loss.raw() > 0 && !daily_loss_hit_ && !daily_loss_overridden_ &&
      core::saturating_sub(day_start_equity_, equity) >= limits_.max_daily_loss) {
    daily_loss_hit_ = true;
    if (state_ == RiskState::active) state_ = RiskState::reducing;
  }
  if (limits_.max_drawdown > 0.0 && state_ != RiskState::halted && drawdown() >= limits_.max_drawdown) {
    state_ = RiskState::halted;
    halted_by_drawdown_ = true;
  }
}

RiskState RiskEngine::set_state(RiskState state) noexcept {
  const RiskState previous = state_;
  state_ = state;
  manual_state_ = state != RiskState::active;
  halted_by_drawdown_ = false;
  if (state == RiskState::active || (previous == RiskState::halted && state == RiskState::reducing)) {
    peak_equity_ = last_equity_;
  }
  if (state == RiskState::active && daily_loss_hit_) {
    daily_loss_hit_ = false;
    daily_loss_overridden_ = true;
  }
  return previous;
}

RiskMemory RiskEngine::memory() const noexcept {
  return {state_, manual_state_,     daily_loss_hit_, halted_by_drawdown_, daily_loss_overridden_,
          day_,   day_start_equity_, peak_equity_,    last_equity_};
}

void RiskEngine::restore(const RiskMemory& m) noexcept {
  state_ = m.state;
  manual_state_ = m.manual_state;
  daily_loss_hit_ = m.daily_loss_hit;
  halted_by_drawdown_ = m.halted_by_drawdown;
  daily_loss_overridden_ = m.daily_loss_overridden;
  day_ = m.day;
  day_start_equity_ = m.day_start_equity;
  peak_equity_ = m.peak_equity;
  last_equity_ = m.last_equity;
}

double RiskEngine::drawdown() const noexcept {
  if (peak_equity_.raw() <= 0 || last_equity_ >= peak_equity_) return 0.0;
  return (peak_equity_.to_double() - last_equity_.to_double()) / peak_equity_.to_double();
}

}  // namespace meridian::risk
