#pragma once
// The order book of a live gateway, venue-neutral (Alpaca now, Binance next): which venue order
// carries which order of ours, and how what the venue says about it becomes ExecutionReports.
//
// Contract:
// - Every venue order carries a client order id derived from the portfolio, our order id and a
//   revision ("mrd-7-42", a replace "mrd-7-42-r1"): durable across restarts (our order ids are
//   never reused), so the venue's uniqueness check on it is what makes a re-sent order a
//   duplicate instead of a second order.
// - Fills are booked exactly once however many times they are reported: an execution id is
//   booked once, and a venue order's cumulative filled quantity is never booked twice (a REST
//   snapshot and a stream event that report the same fill, in either order, book it once).
//   A fill learnt only from a cumulative total (a REST snapshot: no execution id) is priced from
//   the venue's average price over that total.
// - States only move forward: nothing happens to an order after it is terminal, and a late
//   "working" never undoes a partial fill.
// - One owner (the gateway, on the engine strand); no I/O, no clock.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "meridian/execution/executor.hpp"

namespace meridian::execution {

// What a venue says one of its orders is doing, in terms every venue maps onto.
enum class VenueOrderState : std::uint8_t {
  working,           // the venue holds it and it may still fill (new, accepted, held, ...)
  pending_change,    // a cancel or a replace is under way: nothing to report yet
  partially_filled,  // some of it filled (the quantities say how much)
  filled,            // all of it filled
  cancelled,
  expired,
  rejected,
  replaced,  // this venue order was replaced by another one carrying the same order of ours
};
std::string_view to_string(VenueOrderState s) noexcept;

// One execution (trade) at the venue.
struct VenueExecution {
  std::string id;  // the venue's execution or trade id
  core::Quantity quantity{};
  core::Price price{};
  core::Money fee{};
  Liquidity liquidity = Liquidity::taker;
};

// One report about one venue order: a stream event or a REST answer.
struct VenueOrderUpdate {
  std::string client_order_id;  // ours, as the venue echoes it
  std::string venue_order_id;
  VenueOrderState state = VenueOrderState::working;
  // Filled on this venue order so far, when the venue says (both Alpaca's order object and
  // Binance's execution report do); nullopt: only `execution` counts.
  std::optional<core::Quantity> cumulative_quantity;
  std::optional<core::Price> average_price;  // over cumulative_quantity
  std::optional<VenueExecution> execution;   // the execution this report is about, if any
  std::string reason;                        // rejects, cancels, expiries
  core::Timestamp ts{};                      // the venue's time of the event
};

// What apply() made of an update, for counters and logs.
enum class UpdateOutcome : std::uint8_t {
  applied,         // reports were made (or there was nothing new to report)
  unknown_order,   // not an order of this book (reconciliation's business)
  after_terminal,  // about an order already terminal: ignored
  duplicate,       // an execution (or cumulative quantity) already booked: nothing new
  unpriced,        // a fill known only by quantity, with no price: left for a later report
  overfill,        // the venue reports more filled than the order's quantity: clamped
};

class GatewayOrders {
 public:
  // `portfolio` names the portfolio in every client order id this book makes.
  explicit GatewayOrders(std::int64_t portfolio);

  // The client order id of `id`'s `revision`-th venue order (0: the original; each replace is
  // a new venue order). At most 57 bytes ("mrd-" + two 20-digit numbers + "-r" + 10 digits):
  // within Alpaca's 128. Binance takes 36: enough for portfolios up to 8191 (the configurable
  // ones) with any order id and fewer than 1000 replaces; binance::client_order_id_error checks
  // every id and the gateway refuses an order whose id would not fit (never a shortened id).
  std::string client_order_id(OrderId id, std::uint32_t revision = 0) const;

  // Starts tracking a new order (status new_order); false when `id` is already tracked. Returns
  // through `client_id` the client order id to send.
  bool add(Order order, std::string& client_id);
  // Recovery: an order stored as open rests again under its original client order id.
  void restore(Order order);

  const Order* find(OrderId id) const noexcept;
  // Whether a client order id has this book's form ("mrd-<portfolio>-..."), known to it or not.
  bool has_our_form(std::string_view client_order_id) const;
  // The order a client order id (any revision) belongs to.
  std::optional<OrderId> by_client_order_id(std::string_view client_order_id) const noexcept;
  // The venue's id of the order's current venue order; empty until the venue acknowledged it.
  std::string_view venue_order_id(OrderId id) const noexcept;
  // The client order id of the order's current venue order.
  std::string_view current_client_order_id(OrderId id) const noexcept;

  // The venue refused the order (a 4xx to the submit): rejected with `reason` while it is still
  // new_order; false (nothing reported) otherwise.
  bool refuse(OrderId id, std::string reason, core::Timestamp ts, std::vector<ExecutionReport>& out);
  // A cancel the venue cannot confirm any more (the order is unknown there and never filled):
  // cancelled with `reason`.
  bool cancel_locally(OrderId id, std::string reason, core::Timestamp ts, std::vector<ExecutionReport>& out);

  // The venue does not have the order at all (a restored order asked for by its client order
  // id: it never arrived): ended with `reason` and no fill more, rejected while it was never
  // acknowledged, else cancelled (what filled before stays booked). Never re-sent from here.
  bool not_at_venue(OrderId id, std::string reason, core::Timestamp ts, std::vector<ExecutionReport>& out);

  // A replace: the client order id of the next revision, reserved for the replacement.
  std::optional<std::string> begin_replace(OrderId id);
  // The venue took the replacement: the order now asks for `changes` (quantity and prices;
  // the quantity is the order's total, fills included) and is carried by the new venue order.
  // False when the order is unknown or was never replaced.
  bool replaced(OrderId id, const OrderRequest& changes, core::Timestamp ts, std::vector<ExecutionReport>& out);
  // The venue refused the replacement: the reservation is dropped, the order is unchanged.
  void abandon_replace(OrderId id) noexcept;

  // Turns one venue report into ExecutionReports appended to `out`.
  UpdateOutcome apply(const VenueOrderUpdate& update, std::vector<ExecutionReport>& out);

  std::span<const Order> open() const noexcept { return open_; }
  std::size_t executions_booked() const noexcept { return executions_.size(); }

 private:
  // One venue order carrying one of ours: the original or a replacement.
  struct Leg {
    std::string client_order_id;
    std::string venue_order_id;
    core::Quantity booked{};  // of this leg's cumulative quantity
    core::Money booked_notional{};
  };
  struct Track {
    std::vector<Leg> legs;  // legs.back() is current, or the reserved replacement when replacing
    bool replacing = false;
    std::uint32_t revisions = 0;  // replacement ids handed out: never reused, even if refused
  };

  std::optional<std::size_t> index_of(OrderId id) const noexcept;
  Leg& current_leg(Track& t) noexcept { return t.legs[t.legs.size() - 1 - (t.replacing ? 1 : 0)]; }
  const Leg& current_leg(const Track& t) const noexcept { return t.legs[t.legs.size() - 1 - (t.replacing ? 1 : 0)]; }
  UpdateOutcome book_fills(Order& o, Leg& leg, const VenueOrderUpdate& u, bool fresh_execution,
                           std::vector<ExecutionReport>& out);
  void finish(std::size_t index);
  // Makes open_[index] terminal with `status` and `reason`, reports it and stops tracking it.
  void end(std::size_t index, OrderStatus status, std::string reason, core::Timestamp ts,
           std::vector<ExecutionReport>& out);

  std::int64_t portfolio_;
  std::vector<Order> open_;                              // not terminal, in submission order
  std::vector<Track> track_;                             // parallel to open_
  std::unordered_map<std::string, OrderId> client_ids_;  // every revision, open or finished
  // Booked execution ids. Grows with the session's fills (a few per order); the durable record
  // across restarts is the journal's, which reconciliation (issue 15 item 4) compares with.
  std::unordered_set<std::string> executions_;
};

}  // namespace meridian::execution
