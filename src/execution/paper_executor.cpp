#include "meridian/execution/paper_executor.hpp"

namespace meridian::execution {

std::string_view to_string(OrderType) noexcept {
  return "market";
}

core::Money PaperExecutor::fee_for(core::Price price, core::Quantity quantity) const noexcept {
  return core::scale(core::notional(price, quantity), config_.fee_bps, 10'000) + config_.fee_fixed;
}

void PaperExecutor::submit(const Order& order, const core::Tick& touch, FillSink& sink) {
  const core::Price price = order.side == core::Side::buy ? touch.ask : touch.bid;
  if (price.raw() <= 0) {
    sink.on_reject(order, "no_quote");
    return;
  }
  Fill fill;
  fill.order_id = order.id;
  fill.symbol = order.symbol;
  fill.side = order.side;
  fill.quantity = order.quantity;
  fill.price = price;
  fill.fee = fee_for(price, order.quantity);
  fill.ts = touch.ts;
  sink.on_fill(fill);
}

}  // namespace meridian::execution
