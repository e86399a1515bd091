#pragma once
// Reconciliation of a live gateway's book with the venue's (issue 15 item 4), venue-neutral:
// what the venue says is open against what the gateway has open. Pure: the gateway fetches,
// this compares, the gateway acts (reads back what closed, reports what it does not know: an
// order the venue has and we do not is never cancelled from here).
#include <span>
#include <string>
#include <vector>

#include "meridian/execution/gateway_orders.hpp"

namespace meridian::execution {

// One open order as the venue lists it.
struct VenueOpenOrder {
  std::string client_order_id;
  std::string venue_order_id;
  std::string symbol;    // the venue's spelling
  std::string side;      // the venue's word
  std::string quantity;  // as the venue writes it
};

// One position as the venue holds it.
struct VenuePosition {
  std::string symbol;
  bool short_side = false;
  core::Quantity quantity{};
};

struct OrderDifference {
  enum class Kind : std::uint8_t {
    unknown_at_venue,  // open at the venue, not an open order of ours: reported, left alone
    closed_at_venue,   // open here (acknowledged), not open at the venue: to be read back
  };
  Kind kind = Kind::unknown_at_venue;
  OrderId order = 0;  // ours (closed_at_venue)
  std::string text;   // for people: the log, the status
};

// Every difference between `book`'s open orders and `venue`'s list. Orders of ours the venue has
// not acknowledged yet (no venue order id: a submit or a restore still being resolved) are
// skipped: their own query settles them.
std::vector<OrderDifference> compare_open_orders(const GatewayOrders& book, std::span<const VenueOpenOrder> venue);

}  // namespace meridian::execution
