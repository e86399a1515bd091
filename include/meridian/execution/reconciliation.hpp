#pragma once
// Reconciliation of a live gateway's book with the venue's (issue 15 item 4), venue-neutral:
// what the venue says is open against what the gateway has open. Pure: the gateway fetches,
// this compares, the gateway acts (reads back what closed, reports what it does not know: an
// order the venue has and we do not is never cancelled from here).
#include <span>
#include <string>
#include <string_view>
#include <utility>
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

// For people: "AAPL long 10".
std::string describe(const VenuePosition& p);

// One symbol whose position differs between a portfolio's ledger and the venue.
struct PositionDifference {
  std::string symbol;       // ours ("BTC-USD")
  core::Quantity ledger{};  // signed: negative short
  core::Quantity venue{};   // signed
};

// Whether our symbol ("BTC-USD") and the venue's spelling ("BTCUSD", "BTC/USD") name the same
// instrument: equal once '-', '/' and case are ignored.
bool same_symbol(std::string_view ours, std::string_view venue) noexcept;

// Every symbol whose signed position differs between `ledger` (our symbol, signed quantity;
// zero quantities count as flat) and `venue` (short_side: negative), one held on one side only
// included; in `ledger`'s order, then the venue's symbols we do not hold (named as the venue
// spells them). Pure: the caller decides how fresh each side is.
std::vector<PositionDifference> compare_positions(std::span<const std::pair<std::string, core::Quantity>> ledger,
                                                  std::span<const VenuePosition> venue);

// Every difference between `book`'s open orders and `venue`'s list. Orders of ours the venue has
// not acknowledged yet (no venue order id: a submit or a restore still being resolved) are
// skipped: their own query settles them.
std::vector<OrderDifference> compare_open_orders(const GatewayOrders& book, std::span<const VenueOpenOrder> venue);

}  // namespace meridian::execution
