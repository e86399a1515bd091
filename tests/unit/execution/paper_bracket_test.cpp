// Paper executor exits: trailing stops, bracket legs with one-cancels-other, reduce-only caps.
#include <gtest/gtest.h>

#include "meridian/execution/paper_executor.hpp"
#include "paper_fixture.hpp"

namespace meridian::execution::test {
namespace {

TEST(PaperTrailing, SellStopRatchetsUpOnlyAndTriggers) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);
  RecordingSink sink;
  ex.on_tick(tick(0, 0, "99.9", "100.1", "100"), sink);  // what the decision saw
  Order o = order(1, 0, Side::sell, "2", OrderType::stop);
  o.request.trail_amount = px("2");
  ex.submit(o, sink);
  EXPECT_EQ(sink.last(1)->request.stop_price, px("98"));
  EXPECT_EQ(sink.last(1)->trail_anchor, px("100"));

  ex.on_tick(tick(0, 1000, "100.9", "101.1", "101"), sink);
  EXPECT_EQ(sink.last(1)->request.stop_price, px("99"));
  const auto reports = sink.orders.size();
  ex.on_tick(tick(0, 2000, "99.9", "100.1", "100"), sink);  // falling back never lowers the stop
  EXPECT_EQ(sink.orders.size(), reports);
  ex.on_tick(tick(0, 3000, "102.9", "103.1", "103"), sink);
  EXPECT_EQ(sink.last(1)->request.stop_price, px("101"));
  EXPECT_EQ(sink.last(1)->trail_anchor, px("103"));
  ex.on_tick(tick(0, 4000, "101.4", "101.6", "101.5"), sink);
  EXPECT_TRUE(sink.fills.empty());
  EXPECT_FALSE(sink.last(1)->triggered);

  ex.on_tick(tick(0, 5000, "100.8", "101", "100.9"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("100.8"));
  EXPECT_EQ(sink.last(1)->status, OrderStatus::filled);
  EXPECT_EQ(sink.last(1)->request.stop_price, px("101"));
}

TEST(PaperTrailing, BuyStopByPercentFollowsTheLow) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);
  RecordingSink sink;
  ex.on_tick(tick(0, 0, "199.9", "200.1", "200"), sink);
  Order o = order(1, 0, Side::buy, "1", OrderType::stop);
  o.request.trail_percent = 1.0;
  ex.submit(o, sink);
  EXPECT_EQ(sink.last(1)->request.stop_price, px("202"));
  ex.on_tick(tick(0, 1000, "189.9", "190.1", "190"), sink);
  EXPECT_EQ(sink.last(1)->request.stop_price, px("191.9"));
  ex.on_tick(tick(0, 2000, "190.9", "191.1", "191"), sink);  // up from the low, below the stop
  EXPECT_EQ(sink.last(1)->request.stop_price, px("191.9"));
  ex.on_tick(tick(0, 3000, "188.9", "189.1", "189"), sink);
  EXPECT_EQ(sink.last(1)->request.stop_price, px("190.89"));
  EXPECT_TRUE(sink.fills.empty());
  ex.on_tick(tick(0, 4000, "190.9", "191.1", "191"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("191.1"));
}

TEST(PaperTrailing, NoTickSeenYetStartsTheTrailOnTheFirstEligibleTick) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);
  RecordingSink sink;
  Order o = order(1, 0, Side::sell, "1", OrderType::stop);
  o.request.trail_amount = px("1");
  ex.submit(o, sink);
  EXPECT_EQ(sink.last(1)->request.stop_price, Price{});
  ex.on_tick(tick(0, 1000, "49.9", "50.1", "50"), sink);
  EXPECT_EQ(sink.last(1)->request.stop_price, px("49"));
  EXPECT_TRUE(sink.fills.empty());
}

Order bracket_entry() {
  Order o = order(1, 0, Side::buy, "10", OrderType::limit);
  o.request.limit_price = px("100");
  o.request.take_profit = px("110");
  o.request.stop_loss = px("95");
  o.request.strategy_id = 7;
  return o;
}

TEST(PaperBracket, EachEntryFillPlacesOrEnlargesLinkedLegs) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.max_participation = 0.5;
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  ex.submit(bracket_entry(), sink);
  ex.on_tick(tick(0, 1000, "99.5", "100", "100", "8"), sink);  // fills 4
  ASSERT_EQ(ex.open_orders().size(), 3u);
  const Order* tp = sink.last(1000);
  const Order* sl = sink.last(1001);
  ASSERT_NE(tp, nullptr);
  ASSERT_NE(sl, nullptr);
  EXPECT_EQ(tp->request.quantity, qty("4"));
  EXPECT_EQ(sl->request.quantity, qty("4"));

  ex.on_tick(tick(0, 2000, "99.5", "99.8", "99.8", "12"), sink);  // fills the other 6
  EXPECT_EQ(sink.last(1)->status, OrderStatus::filled);
  ASSERT_EQ(ex.open_orders().size(), 2u);
  tp = sink.last(1000);
  sl = sink.last(1001);
  for (const Order* leg : {tp, sl}) {
    EXPECT_EQ(leg->status, OrderStatus::accepted);
    EXPECT_EQ(leg->parent_id, 1u);
    EXPECT_EQ(leg->request.side, Side::sell);
    EXPECT_EQ(leg->request.quantity, qty("10"));
    EXPECT_TRUE(leg->request.reduce_only);
    EXPECT_EQ(leg->request.tif, TimeInForce::gtc);
    EXPECT_EQ(leg->request.strategy_id, 7u);
    EXPECT_EQ(leg->created, at_ms(1000));
  }
  EXPECT_EQ(tp->request.type, OrderType::limit);
  EXPECT_EQ(tp->request.limit_price, px("110"));
  EXPECT_EQ(sl->request.type, OrderType::stop);
  EXPECT_EQ(sl->request.stop_price, px("95"));
  EXPECT_EQ(tp->oco_id, 1001u);
  EXPECT_EQ(sl->oco_id, 1000u);
  EXPECT_EQ(sink.next_id, 1002u);  // enlarged, not placed twice
}

TEST(PaperBracket, ALegFillReducesItsSiblingAndCompletionCancelsIt) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.max_participation = 0.5;
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  ex.submit(bracket_entry(), sink);
  ex.on_tick(tick(0, 1000, "99.5", "100", "100", "20"), sink);  // entry fills 10
  ex.on_tick(tick(0, 2000, "105", "105.2", "105.1", "8"), sink);
  ex.on_tick(tick(0, 3000, "110", "110.2", "110.1", "8"), sink);  // take-profit: 4 as maker
  ASSERT_EQ(sink.fills_of(1000).size(), 1u);
  EXPECT_EQ(sink.fills_of(1000)[0].price, px("110"));
  EXPECT_EQ(sink.fills_of(1000)[0].liquidity, Liquidity::maker);
  EXPECT_EQ(sink.last(1001)->request.quantity, qty("6"));
  EXPECT_EQ(sink.last(1001)->status, OrderStatus::accepted);

  ex.on_tick(tick(0, 4000, "110.5", "110.7", "110.6", "20"), sink);  // the other 6
  EXPECT_EQ(sink.last(1000)->status, OrderStatus::filled);
  EXPECT_EQ(sink.last(1000)->filled_quantity, qty("10"));
  EXPECT_EQ(sink.last(1001)->status, OrderStatus::cancelled);
  EXPECT_EQ(sink.last(1001)->reason, "oco");
  EXPECT_TRUE(sink.fills_of(1001).empty());
  EXPECT_TRUE(ex.open_orders().empty());
}

TEST(PaperBracket, TrailingStopLossLegTriggersAndCancelsTheTakeProfit) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);
  RecordingSink sink;
  Order entry = order(1, 0, Side::buy, "5");
  entry.request.take_profit = px("120");
  entry.request.bracket_trail_amount = px("3");
  ex.submit(entry, sink);
  ex.on_tick(tick(0, 1000, "99.9", "100", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  const Order* sl = sink.last(1001);
  ASSERT_NE(sl, nullptr);
  EXPECT_EQ(sl->request.stop_price, px("97"));
  EXPECT_EQ(sl->request.trail_amount, px("3"));
  ex.on_tick(tick(0, 2000, "103.9", "104.1", "104"), sink);
  EXPECT_EQ(sink.last(1001)->request.stop_price, px("101"));
  ex.on_tick(tick(0, 3000, "100.4", "100.6", "100.5"), sink);
  ASSERT_EQ(sink.fills_of(1001).size(), 1u);
  EXPECT_EQ(sink.fills_of(1001)[0].price, px("100.4"));
  EXPECT_EQ(sink.fills_of(1001)[0].quantity, qty("5"));
  EXPECT_EQ(sink.last(1000)->status, OrderStatus::cancelled);
  EXPECT_EQ(sink.last(1000)->reason, "oco");
  EXPECT_TRUE(ex.open_orders().empty());
}

TEST(PaperBracket, EntryCancelledBeforeAnyFillPlacesNoLegs) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);
  RecordingSink sink;
  ex.submit(bracket_entry(), sink);
  ex.on_tick(tick(0, 1000, "100.5", "101", "101"), sink);  // rests
  ASSERT_TRUE(ex.cancel(1, "user", sink));
  ex.on_tick(tick(0, 2000, "98", "99", "99"), sink);
  EXPECT_TRUE(sink.fills.empty());
  EXPECT_TRUE(ex.open_orders().empty());
  EXPECT_EQ(sink.next_id, 1000u);
}

TEST(PaperReduceOnly, CappedByWhatIsHeldThenCancelledWhenNothingIs) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);
  RecordingSink sink;
  Order o = order(1, 0, Side::sell, "10");
  o.request.reduce_only = true;
  ex.submit(o, sink);
  sink.reducible_by_order[1] = qty("4");
  ex.on_tick(tick(0, 1000, "99.9", "100", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].quantity, qty("4"));
  EXPECT_EQ(sink.last(1)->status, OrderStatus::partially_filled);
  sink.reducible_by_order[1] = Quantity{};
  ex.on_tick(tick(0, 2000, "99.9", "100", "100"), sink);
  EXPECT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.last(1)->status, OrderStatus::cancelled);
  EXPECT_EQ(sink.last(1)->reason, "position_closed");
  EXPECT_TRUE(ex.open_orders().empty());
}

TEST(PaperReduceOnly, AnUntriggeredStopIsCancelledWhenThePositionCloses) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);
  RecordingSink sink;
  Order o = order(1, 0, Side::sell, "3", OrderType::stop);
  o.request.stop_price = px("90");
  o.request.reduce_only = true;
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "99.9", "100", "100"), sink);
  EXPECT_EQ(ex.open_orders().size(), 1u);
  sink.reducible_by_order[1] = Quantity{};
  ex.on_tick(tick(0, 2000, "99.9", "100", "100"), sink);
  EXPECT_EQ(sink.last(1)->reason, "position_closed");
  EXPECT_TRUE(ex.open_orders().empty());
}

}  // namespace
}  // namespace meridian::execution::test
