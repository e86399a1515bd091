// The venue-neutral gateway book: client order ids, acknowledgement, refusals, fills booked
// exactly once across execution ids and cumulative totals (stream and REST in either order),
// forward-only states, replaces carried by a new venue order.
#include "meridian/execution/gateway_orders.hpp"

#include <gtest/gtest.h>

using namespace meridian::execution;
using meridian::core::Money;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Timestamp;

namespace {

Quantity qty(const char* s) {
  return *Quantity::parse(s);
}
Price px(const char* s) {
  return *Price::parse(s);
}

Order order(OrderId id, const char* quantity = "10") {
  Order o;
  o.id = id;
  o.request.symbol = 3;
  o.request.side = meridian::core::Side::buy;
  o.request.quantity = qty(quantity);
  o.request.type = OrderType::limit;
  o.request.limit_price = px("100");
  o.request.strategy_id = 9;
  return o;
}

VenueOrderUpdate update(const std::string& cid, VenueOrderState state, const char* cumulative = "0") {
  VenueOrderUpdate u;
  u.client_order_id = cid;
  u.venue_order_id = "v-" + cid;
  u.state = state;
  u.cumulative_quantity = qty(cumulative);
  u.ts = Timestamp(std::chrono::seconds(1'700'000'000));
  return u;
}

VenueOrderUpdate execution(const std::string& cid, const char* exec_id, const char* q, const char* p,
                           const char* cumulative, VenueOrderState state = VenueOrderState::partially_filled) {
  auto u = update(cid, state, cumulative);
  u.execution = VenueExecution{exec_id, qty(q), px(p), Money{}, Liquidity::taker};
  return u;
}

struct Book {
  GatewayOrders orders{7};
  std::vector<ExecutionReport> out;
  std::string add(OrderId id, const char* quantity = "10") {
    std::string cid;
    EXPECT_TRUE(orders.add(order(id, quantity), cid));
    return cid;
  }
  std::vector<ExecutionReport> take() { return std::exchange(out, {}); }
};

}  // namespace

TEST(GatewayOrders, ClientOrderIdsAreDerivedFromPortfolioOrderAndRevision) {
  GatewayOrders orders(7);
  EXPECT_EQ(orders.client_order_id(42), "mrd-7-42");
  EXPECT_EQ(orders.client_order_id(42, 2), "mrd-7-42-r2");
  EXPECT_EQ(GatewayOrders(8).client_order_id(42), "mrd-8-42");
  const auto longest = GatewayOrders(INT64_MIN).client_order_id(UINT64_MAX, UINT32_MAX);
  EXPECT_LE(longest.size(), 64u) << longest;
}

TEST(GatewayOrders, AddTracksPendingAndRefusesADuplicateId) {
  Book b;
  const auto cid = b.add(1);
  EXPECT_EQ(cid, "mrd-7-1");
  ASSERT_NE(b.orders.find(1), nullptr);
  EXPECT_EQ(b.orders.find(1)->status, OrderStatus::new_order);
  EXPECT_EQ(b.orders.by_client_order_id(cid), 1u);
  EXPECT_TRUE(b.orders.venue_order_id(1).empty());
  std::string again;
  EXPECT_FALSE(b.orders.add(order(1), again));
  EXPECT_EQ(b.orders.open().size(), 1u);
}

TEST(GatewayOrders, FirstVenueWordAcknowledgesOnce) {
  Book b;
  const auto cid = b.add(1);
  EXPECT_EQ(b.orders.apply(update(cid, VenueOrderState::working), b.out), UpdateOutcome::applied);
  auto r = b.take();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, ExecutionReport::Kind::order);
  EXPECT_EQ(r[0].order.status, OrderStatus::accepted);
  EXPECT_EQ(b.orders.venue_order_id(1), "v-" + cid);
  b.orders.apply(update(cid, VenueOrderState::working), b.out);
  b.orders.apply(update(cid, VenueOrderState::pending_change), b.out);
  EXPECT_TRUE(b.take().empty());
}

TEST(GatewayOrders, RefusedWhilePendingIsRejectedWithReason) {
  Book b;
  b.add(1);
  EXPECT_TRUE(b.orders.refuse(1, "insufficient buying power", {}, b.out));
  auto r = b.take();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].order.status, OrderStatus::rejected);
  EXPECT_EQ(r[0].order.reason, "insufficient buying power");
  EXPECT_TRUE(b.orders.open().empty());
  EXPECT_FALSE(b.orders.refuse(1, "again", {}, b.out));
}

TEST(GatewayOrders, RefuseAfterAcknowledgementDoesNothing) {
  Book b;
  const auto cid = b.add(1);
  b.orders.apply(update(cid, VenueOrderState::working), b.out);
  b.take();
  EXPECT_FALSE(b.orders.refuse(1, "late", {}, b.out));
  EXPECT_TRUE(b.take().empty());
}

TEST(GatewayOrders, VenueRejectOfAPendingOrderIsRejected) {
  Book b;
  const auto cid = b.add(1);
  auto u = update(cid, VenueOrderState::rejected);
  u.reason = "market closed";
  b.orders.apply(u, b.out);
  auto r = b.take();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].order.status, OrderStatus::rejected);
  EXPECT_EQ(r[0].order.reason, "market closed");
}

TEST(GatewayOrders, PartialFillsThenFill) {
  Book b;
  const auto cid = b.add(1);
  b.orders.apply(execution(cid, "e1", "4", "100", "4"), b.out);
  b.orders.apply(execution(cid, "e2", "6", "101", "10", VenueOrderState::filled), b.out);
  auto r = b.take();
  ASSERT_EQ(r.size(), 3u);  // accepted, fill 4, fill 6
  EXPECT_EQ(r[0].order.status, OrderStatus::accepted);
  EXPECT_EQ(r[1].kind, ExecutionReport::Kind::fill);
  EXPECT_EQ(r[1].fill.quantity, qty("4"));
  EXPECT_EQ(r[1].fill.price, px("100"));
  EXPECT_EQ(r[1].fill.order_id, 1u);
  EXPECT_EQ(r[1].fill.symbol, 3u);
  EXPECT_EQ(r[1].fill.strategy_id, 9u);
  EXPECT_EQ(r[1].order.status, OrderStatus::partially_filled);
  EXPECT_EQ(r[2].fill.quantity, qty("6"));
  EXPECT_EQ(r[2].fill.price, px("101"));
  EXPECT_EQ(r[2].order.status, OrderStatus::filled);
  EXPECT_EQ(r[2].order.filled_quantity, qty("10"));
  EXPECT_EQ(r[2].order.filled_notional, Money::from_units(1006));
  EXPECT_TRUE(b.orders.open().empty());
  EXPECT_EQ(b.orders.executions_booked(), 2u);
}

TEST(GatewayOrders, ARepeatedExecutionIdIsBookedOnce) {
  Book b;
  const auto cid = b.add(1);
  b.orders.apply(execution(cid, "e1", "4", "100", "4"), b.out);
  b.take();
  EXPECT_EQ(b.orders.apply(execution(cid, "e1", "4", "100", "4"), b.out), UpdateOutcome::duplicate);
  EXPECT_TRUE(b.take().empty());
  EXPECT_EQ(b.orders.find(1)->filled_quantity, qty("4"));
}

TEST(GatewayOrders, StreamThenRestSnapshotBooksOnce) {
  Book b;
  const auto cid = b.add(1);
  b.orders.apply(execution(cid, "e1", "4", "100", "4"), b.out);
  b.take();
  // A REST answer: the order's totals, no execution id.
  auto snapshot = update(cid, VenueOrderState::partially_filled, "4");
  snapshot.average_price = px("100");
  b.orders.apply(snapshot, b.out);
  EXPECT_TRUE(b.take().empty());
  EXPECT_EQ(b.orders.find(1)->filled_quantity, qty("4"));
}

TEST(GatewayOrders, RestSnapshotThenStreamBooksOnce) {
  Book b;
  const auto cid = b.add(1);
  auto snapshot = update(cid, VenueOrderState::partially_filled, "4");
  snapshot.average_price = px("100");
  b.orders.apply(snapshot, b.out);
  auto r = b.take();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fill.quantity, qty("4"));
  EXPECT_EQ(r[1].fill.price, px("100"));
  // The stream's event for the same execution arrives afterwards: already booked by quantity.
  EXPECT_EQ(b.orders.apply(execution(cid, "e1", "4", "100", "4"), b.out), UpdateOutcome::duplicate);
  EXPECT_TRUE(b.take().empty());
  EXPECT_EQ(b.orders.find(1)->filled_quantity, qty("4"));
}

TEST(GatewayOrders, MissedExecutionsArePricedFromTheVenueAverage) {
  Book b;
  const auto cid = b.add(1);
  b.orders.apply(execution(cid, "e1", "4", "100", "4"), b.out);
  b.take();
  // e2 (2 at 103) was missed; e3 (4 at 106) arrives with the total: 10 at an average of 103.4.
  auto u = execution(cid, "e3", "4", "106", "10", VenueOrderState::filled);
  u.average_price = px("103.4");
  b.orders.apply(u, b.out);
  auto r = b.take();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fill.quantity, qty("6"));
  // 10 * 103.4 - 400 = 634 over 6.
  EXPECT_EQ(r[0].fill.price, Price::from_raw(10'566'666'667));
  EXPECT_EQ(r[0].order.status, OrderStatus::filled);
}

TEST(GatewayOrders, AFillKnownOnlyByQuantityWaitsForAPrice) {
  Book b;
  const auto cid = b.add(1);
  EXPECT_EQ(b.orders.apply(update(cid, VenueOrderState::partially_filled, "4"), b.out), UpdateOutcome::unpriced);
  auto r = b.take();
  ASSERT_EQ(r.size(), 1u);  // acknowledged only
  EXPECT_TRUE(b.orders.find(1)->filled_quantity.is_zero());
}

TEST(GatewayOrders, AnOverfillIsClampedToTheOrder) {
  Book b;
  const auto cid = b.add(1, "5");
  EXPECT_EQ(b.orders.apply(execution(cid, "e1", "6", "100", "6", VenueOrderState::filled), b.out),
            UpdateOutcome::overfill);
  auto r = b.take();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].fill.quantity, qty("5"));
  EXPECT_EQ(r[1].order.status, OrderStatus::filled);
}

TEST(GatewayOrders, CancelExpireRejectEndTheOrder) {
  for (auto [state, status] : {std::pair{VenueOrderState::cancelled, OrderStatus::cancelled},
                               std::pair{VenueOrderState::expired, OrderStatus::expired},
                               std::pair{VenueOrderState::rejected, OrderStatus::rejected}}) {
    Book b;
    const auto cid = b.add(1);
    b.orders.apply(update(cid, VenueOrderState::working), b.out);
    b.take();
    b.orders.apply(update(cid, state), b.out);
    auto r = b.take();
    ASSERT_EQ(r.size(), 1u) << to_string(state);
    EXPECT_EQ(r[0].order.status, status);
    EXPECT_FALSE(r[0].order.reason.empty());
    EXPECT_TRUE(b.orders.open().empty());
    EXPECT_EQ(b.orders.apply(update(cid, VenueOrderState::working), b.out), UpdateOutcome::after_terminal);
    EXPECT_TRUE(b.take().empty());
  }
}

TEST(GatewayOrders, CancelledAfterAPartialFillKeepsTheFill) {
  Book b;
  const auto cid = b.add(1);
  b.orders.apply(execution(cid, "e1", "4", "100", "4"), b.out);
  b.take();
  b.orders.apply(update(cid, VenueOrderState::cancelled, "4"), b.out);
  auto r = b.take();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].order.status, OrderStatus::cancelled);
  EXPECT_EQ(r[0].order.filled_quantity, qty("4"));
}

TEST(GatewayOrders, AFillInACancelRaceIsBookedAndTheOrderEndsFilled) {
  Book b;
  const auto cid = b.add(1);
  b.orders.apply(update(cid, VenueOrderState::pending_change), b.out);  // cancel requested
  b.take();
  b.orders.apply(execution(cid, "e1", "10", "100", "10", VenueOrderState::filled), b.out);
  auto r = b.take();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].order.status, OrderStatus::filled);
  EXPECT_EQ(b.orders.apply(update(cid, VenueOrderState::cancelled, "10"), b.out), UpdateOutcome::after_terminal);
}

TEST(GatewayOrders, UnknownClientOrderIdIsReported) {
  Book b;
  EXPECT_EQ(b.orders.apply(update("someone-else", VenueOrderState::working), b.out), UpdateOutcome::unknown_order);
  EXPECT_TRUE(b.take().empty());
}

TEST(GatewayOrders, ReplaceMovesTheOrderToANewVenueOrder) {
  Book b;
  const auto cid = b.add(1);
  b.orders.apply(execution(cid, "e1", "4", "100", "4"), b.out);
  b.take();
  const auto next = b.orders.begin_replace(1);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "mrd-7-1-r1");
  EXPECT_FALSE(b.orders.begin_replace(1));  // one at a time
  auto changes = order(1, "8").request;
  changes.limit_price = px("99");
  EXPECT_TRUE(b.orders.replaced(1, changes, {}, b.out));
  auto r = b.take();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].order.request.quantity, qty("8"));
  EXPECT_EQ(r[0].order.request.limit_price, px("99"));
  EXPECT_EQ(b.orders.current_client_order_id(1), "mrd-7-1-r1");
  // The old venue order's end is the replace, not ours.
  b.orders.apply(update(cid, VenueOrderState::replaced, "4"), b.out);
  b.orders.apply(update(cid, VenueOrderState::cancelled, "4"), b.out);
  EXPECT_TRUE(b.take().empty());
  // The replacement's cumulative counts from its own zero: 4 more fill the order.
  b.orders.apply(execution(*next, "e2", "4", "99", "4", VenueOrderState::filled), b.out);
  r = b.take();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].fill.quantity, qty("4"));
  EXPECT_EQ(r[0].order.status, OrderStatus::filled);
  EXPECT_EQ(r[0].order.filled_quantity, qty("8"));
}

TEST(GatewayOrders, AnAbandonedReplaceKeepsTheOrderAndNeverReusesTheId) {
  Book b;
  b.add(1);
  const auto first = b.orders.begin_replace(1);
  b.orders.abandon_replace(1);
  EXPECT_EQ(b.orders.current_client_order_id(1), "mrd-7-1");
  const auto second = b.orders.begin_replace(1);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, "mrd-7-1-r1");
  EXPECT_EQ(*second, "mrd-7-1-r2");  // an id sent once is never sent for another venue order
  EXPECT_EQ(b.orders.by_client_order_id(*first), 1u);
}

// Order `id` as stored before a restart: acknowledged, 4 filled at 100.
static Order partly_filled(OrderId id) {
  auto o = order(id);
  o.status = OrderStatus::partially_filled;
  o.filled_quantity = qty("4");
  o.filled_notional = Money::from_units(400);
  return o;
}

TEST(GatewayOrders, RestoredOrderBooksOnlyWhatFilledSinceTheRestart) {
  GatewayOrders orders(7);
  orders.restore(partly_filled(1));
  std::vector<ExecutionReport> out;
  auto u = update("mrd-7-1", VenueOrderState::partially_filled, "7");
  u.average_price = px("101.2");  // 4 at 100 and 3 at 102.8
  orders.apply(u, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].fill.quantity, qty("3"));
  EXPECT_EQ(out[0].fill.price, px("102.8"));
}

TEST(GatewayOrders, AnOrderTheVenueNeverGotEndsRejectedOrCancelledWithTheReason) {
  GatewayOrders orders(7);
  auto pending = order(1);
  pending.status = OrderStatus::new_order;
  orders.restore(pending);
  orders.restore(partly_filled(2));
  std::vector<ExecutionReport> out;
  ASSERT_TRUE(orders.not_at_venue(1, "not_at_venue: gone", Timestamp{}, out));
  ASSERT_TRUE(orders.not_at_venue(2, "not_at_venue: gone", Timestamp{}, out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].order.status, OrderStatus::rejected);
  EXPECT_EQ(out[0].order.reason, "not_at_venue: gone");
  EXPECT_EQ(out[1].order.status, OrderStatus::cancelled);
  EXPECT_EQ(out[1].order.filled_quantity, qty("4"));  // what filled before stays booked
  EXPECT_TRUE(orders.open().empty());
  EXPECT_FALSE(orders.not_at_venue(1, "again", Timestamp{}, out));  // ended once
  // A late word from the venue about it changes nothing.
  EXPECT_EQ(orders.apply(update("mrd-7-1", VenueOrderState::filled, "10"), out), UpdateOutcome::after_terminal);
  EXPECT_EQ(out.size(), 2u);
}
