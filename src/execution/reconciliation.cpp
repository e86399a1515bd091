#include "meridian/execution/reconciliation.hpp"

#include <unordered_set>

namespace meridian::execution {

std::vector<OrderDifference> compare_open_orders(const GatewayOrders& book, std::span<const VenueOpenOrder> venue) {
  std::vector<OrderDifference> out;
  std::unordered_set<std::string_view> open_at_venue;
  for (const auto& v : venue) {
    open_at_venue.insert(v.client_order_id);
    const auto id = book.by_client_order_id(v.client_order_id);
    if (id && book.find(*id)) continue;
    // An id of our form unknown here: most likely sent just before the daemon stopped, before
    // the venue's acknowledgement was journaled.
    const std::string whose = id ? "ended here as order " + std::to_string(*id)
                              : book.has_our_form(v.client_order_id)
                                  ? "unknown here though it carries this portfolio's "
                                    "client order id (sent before a restart?)"
                                  : "not placed by this gateway";
    out.push_back({OrderDifference::Kind::unknown_at_venue, 0,
                   "venue order " + v.venue_order_id + " (client id " + v.client_order_id + ", " + v.side + " " +
                       v.quantity + " " + v.symbol + ") is open at the venue, " + whose + ": left alone"});
  }
  for (const auto& o : book.open()) {
    if (book.venue_order_id(o.id).empty()) continue;
    const auto cid = book.current_client_order_id(o.id);
    if (open_at_venue.contains(cid)) continue;
    out.push_back({OrderDifference::Kind::closed_at_venue, o.id,
                   "order " + std::to_string(o.id) + " (client id " + std::string(cid) +
                       ") is open here, not at the venue: read back"});
  }
  return out;
}

}  // namespace meridian::execution
