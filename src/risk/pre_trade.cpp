#include "meridian/risk/pre_trade.hpp"

namespace meridian::risk {

std::string_view to_string(Denial d) noexcept {
  switch (d) {
    case Denial::none: return "none";
    case Denial::zero_quantity: return "zero_quantity";
    case Denial::insufficient_cash: return "insufficient_cash";
    case Denial::insufficient_position: return "insufficient_position";
    case Denial::max_notional: return "max_notional";
  }
  return "unknown";
}

Denial check_order(const OrderIntent& order, const AccountView& account, const Limits& limits) noexcept {
  if (order.quantity.raw() <= 0) return Denial::zero_quantity;
  const auto value = core::notional(order.price, order.quantity);
  if (value > limits.max_order_notional) return Denial::max_notional;
  if (order.side == core::Side::buy) {
    if (value + order.fee > account.cash) return Denial::insufficient_cash;
  } else if (order.quantity > account.position) {
    return Denial::insufficient_position;
  }
  return Denial::none;
}

}  // namespace meridian::risk
