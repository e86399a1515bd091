// The paper executor's book: accepting, cancelling and replacing orders, and matching them
// against each tick. Prices and fees are in paper_pricing.cpp, brackets in paper_brackets.cpp.
#include "meridian/execution/paper_executor.hpp"

#include <algorithm>
#include <stdexcept>

#include "grid.hpp"

namespace meridian::execution {
namespace {

bool is_stop(OrderType t) noexcept {
  return t == OrderType::stop || t == OrderType::stop_limit;
}

bool has_bracket(const OrderRequest& r) noexcept {
  return r.take_profit.raw() > 0 || r.stop_loss.raw() > 0 || r.bracket_trail_amount.raw() > 0 ||
         r.bracket_trail_percent > 0.0;
}

std::string with_code(const RequestError& e) {
  return std::string(e.code) + ": " + e.message;
}

// Clears the scanning flag however on_tick leaves (a sink's query may throw).
class ScanGuard {
 public:
  explicit ScanGuard(bool& flag) noexcept : flag_(flag) { flag_ = true; }
  ~ScanGuard() { flag_ = false; }
  ScanGuard(const ScanGuard&) = delete;
  ScanGuard& operator=(const ScanGuard&) = delete;

 private:
  bool& flag_;
};

}  // namespace

std::optional<std::size_t> PaperExecutor::find_open(OrderId id) const noexcept {
  for (std::size_t k = 0; k < open_.size(); ++k)
    if (open_[k].id == id) return k;
  return std::nullopt;
}

// What the book itself needs on top of validate(): an id it can refer to, a configured symbol and
// whole lots (partial fills are counted in lots, so an odd remainder could never fill).
core::Result<void, RequestError> PaperExecutor::check_for_book(const Order& order) const {
  if (order.id == 0) return RequestError{"invalid_order_id", "order id 0 is reserved for 'no order'"};
  if (order.request.symbol >= instruments_.size())
    return RequestError{"unknown_symbol",
                        "symbol id " + std::to_string(order.request.symbol) + " is not a configured instrument"};
  const auto& inst = instruments_.at(order.request.symbol);
  if (order.request.quantity.raw() % grid::step(inst.qty_decimals) != 0)
    return RequestError{"invalid_lot", "quantity " + order.request.quantity.to_string() + " is not a whole number of " +
                                           inst.symbol + " lots (" + std::to_string(inst.qty_decimals) + " decimals)"};
  if (find_open(order.id))
    return RequestError{"duplicate_order_id", "order id " + std::to_string(order.id) + " is already open"};
  return {};
}

void PaperExecutor::add_open(Order order, core::Timestamp decided) {
  ++open_by_symbol_[order.request.symbol];
  if (order.request.tif == TimeInForce::day) ++open_day_orders_;
  open_.push_back(std::move(order));
  working_.push_back(Working{decided, false});
}

void PaperExecutor::erase_at(std::size_t index) noexcept {
  --open_by_symbol_[open_[index].request.symbol];
  if (open_[index].request.tif == TimeInForce::day) --open_day_orders_;
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
  working_.erase(working_.begin() + static_cast<std::ptrdiff_t>(index));
  if (!scanning_) return;
  if (index < scan_)
    --scan_;
  else if (index == scan_)
    scan_removed_ = true;
}

void PaperExecutor::finish(std::size_t index, OrderStatus status, std::string_view reason, core::Timestamp ts,
                           ExecutionSink& sink) {
  Order done = std::move(open_[index]);
  erase_at(index);
  done.status = status;
  done.reason.assign(reason);
  done.updated = ts;
  sink.report(ExecutionReport::changed(std::move(done)));
}

void PaperExecutor::submit(Order order, ExecutionSink& sink) {
  // Fill state and bracket links belong to the executor, whatever the caller left in them.
  order.filled_quantity = {};
  order.filled_notional = {};
  order.fees = {};
  order.parent_id = 0;
  order.oco_id = 0;
  order.trail_anchor = {};
  order.triggered = false;
  order.updated = order.created;
  auto checked = validate(order.request);
  if (checked) checked = check_for_book(order);
  if (!checked) {
    order.status = OrderStatus::rejected;
    order.reason = with_code(checked.error());
    sink.report(ExecutionReport::changed(std::move(order)));
    return;
  }
  order.status = OrderStatus::accepted;
  order.reason.clear();
  order.eligible_at = order.created + config_.latency;
  // A trailing stop starts from the price the decision saw.
  ratchet(order, last_tick_[order.request.symbol].last);
  const core::Timestamp decided = order.created;
  add_open(std::move(order), decided);
  sink.report(ExecutionReport::changed(open_.back()));
}

bool PaperExecutor::cancel(OrderId id, std::string_view reason, ExecutionSink& sink) {
  const auto k = find_open(id);
  if (!k) return false;
  finish(*k, OrderStatus::cancelled, reason, std::max(now_, open_[*k].updated), sink);
  return true;
}

bool PaperExecutor::replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) {
  const auto k = find_open(id);
  if (!k) return false;
  Order& order = open_[*k];
  // Quantity and prices come from `changes`; what the order is (symbol, side, type, time in
  // force, reduce-only, ids) stays.
  OrderRequest merged = order.request;
  merged.quantity = changes.quantity;
  merged.limit_price = changes.limit_price;
  merged.stop_price = changes.stop_price;
  merged.trail_amount = changes.trail_amount;
  merged.trail_percent = changes.trail_percent;
  merged.take_profit = changes.take_profit;
  merged.stop_loss = changes.stop_loss;
  merged.bracket_trail_amount = changes.bracket_trail_amount;
  merged.bracket_trail_percent = changes.bracket_trail_percent;
  if (!validate(merged) || merged.quantity <= order.filled_quantity) return false;
  if (merged.quantity.raw() % grid::step(instruments_.at(merged.symbol).qty_decimals) != 0) return false;
  // Cancel-and-replace: the new order travels to the venue again and loses its queue place.
  const core::Timestamp decided = std::max(now_, order.updated);
  order.request = std::move(merged);
  order.eligible_at = decided + config_.latency;
  order.updated = decided;
  working_[*k] = Working{decided, false};
  if (!order.triggered) ratchet(order, last_tick_[order.request.symbol].last);
  sink.report(ExecutionReport::changed(order));
  return true;
}

void PaperExecutor::restore(Order order) {
  if (order.status != OrderStatus::accepted && order.status != OrderStatus::partially_filled)
    throw std::invalid_argument("restore: order " + std::to_string(order.id) + " is " +
                                std::string(to_string(order.status)) + ", not open");
  if (order.request.symbol >= instruments_.size())
    throw std::invalid_argument("restore: order " + std::to_string(order.id) + " has unknown symbol id " +
                                std::to_string(order.request.symbol));
  if (find_open(order.id)) throw std::invalid_argument("restore: order " + std::to_string(order.id) + " twice");
  // The book after a restart is a new one: a limit is judged marketable or not again.
  const core::Timestamp decided = order.created;
  add_open(std::move(order), decided);
}

void PaperExecutor::on_tick(const core::Tick& tick, ExecutionSink& sink) {
  if (scanning_) throw std::logic_error("PaperExecutor::on_tick called from inside an ExecutionSink callback");
  if (tick.symbol >= instruments_.size()) return;  // no instrument, so no order can match it
  now_ = std::max(now_, tick.ts);
  // Quote-only ticks carry no volume; counting them would tie impact to the quote rate.
  if (tick.volume.raw() > 0) {
    double& recent = recent_volume_[tick.symbol];
    const double v = tick.volume.to_double();
    recent = recent > 0.0 ? recent + 0.1 * (v - recent) : v;
  }
  last_tick_[tick.symbol] = tick;
  if (open_by_symbol_[tick.symbol] == 0 && open_day_orders_ == 0) return;
  ScanGuard guard(scanning_);
  for (scan_ = 0; scan_ < open_.size();) {
    scan_removed_ = false;
    match_current(tick, sink);
    if (!scan_removed_) ++scan_;
  }
}

// Matches open_[scan_] against the tick. Reports only queue (the sink never calls back), so
// the order stays where it is until this executor moves it.
void PaperExecutor::match_current(const core::Tick& tick, ExecutionSink& sink) {
  Order* order = &open_[scan_];
  if (order->request.tif == TimeInForce::day && order->expires_at != core::Timestamp{} &&
      tick.ts >= order->expires_at) {
    finish(scan_, OrderStatus::expired, "day", tick.ts, sink);
    return;
  }
  if (order->request.symbol != tick.symbol) return;
  // No look-ahead: data from the decision's own instant or before the order reached the venue.
  if (tick.ts <= working_[scan_].decided || tick.ts < order->eligible_at) return;
  core::Quantity reducible = order->remaining();
  if (order->request.reduce_only) {
    reducible = sink.reducible(*order);
    if (reducible.raw() <= 0) {
      finish(scan_, OrderStatus::cancelled, "position_closed", tick.ts, sink);
      return;
    }
  }
  const bool buy = order->request.side == core::Side::buy;
  if (is_stop(order->request.type) && !order->triggered) {
    bool changed = ratchet(*order, tick.last);
    const core::Price stop = order->request.stop_price;
    if (stop.raw() > 0 && tick.last.raw() > 0 && (buy ? tick.last >= stop : tick.last <= stop)) {
      order->triggered = true;
      working_[scan_].rested = false;  // a triggered stop_limit is a new limit order
      changed = true;
    }
    if (changed) {
      order->updated = tick.ts;
      sink.report(ExecutionReport::changed(*order));
    }
    if (!order->triggered) return;
  }

  const core::Price touch = buy ? tick.ask : tick.bid;
  if (touch.raw() <= 0) return;  // the side this order needs is not quoted: wait
  const TimeInForce tif = order->request.tif;
  const bool limit_like = order->request.type == OrderType::limit || order->request.type == OrderType::stop_limit;
  const core::Price limit = order->request.limit_price;
  Liquidity liquidity = Liquidity::taker;
  if (limit_like) {
    const bool marketable = buy ? touch <= limit : touch >= limit;
    if (!marketable) {
      if (tif == TimeInForce::ioc) return finish(scan_, OrderStatus::cancelled, "ioc", tick.ts, sink);
      if (tif == TimeInForce::fok) return finish(scan_, OrderStatus::expired, "fok", tick.ts, sink);
      working_[scan_].rested = true;
      return;
    }
    if (working_[scan_].rested) liquidity = Liquidity::maker;
  }

  core::Quantity quantity = std::min(order->remaining(), reducible);
  if (tick.volume.raw() > 0) quantity = std::min(quantity, participation_cap(tick));
  if (quantity.raw() <= 0 || (tif == TimeInForce::fok && quantity < order->remaining())) {
    if (tif == TimeInForce::ioc) return finish(scan_, OrderStatus::cancelled, "ioc", tick.ts, sink);
    if (tif == TimeInForce::fok) return finish(scan_, OrderStatus::expired, "fok", tick.ts, sink);
    return;  // waits for volume
  }
  core::Price price = limit;
  if (liquidity == Liquidity::taker) {
    price = market_price(order->request.side, quantity, tick);
    // A marketable limit takes the book but never pays beyond its limit.
    if (limit_like) price = buy ? std::min(price, limit) : std::max(price, limit);
  }
  fill_current(tick, quantity, price, liquidity, sink);
}

void PaperExecutor::fill_current(const core::Tick& tick, core::Quantity quantity, core::Price price,
                                 Liquidity liquidity, ExecutionSink& sink) {
  Order& order = open_[scan_];
  const OrderRequest& r = order.request;
  // Every sum the fill makes, checked before anything changes: a fill whose fee, notional or
  // the order's running totals (or the ledger's, asked through can_settle) would leave the
  // range is not made, and the order is cancelled "out_of_range" rather than half-applied.
  const auto fee = fee_for(r.symbol, price, quantity, liquidity);
  const auto value = core::checked_notional(price, quantity);
  const auto filled_notional = value ? core::checked_add(order.filled_notional, *value) : std::nullopt;
  const auto fees = fee ? core::checked_add(order.fees, *fee) : std::nullopt;
  const Fill fill{order.id,  r.symbol, r.side,       quantity, price, fee.value_or(core::Money{}),
                  liquidity, tick.ts,  r.strategy_id};
  if (!filled_notional || !fees || !sink.can_settle(fill))
    return finish(scan_, OrderStatus::cancelled, "out_of_range", tick.ts, sink);
  order.filled_quantity += quantity;
  order.filled_notional = *filled_notional;
  order.fees = *fees;
  order.updated = tick.ts;
  const bool completed = order.remaining().raw() <= 0;
  order.status = completed ? OrderStatus::filled : OrderStatus::partially_filled;

  // What happens after the fill, copied now: completing it moves the order out of open_.
  const OrderId id = order.id;
  const OrderId sibling = order.oco_id;
  const bool ioc = r.tif == TimeInForce::ioc;
  const bool entry = order.parent_id == 0 && has_bracket(r);
  BracketPlan plan;
  if (entry) {
    plan = BracketPlan{id,
                       r.symbol,
                       r.side == core::Side::buy ? core::Side::sell : core::Side::buy,
                       r.take_profit,
                       r.stop_loss,
                       r.bracket_trail_amount,
                       r.bracket_trail_percent,
                       r.strategy_id};
  }

  if (completed) {
    Order done = std::move(order);
    erase_at(scan_);
    sink.report(ExecutionReport::filled(std::move(done), fill));
  } else {
    sink.report(ExecutionReport::filled(order, fill));
  }
  if (entry) place_bracket(plan, quantity, tick.ts, sink);
  if (sibling != 0) after_leg_fill(sibling, quantity, completed, tick.ts, sink);
  if (ioc && !completed) {
    if (const auto k = find_open(id)) finish(*k, OrderStatus::cancelled, "ioc", tick.ts, sink);
  }
}

}  // namespace meridian::execution
