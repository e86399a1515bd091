#include "meridian/execution/reconciliation.hpp"

#include <cctype>
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

std::string describe(const VenuePosition& p) {
  return p.symbol + (p.short_side ? " short " : " long ") + p.quantity.to_string();
}

bool same_symbol(std::string_view ours, std::string_view venue) noexcept {
  // Two cursors over the letters that count: no copy, no allocation.
  const auto skip = [](std::string_view s, std::size_t i) {
    while (i < s.size() && (s[i] == '-' || s[i] == '/')) ++i;
    return i;
  };
  std::size_t i = skip(ours, 0), j = skip(venue, 0);
  while (i < ours.size() && j < venue.size()) {
    if (std::toupper(static_cast<unsigned char>(ours[i])) != std::toupper(static_cast<unsigned char>(venue[j])))
      return false;
    i = skip(ours, i + 1);
    j = skip(venue, j + 1);
  }
  return i == ours.size() && j == venue.size();
}

std::vector<PositionDifference> compare_positions(std::span<const std::pair<std::string, core::Quantity>> ledger,
                                                  std::span<const VenuePosition> venue) {
  const auto signed_venue = [](const VenuePosition& p) {
    const auto magnitude = p.quantity.raw() < 0 ? -p.quantity : p.quantity;
    return p.short_side ? -magnitude : magnitude;
  };
  std::vector<PositionDifference> out;
  std::vector<bool> matched(venue.size(), false);
  for (const auto& [symbol, quantity] : ledger) {
    core::Quantity at_venue{};
    for (std::size_t i = 0; i < venue.size(); ++i)
      if (!matched[i] && same_symbol(symbol, venue[i].symbol)) {
        matched[i] = true;
        at_venue = signed_venue(venue[i]);
        break;
      }
    if (at_venue != quantity) out.push_back({symbol, quantity, at_venue});
  }
  for (std::size_t i = 0; i < venue.size(); ++i)
    if (!matched[i] && !venue[i].quantity.is_zero()) out.push_back({venue[i].symbol, {}, signed_venue(venue[i])});
  return out;
}

}  // namespace meridian::execution
