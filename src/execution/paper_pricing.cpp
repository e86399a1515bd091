// The paper executor's prices and costs: fees, slippage, participation, trailing stops.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "grid.hpp"
#include "meridian/execution/paper_executor.hpp"

namespace meridian::execution {
namespace {

// Open orders a book holds before its vector grows: growth happens on submit, never per tick.
constexpr std::size_t kReservedOrders = 256;

// Basis points (and percentages) enter exact arithmetic as integers of a millionth.
std::int64_t millionths(double v) noexcept {
  return std::llround(v * 1'000'000.0);
}

void check_fees(const FeeSchedule& f, const std::string& where) {
  if (!std::isfinite(f.maker_bps) || !std::isfinite(f.taker_bps) || f.fixed.raw() < 0)
    throw std::invalid_argument("paper executor: " + where + " fees need finite bps and a fixed fee >= 0");
}

// Start-up configuration errors fail fast with the setting named.
void check_config(const PaperConfig& c) {
  check_fees(c.fees, "default");
  for (const auto& [venue, fees] : c.venue_fees) check_fees(fees, "venue " + venue);
  if (!std::isfinite(c.slippage_bps) || c.slippage_bps < 0.0)
    throw std::invalid_argument("paper executor: slippage_bps must be >= 0");
  if (!std::isfinite(c.impact_bps) || c.impact_bps < 0.0)
    throw std::invalid_argument("paper executor: impact_bps must be >= 0");
  if (!std::isfinite(c.max_slippage_bps) || c.max_slippage_bps < 0.0)
    throw std::invalid_argument("paper executor: max_slippage_bps must be >= 0");
  if (!(c.max_participation > 0.0 && c.max_participation <= 1.0))
    throw std::invalid_argument("paper executor: max_participation must be in (0, 1]");
  if (c.latency.count() < 0) throw std::invalid_argument("paper executor: latency must not be negative");
}

}  // namespace

PaperExecutor::PaperExecutor(PaperConfig config, const core::InstrumentTable& instruments)
    : config_(std::move(config)),
      instruments_(instruments),
      recent_volume_(instruments.size(), 0.0),
      last_tick_(instruments.size()),
      open_by_symbol_(instruments.size(), 0) {
  check_config(config_);
  fees_.reserve(instruments.size());
  for (const auto& inst : instruments.all()) {
    const auto venue = std::find_if(config_.venue_fees.begin(), config_.venue_fees.end(),
                                    [&](const auto& v) { return v.first == inst.venue; });
    fees_.push_back(venue == config_.venue_fees.end() ? config_.fees : venue->second);
  }
  open_.reserve(kReservedOrders);
  working_.reserve(kReservedOrders);
}

std::optional<core::Money> PaperExecutor::fee_for(core::SymbolId symbol, core::Price price, core::Quantity quantity,
                                                  Liquidity liquidity) const noexcept {
  const FeeSchedule& f = symbol < fees_.size() ? fees_[symbol] : config_.fees;
  const double bps = liquidity == Liquidity::maker ? f.maker_bps : f.taker_bps;
  // bps / 10^4 == (bps * 100) / 10^6: the rate as an integer of 10^-6 bps-hundredths.
  const auto value = core::checked_notional(price, quantity);
  const auto share = value ? core::checked_scale(*value, std::llround(bps * 100.0), 1'000'000) : std::nullopt;
  if (!share) return std::nullopt;
  return core::checked_add(*share, f.fixed);
}

core::Price PaperExecutor::market_price(core::Side side, core::Quantity quantity,
                                        const core::Tick& touch) const noexcept {
  const bool buy = side == core::Side::buy;
  const core::Price at = buy ? touch.ask : touch.bid;
  if (at.raw() <= 0) return core::Price{};
  double bps = config_.slippage_bps;
  const double recent = touch.symbol < recent_volume_.size() ? recent_volume_[touch.symbol] : 0.0;
  if (recent > 0.0 && quantity.raw() > 0) bps += config_.impact_bps * std::sqrt(quantity.to_double() / recent);
  bps = std::min(bps, config_.max_slippage_bps);
  // Slippage is configured finite but may be absurd: an offset that does not fit the range is
  // the whole range, and a buy's price beyond the top is clamped there (the risk check and
  // can_settle then refuse what does not fit), never wrapped.
  const std::int64_t offset =
      core::checked_mul_div_round(at.raw(), millionths(bps), 10'000'000'000).value_or(core::kMaxFixedRaw);
  const int decimals = touch.symbol < instruments_.size() ? instruments_.at(touch.symbol).price_decimals : 8;
  const std::int64_t step = grid::step(decimals);
  const std::int64_t top = grid::floor_to(core::kMaxFixedRaw, step);
  // Rounded to the tick against the order: a buy pays up, a sell receives less.
  std::int64_t raw = 0;
  if (buy)
    raw = offset > top - at.raw() ? top : std::min(top, grid::ceil_to(at.raw() + offset, step));
  else
    raw = grid::floor_to(at.raw() - offset, step);
  if (raw <= 0) raw = at.raw();
  return core::Price::from_raw(raw);
}

core::Quantity PaperExecutor::participation_cap(const core::Tick& tick) const noexcept {
  const std::int64_t share = core::mul_div_round(tick.volume.raw(), millionths(config_.max_participation), 1'000'000);
  return core::Quantity::from_raw(grid::floor_to(share, grid::step(instruments_.at(tick.symbol).qty_decimals)));
}

bool PaperExecutor::ratchet(Order& order, core::Price last) const noexcept {
  const OrderRequest& r = order.request;
  const bool trailing = r.trail_amount.raw() > 0 || r.trail_percent > 0.0;
  if (!trailing || last.raw() <= 0) return false;
  // A sell stop protects a long: it follows the highest price; a buy stop the lowest.
  const bool sell = r.side == core::Side::sell;
  if (order.trail_anchor.is_zero() || (sell ? last > order.trail_anchor : last < order.trail_anchor))
    order.trail_anchor = last;
  const std::int64_t anchor = order.trail_anchor.raw();
  const std::int64_t trail = r.trail_amount.raw() > 0
                                 ? r.trail_amount.raw()
                                 : core::mul_div_round(anchor, millionths(r.trail_percent), 100'000'000);
  const std::int64_t step = grid::step(instruments_.at(r.symbol).price_decimals);
  // Rounded away from the market, so the trail is never tighter than asked.
  std::int64_t above = 0;  // a buy stop's anchor + trail; beyond the range there is no stop to set
  if (!sell && (__builtin_add_overflow(anchor, trail, &above) || above > core::kMaxFixedRaw - step)) return false;
  const std::int64_t derived = sell ? grid::floor_to(anchor - trail, step) : grid::ceil_to(above, step);
  if (derived <= 0) return false;
  const std::int64_t stop = r.stop_price.raw();
  if (stop != 0 && (sell ? derived <= stop : derived >= stop)) return false;
  order.request.stop_price = core::Price::from_raw(derived);
  return true;
}

}  // namespace meridian::execution
