// Bracket legs: each fill of an entry places (or enlarges) a take-profit limit and a stop-loss
// stop for the filled quantity on the other side, linked one-cancels-other.
#include "meridian/execution/paper_executor.hpp"

namespace meridian::execution {

void PaperExecutor::place_bracket(const BracketPlan& plan, core::Quantity quantity, core::Timestamp ts,
                                  ExecutionSink& sink) {
  const bool want_tp = plan.take_profit.raw() > 0;
  const bool want_sl = plan.stop_loss.raw() > 0 || plan.trail_amount.raw() > 0 || plan.trail_percent > 0.0;
  std::optional<std::size_t> tp;
  std::optional<std::size_t> sl;
  for (std::size_t k = 0; k < open_.size(); ++k) {
    if (open_[k].parent_id != plan.entry) continue;
    (open_[k].request.type == OrderType::limit ? tp : sl) = k;
  }

  // A leg still open grows by the new quantity; one that is gone (filled, or cancelled) is placed
  // anew for it, so every filled unit of the entry stays protected.
  auto leg = [&](OrderType type) {
    Order o;
    o.id = sink.allocate_order_id();
    o.request.symbol = plan.symbol;
    o.request.side = plan.side;
    o.request.quantity = quantity;
    o.request.type = type;
    o.request.tif = TimeInForce::gtc;
    o.request.reduce_only = true;
    o.request.strategy_id = plan.strategy_id;
    if (type == OrderType::limit) {
      o.request.limit_price = plan.take_profit;
    } else {
      o.request.stop_price = plan.stop_loss;
      o.request.trail_amount = plan.trail_amount;
      o.request.trail_percent = plan.trail_percent;
      ratchet(o, last_tick_[plan.symbol].last);
    }
    o.status = OrderStatus::accepted;
    o.created = ts;
    o.updated = ts;
    o.eligible_at = ts + config_.latency;
    o.parent_id = plan.entry;
    return o;
  };
  OrderId tp_id = 0;
  OrderId sl_id = 0;
  std::optional<Order> new_tp;
  std::optional<Order> new_sl;
  if (want_tp) {
    if (tp) {
      open_[*tp].request.quantity += quantity;
      open_[*tp].updated = ts;
      tp_id = open_[*tp].id;
    } else {
      new_tp = leg(OrderType::limit);
      tp_id = new_tp->id;
    }
  }
  if (want_sl) {
    if (sl) {
      open_[*sl].request.quantity += quantity;
      open_[*sl].updated = ts;
      sl_id = open_[*sl].id;
    } else {
      new_sl = leg(OrderType::stop);
      sl_id = new_sl->id;
    }
  }
  if (tp_id != 0 && sl_id != 0) {
    (new_tp ? new_tp->oco_id : open_[*tp].oco_id) = sl_id;
    (new_sl ? new_sl->oco_id : open_[*sl].oco_id) = tp_id;
  }
  if (new_tp) add_open(std::move(*new_tp), ts);
  if (new_sl) add_open(std::move(*new_sl), ts);
  for (const OrderId id : {tp_id, sl_id}) {
    if (id == 0) continue;
    if (const auto k = find_open(id)) sink.report(ExecutionReport::changed(open_[*k]));
  }
}

// One leg filled `quantity`: the other now protects that much less, and nothing once the
// filled leg is complete.
void PaperExecutor::after_leg_fill(OrderId sibling, core::Quantity quantity, bool completed, core::Timestamp ts,
                                   ExecutionSink& sink) {
  const auto k = find_open(sibling);
  if (!k) return;
  Order& other = open_[*k];
  if (completed || other.remaining() <= quantity) {
    finish(*k, OrderStatus::cancelled, "oco", ts, sink);
    return;
  }
  other.request.quantity -= quantity;
  other.updated = ts;
  sink.report(ExecutionReport::changed(other));
}

}  // namespace meridian::execution
