#include "meridian/execution/gateway_orders.hpp"

#include <algorithm>

namespace meridian::execution {

std::string_view to_string(VenueOrderState s) noexcept {
  switch (s) {
    case VenueOrderState::working: return "working";
    case VenueOrderState::pending_change: return "pending_change";
    case VenueOrderState::partially_filled: return "partially_filled";
    case VenueOrderState::filled: return "filled";
    case VenueOrderState::cancelled: return "cancelled";
    case VenueOrderState::expired: return "expired";
    case VenueOrderState::rejected: return "rejected";
    case VenueOrderState::replaced: return "replaced";
  }
  return "working";
}

GatewayOrders::GatewayOrders(std::int64_t portfolio) : portfolio_(portfolio) {}

std::string GatewayOrders::client_order_id(OrderId id, std::uint32_t revision) const {
  auto s = "mrd-" + std::to_string(portfolio_) + "-" + std::to_string(id);
  if (revision > 0) s += "-r" + std::to_string(revision);
  return s;
}

std::optional<std::size_t> GatewayOrders::index_of(OrderId id) const noexcept {
  for (std::size_t k = 0; k < open_.size(); ++k)
    if (open_[k].id == id) return k;
  return std::nullopt;
}

bool GatewayOrders::add(Order order, std::string& client_id) {
  if (index_of(order.id) || client_ids_.contains(client_order_id(order.id))) return false;
  client_id = client_order_id(order.id);
  order.status = OrderStatus::new_order;
  client_ids_.emplace(client_id, order.id);
  track_.push_back(Track{{Leg{client_id, {}, {}, {}}}, false, 0});
  open_.push_back(std::move(order));
  return true;
}

void GatewayOrders::restore(Order order) {
  if (index_of(order.id)) return;
  auto client_id = client_order_id(order.id);
  client_ids_.emplace(client_id, order.id);
  // What filled before the restart is the original leg's: a later cumulative total from the
  // venue books only the difference.
  track_.push_back(Track{{Leg{std::move(client_id), {}, order.filled_quantity, order.filled_notional}}, false, 0});
  open_.push_back(std::move(order));
}

bool GatewayOrders::has_our_form(std::string_view client_order_id) const {
  return client_order_id.starts_with("mrd-" + std::to_string(portfolio_) + "-");
}

const Order* GatewayOrders::find(OrderId id) const noexcept {
  const auto k = index_of(id);
  return k ? &open_[*k] : nullptr;
}

std::optional<OrderId> GatewayOrders::by_client_order_id(std::string_view client_order_id) const noexcept {
  const auto it = client_ids_.find(std::string(client_order_id));
  if (it == client_ids_.end()) return std::nullopt;
  return it->second;
}

std::string_view GatewayOrders::venue_order_id(OrderId id) const noexcept {
  const auto k = index_of(id);
  return k ? std::string_view(current_leg(track_[*k]).venue_order_id) : std::string_view{};
}

std::string_view GatewayOrders::current_client_order_id(OrderId id) const noexcept {
  const auto k = index_of(id);
  return k ? std::string_view(current_leg(track_[*k]).client_order_id) : std::string_view{};
}

void GatewayOrders::finish(std::size_t index) {
  open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(index));
  track_.erase(track_.begin() + static_cast<std::ptrdiff_t>(index));
}

void GatewayOrders::end(std::size_t index, OrderStatus status, std::string reason, core::Timestamp ts,
                        std::vector<ExecutionReport>& out) {
  auto& o = open_[index];
  o.status = status;
  o.reason = std::move(reason);
  o.updated = std::max(o.updated, ts);
  out.push_back(ExecutionReport::changed(o));
  finish(index);
}

bool GatewayOrders::refuse(OrderId id, std::string reason, core::Timestamp ts, std::vector<ExecutionReport>& out) {
  const auto k = index_of(id);
  if (!k || open_[*k].status != OrderStatus::new_order) return false;
  end(*k, OrderStatus::rejected, std::move(reason), ts, out);
  return true;
}

bool GatewayOrders::cancel_locally(OrderId id, std::string reason, core::Timestamp ts,
                                   std::vector<ExecutionReport>& out) {
  const auto k = index_of(id);
  if (!k || !open_[*k].filled_quantity.is_zero()) return false;
  end(*k, OrderStatus::cancelled, std::move(reason), ts, out);
  return true;
}

bool GatewayOrders::not_at_venue(OrderId id, std::string reason, core::Timestamp ts,
                                 std::vector<ExecutionReport>& out) {
  const auto k = index_of(id);
  if (!k) return false;
  const auto status = open_[*k].status == OrderStatus::new_order ? OrderStatus::rejected : OrderStatus::cancelled;
  end(*k, status, std::move(reason), ts, out);
  return true;
}

std::optional<std::string> GatewayOrders::begin_replace(OrderId id) {
  const auto k = index_of(id);
  if (!k || track_[*k].replacing) return std::nullopt;
  auto& t = track_[*k];
  auto client_id = client_order_id(id, ++t.revisions);
  client_ids_.emplace(client_id, id);
  t.legs.push_back(Leg{client_id, {}, {}, {}});
  t.replacing = true;
  return client_id;
}

bool GatewayOrders::replaced(OrderId id, const OrderRequest& changes, core::Timestamp ts,
                             std::vector<ExecutionReport>& out) {
  const auto k = index_of(id);
  if (!k || track_[*k].legs.size() < 2) return false;
  // The replacement may have reported first (apply() then made it current already).
  track_[*k].replacing = false;
  auto& o = open_[*k];
  o.request.quantity = changes.quantity;
  o.request.limit_price = changes.limit_price;
  o.request.stop_price = changes.stop_price;
  o.updated = ts;
  out.push_back(ExecutionReport::changed(o));
  return true;
}

void GatewayOrders::abandon_replace(OrderId id) noexcept {
  const auto k = index_of(id);
  if (!k || !track_[*k].replacing) return;
  // The reserved id stays in client_ids_ and its revision is not handed out again.
  track_[*k].legs.pop_back();
  track_[*k].replacing = false;
}

UpdateOutcome GatewayOrders::apply(const VenueOrderUpdate& u, std::vector<ExecutionReport>& out) {
  const auto id = by_client_order_id(u.client_order_id);
  if (!id) return UpdateOutcome::unknown_order;
  const auto k = index_of(*id);
  if (!k) return UpdateOutcome::after_terminal;
  auto& o = open_[*k];
  auto& t = track_[*k];
  const auto leg_it =
      std::find_if(t.legs.begin(), t.legs.end(), [&](const Leg& l) { return l.client_order_id == u.client_order_id; });
  auto& leg = *leg_it;
  if (leg.venue_order_id.empty()) leg.venue_order_id = u.venue_order_id;
  // A replacement the venue reports before its PATCH answered: it carries the order from now.
  if (t.replacing && &leg == &t.legs.back() && u.state != VenueOrderState::rejected) t.replacing = false;
  o.updated = std::max(o.updated, u.ts);

  if (u.state == VenueOrderState::rejected && o.status == OrderStatus::new_order) {
    refuse(o.id, u.reason.empty() ? "rejected by the venue" : u.reason, u.ts, out);
    return UpdateOutcome::applied;
  }
  // Any other word from the venue about the order is its acknowledgement.
  if (o.status == OrderStatus::new_order) {
    o.status = OrderStatus::accepted;
    out.push_back(ExecutionReport::changed(o));
  }

  const bool fresh = u.execution && !executions_.contains(u.execution->id);
  if (fresh) executions_.insert(u.execution->id);
  const auto booked = book_fills(o, leg, u, fresh, out);
  if (is_terminal(o.status)) {
    finish(*k);
    return booked;
  }

  switch (u.state) {
    case VenueOrderState::cancelled:
    case VenueOrderState::expired:
    case VenueOrderState::rejected: {
      // Only the current venue order ends ours: a replaced leg's cancel is the replace itself.
      if (&leg != &current_leg(t)) break;
      const auto status = u.state == VenueOrderState::cancelled ? OrderStatus::cancelled
                          : u.state == VenueOrderState::expired ? OrderStatus::expired
                                                                : OrderStatus::rejected;
      end(*k, status, u.reason.empty() ? std::string(to_string(u.state)) + " at the venue" : u.reason, u.ts, out);
      break;
    }
    default: break;
  }
  return booked;
}

UpdateOutcome GatewayOrders::book_fills(Order& o, Leg& leg, const VenueOrderUpdate& u, bool fresh,
                                        std::vector<ExecutionReport>& out) {
  if (u.execution && !fresh && (!u.cumulative_quantity || *u.cumulative_quantity <= leg.booked))
    return UpdateOutcome::duplicate;
  const auto target =
      u.cumulative_quantity ? *u.cumulative_quantity : leg.booked + (fresh ? u.execution->quantity : core::Quantity{});
  if (target <= leg.booked) return u.execution ? UpdateOutcome::duplicate : UpdateOutcome::applied;
  auto delta = target - leg.booked;
  auto outcome = UpdateOutcome::applied;
  if (delta > o.remaining()) {
    delta = o.remaining();
    outcome = UpdateOutcome::overfill;
    if (delta.is_zero()) return outcome;
  }
  // The execution's own price when it is exactly what is new; else what the venue's average
  // over its total leaves for the part not booked yet.
  const bool exact = fresh && u.execution->quantity == delta;
  core::Price price{};
  core::Money fee{};
  if (exact) {
    price = u.execution->price;
    fee = u.execution->fee;
  } else if (u.average_price && !u.average_price->is_zero()) {
    const auto total = core::checked_notional(*u.average_price, target);
    if (!total) return UpdateOutcome::unpriced;
    price = core::per_unit(*total - leg.booked_notional, delta);
  } else if (fresh) {
    price = u.execution->price;
    fee = u.execution->fee;
  } else {
    return UpdateOutcome::unpriced;
  }
  const auto value = core::checked_notional(price, delta);
  const auto notional = value ? core::checked_add(o.filled_notional, *value) : std::nullopt;
  if (!notional) return UpdateOutcome::unpriced;
  leg.booked = leg.booked + delta;
  leg.booked_notional += *value;
  o.filled_quantity += delta;
  o.filled_notional = *notional;
  o.fees += fee;
  o.status = o.remaining().is_zero() ? OrderStatus::filled : OrderStatus::partially_filled;
  Fill f;
  f.order_id = o.id;
  f.symbol = o.request.symbol;
  f.side = o.request.side;
  f.quantity = delta;
  f.price = price;
  f.fee = fee;
  f.liquidity = fresh ? u.execution->liquidity : Liquidity::taker;
  f.ts = u.ts;
  f.strategy_id = o.request.strategy_id;
  out.push_back(ExecutionReport::filled(o, f));
  return outcome;
}

}  // namespace meridian::execution
