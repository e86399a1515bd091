// Paper executor: acceptance and rejection, each order type and time in force, latency and
// partial fills, cancel, replace and restore.
#include "meridian/execution/paper_executor.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "paper_fixture.hpp"

namespace meridian::execution::test {
namespace {

class PaperExecutorTest : public ::testing::Test {
 protected:
  core::InstrumentTable instruments = test_instruments();
  RecordingSink sink;
  PaperExecutor ex{plain_config(), instruments};
};

TEST_F(PaperExecutorTest, AcceptsAndReportsAccepted) {
  ex.submit(order(1, 0, Side::buy, "5"), sink);
  ASSERT_EQ(sink.orders.size(), 1u);
  EXPECT_EQ(sink.orders[0].status, OrderStatus::accepted);
  EXPECT_EQ(sink.orders[0].eligible_at, at_ms(0));
  ASSERT_EQ(ex.open_orders().size(), 1u);
  EXPECT_EQ(ex.open_orders()[0].id, 1u);
  EXPECT_EQ(ex.name(), "paper");
}

TEST_F(PaperExecutorTest, RejectsUnknownSymbol) {
  ex.submit(order(1, 7, Side::buy, "5"), sink);
  ASSERT_EQ(sink.orders.size(), 1u);
  EXPECT_EQ(sink.orders[0].status, OrderStatus::rejected);
  EXPECT_EQ(sink.orders[0].reason.rfind("unknown_symbol: ", 0), 0u) << sink.orders[0].reason;
  EXPECT_TRUE(ex.open_orders().empty());
}

TEST_F(PaperExecutorTest, RejectsInvalidRequestWithCodeAndField) {
  ex.submit(order(1, 0, Side::buy, "0"), sink);
  Order limit = order(2, 0, Side::buy, "1", OrderType::limit);
  ex.submit(limit, sink);
  ASSERT_EQ(sink.orders.size(), 2u);
  EXPECT_EQ(sink.orders[0].status, OrderStatus::rejected);
  EXPECT_EQ(sink.orders[0].reason.rfind("invalid_quantity: ", 0), 0u) << sink.orders[0].reason;
  EXPECT_NE(sink.orders[1].reason.find("limit_price"), std::string::npos) << sink.orders[1].reason;
  EXPECT_TRUE(ex.open_orders().empty());
}

TEST_F(PaperExecutorTest, RejectsPartLotsZeroIdAndDuplicateId) {
  ex.submit(order(1, 0, Side::buy, "1.5"), sink);  // AAA trades whole shares
  ex.submit(order(0, 0, Side::buy, "1"), sink);
  ex.submit(order(2, 1, Side::buy, "1.5"), sink);  // BBB has 3 quantity decimals
  ex.submit(order(2, 1, Side::buy, "1"), sink);
  ASSERT_EQ(sink.orders.size(), 4u);
  EXPECT_EQ(sink.orders[0].reason.rfind("invalid_lot: ", 0), 0u) << sink.orders[0].reason;
  EXPECT_EQ(sink.orders[1].reason.rfind("invalid_order_id: ", 0), 0u) << sink.orders[1].reason;
  EXPECT_EQ(sink.orders[2].status, OrderStatus::accepted);
  EXPECT_EQ(sink.orders[3].reason.rfind("duplicate_order_id: ", 0), 0u) << sink.orders[3].reason;
  EXPECT_EQ(ex.open_orders().size(), 1u);
}

TEST_F(PaperExecutorTest, MarketBuyFillsAtAskOnTheNextTickNotTheDecisionTick) {
  ex.submit(order(1, 0, Side::buy, "4"), sink);
  ex.on_tick(tick(0, 0, "99.5", "100.5", "100"), sink);  // the decision's own instant
  EXPECT_TRUE(sink.fills.empty());
  ex.on_tick(tick(0, 1000, "99.5", "100.5", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  const Fill& f = sink.fills[0];
  EXPECT_EQ(f.order_id, 1u);
  EXPECT_EQ(f.side, Side::buy);
  EXPECT_EQ(f.quantity, qty("4"));
  EXPECT_EQ(f.price, px("100.5"));
  EXPECT_EQ(f.fee, money("0.402"));  // 402 * 10 bps
  EXPECT_EQ(f.liquidity, Liquidity::taker);
  EXPECT_EQ(f.ts, at_ms(1000));
  const Order* o = sink.last(1);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->status, OrderStatus::filled);
  EXPECT_EQ(o->filled_quantity, qty("4"));
  EXPECT_EQ(o->fees, money("0.402"));
  EXPECT_EQ(o->average_price(), px("100.5"));
  EXPECT_TRUE(ex.open_orders().empty());
}

TEST_F(PaperExecutorTest, FillIsReportedBeforeTheOrderState) {
  ex.submit(order(1, 0, Side::sell, "2"), sink);
  ex.on_tick(tick(0, 1000, "99.5", "100.5", "100"), sink);
  ASSERT_EQ(sink.fill_orders.size(), 1u);
  EXPECT_EQ(sink.fill_orders[0].status, OrderStatus::filled);
  EXPECT_EQ(sink.fills[0].price, px("99.5"));  // sells hit the bid
  ASSERT_EQ(sink.orders.size(), 2u);           // accepted, filled
  EXPECT_EQ(sink.orders[1].status, OrderStatus::filled);
}

TEST_F(PaperExecutorTest, MarketOrderWaitsForTheSideItNeeds) {
  ex.submit(order(1, 0, Side::buy, "1"), sink);
  ex.on_tick(tick(0, 1000, "99", "0", "100"), sink);
  EXPECT_TRUE(sink.fills.empty());
  ex.on_tick(tick(0, 2000, "99", "101", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("101"));
}

TEST_F(PaperExecutorTest, TicksOfOtherSymbolsDoNotFill) {
  ex.submit(order(1, 0, Side::buy, "1"), sink);
  ex.on_tick(tick(1, 1000, "99", "101", "100"), sink);
  ex.on_tick(tick(9, 1000, "99", "101", "100"), sink);  // not an instrument: ignored
  EXPECT_TRUE(sink.fills.empty());
  EXPECT_EQ(ex.open_orders().size(), 1u);
}

TEST(PaperExecutorLatency, NoFillBeforeEligibleAt) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.latency = std::chrono::milliseconds(500);
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  ex.submit(order(1, 0, Side::buy, "1"), sink);
  EXPECT_EQ(sink.orders[0].eligible_at, at_ms(500));
  ex.on_tick(tick(0, 200, "99", "100", "100"), sink);
  ex.on_tick(tick(0, 499, "99", "100", "100"), sink);
  EXPECT_TRUE(sink.fills.empty());
  ex.on_tick(tick(0, 500, "99", "100.25", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].ts, at_ms(500));
  EXPECT_EQ(sink.fills[0].price, px("100.25"));
}

TEST_F(PaperExecutorTest, LimitBuyRestsThenFillsAtItsLimitAsMaker) {
  Order o = order(1, 0, Side::buy, "10", OrderType::limit);
  o.request.limit_price = px("99");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "99.5", "100", "99.8"), sink);
  EXPECT_TRUE(sink.fills.empty());
  ex.on_tick(tick(0, 2000, "98", "98.5", "98.2"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("99"));
  EXPECT_EQ(sink.fills[0].liquidity, Liquidity::maker);
  EXPECT_EQ(sink.fills[0].fee, money("0.198"));  // 990 * 2 bps
}

TEST_F(PaperExecutorTest, LimitSellRestsThenFillsWhenBidReachesIt) {
  Order o = order(1, 0, Side::sell, "3", OrderType::limit);
  o.request.limit_price = px("101");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "100.5", "101.5", "101"), sink);
  EXPECT_TRUE(sink.fills.empty());
  ex.on_tick(tick(0, 2000, "101", "101.5", "101"), sink);  // touching the limit is enough
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("101"));
  EXPECT_EQ(sink.fills[0].liquidity, Liquidity::maker);
}

TEST_F(PaperExecutorTest, MarketableLimitTakesAtTheTouch) {
  Order o = order(1, 0, Side::buy, "1", OrderType::limit);
  o.request.limit_price = px("101");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "99.5", "100", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("100"));
  EXPECT_EQ(sink.fills[0].liquidity, Liquidity::taker);
  EXPECT_EQ(sink.fills[0].fee, money("0.1"));
}

TEST(PaperExecutorLimit, MarketableLimitNeverPaysBeyondItsLimit) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.slippage_bps = 100.0;  // touch 100 -> 101 for a market buy
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  Order o = order(1, 0, Side::buy, "1", OrderType::limit);
  o.request.limit_price = px("100.5");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "99.5", "100", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("100.5"));
  EXPECT_EQ(sink.fills[0].liquidity, Liquidity::taker);
}

TEST_F(PaperExecutorTest, StopBuyTriggersOnLastThenFillsAsMarket) {
  Order o = order(1, 0, Side::buy, "2", OrderType::stop);
  o.request.stop_price = px("105");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "104.5", "104.9", "104.8"), sink);  // ask near but last below
  EXPECT_TRUE(sink.fills.empty());
  EXPECT_FALSE(sink.last(1)->triggered);
  ex.on_tick(tick(0, 2000, "105.4", "105.6", "105.5"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("105.6"));
  EXPECT_EQ(sink.fills[0].liquidity, Liquidity::taker);
  // accepted, triggered, filled
  ASSERT_EQ(sink.orders.size(), 3u);
  EXPECT_TRUE(sink.orders[1].triggered);
  EXPECT_EQ(sink.orders[1].status, OrderStatus::accepted);
  EXPECT_EQ(sink.orders[2].status, OrderStatus::filled);
}

TEST_F(PaperExecutorTest, StopSellTriggersWhenLastTradesDownThrough) {
  Order o = order(1, 0, Side::sell, "2", OrderType::stop);
  o.request.stop_price = px("95");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "95.1", "95.3", "95.2"), sink);
  EXPECT_TRUE(sink.fills.empty());
  ex.on_tick(tick(0, 2000, "94.8", "95", "95"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("94.8"));
}

TEST_F(PaperExecutorTest, StopLimitTriggersThenRestsAsALimit) {
  Order o = order(1, 0, Side::buy, "2", OrderType::stop_limit);
  o.request.stop_price = px("105");
  o.request.limit_price = px("105.2");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "105.1", "105.4", "105.1"), sink);  // triggers; ask above the limit
  EXPECT_TRUE(sink.fills.empty());
  ASSERT_TRUE(sink.last(1)->triggered);
  ex.on_tick(tick(0, 2000, "105.3", "105.5", "104.9"), sink);  // stays triggered below the stop
  EXPECT_TRUE(sink.fills.empty());
  ex.on_tick(tick(0, 3000, "104.9", "105", "105"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("105.2"));
  EXPECT_EQ(sink.fills[0].liquidity, Liquidity::maker);
}

TEST_F(PaperExecutorTest, StopLimitMarketableWhenTriggeredTakes) {
  Order o = order(1, 0, Side::sell, "1", OrderType::stop_limit);
  o.request.stop_price = px("95");
  o.request.limit_price = px("94");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "94.6", "94.8", "94.7"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].price, px("94.6"));
  EXPECT_EQ(sink.fills[0].liquidity, Liquidity::taker);
}

TEST_F(PaperExecutorTest, GtcRestsAcrossManyTicks) {
  Order o = order(1, 0, Side::buy, "1", OrderType::limit);
  o.request.limit_price = px("90");
  ex.submit(o, sink);
  for (int i = 1; i <= 50; ++i) ex.on_tick(tick(0, i * 1000, "99", "100", "99.5"), sink);
  EXPECT_TRUE(sink.fills.empty());
  ASSERT_EQ(ex.open_orders().size(), 1u);
  EXPECT_EQ(ex.open_orders()[0].status, OrderStatus::accepted);
}

TEST(PaperExecutorTif, IocFillsWhatTheFirstTickAllowsAndCancelsTheRest) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.max_participation = 0.5;
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  Order o = order(1, 0, Side::buy, "10");
  o.request.tif = TimeInForce::ioc;
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "99", "100", "100", "8"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].quantity, qty("4"));
  const Order* last = sink.last(1);
  EXPECT_EQ(last->status, OrderStatus::cancelled);
  EXPECT_EQ(last->reason, "ioc");
  EXPECT_EQ(last->filled_quantity, qty("4"));
  EXPECT_TRUE(ex.open_orders().empty());
}

TEST_F(PaperExecutorTest, IocLimitNotMarketableIsCancelled) {
  Order o = order(1, 0, Side::buy, "1", OrderType::limit);
  o.request.limit_price = px("99");
  o.request.tif = TimeInForce::ioc;
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "99.5", "100", "100"), sink);
  EXPECT_TRUE(sink.fills.empty());
  EXPECT_EQ(sink.last(1)->status, OrderStatus::cancelled);
  EXPECT_EQ(sink.last(1)->reason, "ioc");
}

TEST(PaperExecutorTif, FokFillsAllOrExpires) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.max_participation = 0.5;
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  Order short_of_volume = order(1, 0, Side::buy, "10");
  short_of_volume.request.tif = TimeInForce::fok;
  Order enough = order(2, 0, Side::buy, "3");
  enough.request.tif = TimeInForce::fok;
  ex.submit(short_of_volume, sink);
  ex.submit(enough, sink);
  ex.on_tick(tick(0, 1000, "99", "100", "100", "8"), sink);  // at most 4 per order
  EXPECT_TRUE(sink.fills_of(1).empty());
  EXPECT_EQ(sink.last(1)->status, OrderStatus::expired);
  EXPECT_EQ(sink.last(1)->reason, "fok");
  ASSERT_EQ(sink.fills_of(2).size(), 1u);
  EXPECT_EQ(sink.fills_of(2)[0].quantity, qty("3"));
  EXPECT_EQ(sink.last(2)->status, OrderStatus::filled);
}

TEST_F(PaperExecutorTest, DayOrderExpiresAtItsSessionEnd) {
  Order o = order(1, 0, Side::buy, "1", OrderType::limit);
  o.request.limit_price = px("90");
  o.request.tif = TimeInForce::day;
  o.expires_at = at_ms(5000);
  ex.submit(o, sink);
  ex.on_tick(tick(0, 4999, "99", "100", "100"), sink);
  EXPECT_EQ(ex.open_orders().size(), 1u);
  ex.on_tick(tick(1, 5000, "99", "100", "100"), sink);  // any symbol's time counts
  EXPECT_TRUE(ex.open_orders().empty());
  EXPECT_EQ(sink.last(1)->status, OrderStatus::expired);
  EXPECT_EQ(sink.last(1)->reason, "day");
}

TEST(PaperExecutorPartial, FillsOverSeveralTicksCappedByParticipation) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.max_participation = 0.5;
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  ex.submit(order(1, 0, Side::buy, "10"), sink);
  ex.on_tick(tick(0, 1000, "99", "100", "100", "4"), sink);
  ex.on_tick(tick(0, 2000, "99", "101", "100", "1"), sink);  // half a share: nothing this tick
  ex.on_tick(tick(0, 3000, "99", "102", "100", "6"), sink);
  ASSERT_EQ(ex.open_orders().size(), 1u);
  EXPECT_EQ(ex.open_orders()[0].status, OrderStatus::partially_filled);
  EXPECT_EQ(ex.open_orders()[0].remaining(), qty("5"));
  ex.on_tick(tick(0, 4000, "99", "104", "100", "0"), sink);  // a quote without volume is not capped
  ASSERT_EQ(sink.fills.size(), 3u);
  EXPECT_EQ(sink.fills[0].quantity, qty("2"));
  EXPECT_EQ(sink.fills[1].quantity, qty("3"));
  EXPECT_EQ(sink.fills[2].quantity, qty("5"));
  const Order* last = sink.last(1);
  EXPECT_EQ(last->status, OrderStatus::filled);
  EXPECT_EQ(last->filled_notional, money("1026"));  // 2*100 + 3*102 + 5*104
  EXPECT_EQ(last->average_price(), px("102.6"));
  EXPECT_EQ(last->fees, money("1.026"));
}

TEST_F(PaperExecutorTest, CancelReportsAndStopsMatching) {
  ex.submit(order(1, 0, Side::buy, "1", OrderType::limit), sink);  // rejected: no limit
  Order o = order(2, 0, Side::buy, "1", OrderType::limit);
  o.request.limit_price = px("99");
  ex.submit(o, sink);
  EXPECT_FALSE(ex.cancel(1, "user", sink));  // never opened
  EXPECT_TRUE(ex.cancel(2, "user", sink));
  EXPECT_EQ(sink.last(2)->status, OrderStatus::cancelled);
  EXPECT_EQ(sink.last(2)->reason, "user");
  EXPECT_FALSE(ex.cancel(2, "again", sink));
  EXPECT_FALSE(ex.cancel(42, "unknown", sink));
  ex.on_tick(tick(0, 1000, "97", "98", "98"), sink);
  EXPECT_TRUE(sink.fills.empty());
  EXPECT_TRUE(ex.open_orders().empty());
}

TEST(PaperExecutorReplace, KeepsIdAndFillsAndRestartsLatency) {
  const auto instruments = test_instruments();
  auto config = plain_config();
  config.max_participation = 0.5;
  config.latency = std::chrono::milliseconds(100);
  PaperExecutor ex(config, instruments);
  RecordingSink sink;
  Order o = order(1, 0, Side::buy, "10", OrderType::limit);
  o.request.limit_price = px("100");
  ex.submit(o, sink);
  ex.on_tick(tick(0, 1000, "99", "100", "100", "4"), sink);  // fills 2 (marketable: taker)
  ASSERT_EQ(sink.fills.size(), 1u);

  OrderRequest changes = o.request;
  changes.quantity = qty("2");
  EXPECT_FALSE(ex.replace(1, changes, sink));  // not above what has filled
  changes.quantity = qty("6");
  changes.limit_price = Price{};
  EXPECT_FALSE(ex.replace(1, changes, sink));  // invalid: a limit needs its price
  EXPECT_FALSE(ex.replace(99, changes, sink));
  changes.limit_price = px("98");
  ASSERT_TRUE(ex.replace(1, changes, sink));
  const Order* replaced = sink.last(1);
  EXPECT_EQ(replaced->request.quantity, qty("6"));
  EXPECT_EQ(replaced->request.limit_price, px("98"));
  EXPECT_EQ(replaced->filled_quantity, qty("2"));
  EXPECT_EQ(replaced->eligible_at, at_ms(1100));
  EXPECT_EQ(replaced->status, OrderStatus::partially_filled);

  ex.on_tick(tick(0, 1050, "97", "97.5", "97.5", "100"), sink);  // before the replace arrives
  EXPECT_EQ(sink.fills.size(), 1u);
  ex.on_tick(tick(0, 1100, "97", "97.5", "97.5", "100"), sink);
  ASSERT_EQ(sink.fills.size(), 2u);
  EXPECT_EQ(sink.fills[1].quantity, qty("4"));
  EXPECT_EQ(sink.fills[1].price, px("97.5"));  // marketable when it arrived: takes the touch
  EXPECT_EQ(sink.last(1)->status, OrderStatus::filled);
  EXPECT_EQ(sink.last(1)->filled_quantity, qty("6"));
  EXPECT_FALSE(ex.replace(1, changes, sink));  // terminal
}

TEST_F(PaperExecutorTest, RestorePutsBackAnOpenOrderSilently) {
  Order o = order(5, 0, Side::sell, "3", OrderType::limit);
  o.request.limit_price = px("101");
  o.status = OrderStatus::partially_filled;
  o.filled_quantity = qty("1");
  o.eligible_at = o.created;
  ex.restore(o);
  EXPECT_TRUE(sink.orders.empty());
  ASSERT_EQ(ex.open_orders().size(), 1u);
  ex.on_tick(tick(0, 1000, "101.5", "102", "101.5"), sink);
  ASSERT_EQ(sink.fills.size(), 1u);
  EXPECT_EQ(sink.fills[0].quantity, qty("2"));
  EXPECT_EQ(sink.last(5)->filled_quantity, qty("3"));

  Order done = o;
  done.id = 6;
  done.status = OrderStatus::filled;
  EXPECT_THROW(ex.restore(done), std::invalid_argument);
  Order unknown = o;
  unknown.id = 7;
  unknown.request.symbol = 12;
  EXPECT_THROW(ex.restore(unknown), std::invalid_argument);
}

// Ticks come from the feed, never from inside a report.
class TickingSink final : public SplitSink {
 public:
  explicit TickingSink(PaperExecutor& ex) : ex_(ex) {}
  void on_order(const Order&) override {}
  void on_fill(const Order&, const Fill&) override { ex_.on_tick(tick(0, 3000, "99", "100", "100"), *this); }
  Quantity reducible(const Order&) const noexcept override { return Quantity{}; }
  OrderId allocate_order_id() noexcept override { return 0; }

 private:
  PaperExecutor& ex_;
};

TEST(PaperExecutorReentrancy, OnTickFromACallbackIsRefused) {
  const auto instruments = test_instruments();
  PaperExecutor ex(plain_config(), instruments);
  TickingSink sink(ex);
  ex.submit(order(1, 0, Side::buy, "1"), sink);
  EXPECT_THROW(ex.on_tick(tick(0, 1000, "99", "100", "100"), sink), std::logic_error);
  // The executor stays usable afterwards.
  RecordingSink plain;
  ex.submit(order(2, 0, Side::buy, "1", OrderType::market, 1000), plain);
  ex.on_tick(tick(0, 2000, "99", "100", "100"), plain);
  EXPECT_EQ(plain.fills_of(2).size(), 1u);
}

}  // namespace
}  // namespace meridian::execution::test

namespace meridian::execution::test {
namespace {

// #11 item 1: a fill the ledger can not settle (it would leave the range) is not made; the order
// is cancelled "out_of_range" and nothing is reported filled.
TEST_F(PaperExecutorTest, AFillTheLedgerCanNotSettleCancelsTheOrder) {
  sink.settles = false;
  ex.submit(order(1, 0, Side::buy, "4"), sink);
  ex.on_tick(tick(0, 1000, "99.5", "100.5", "100"), sink);
  EXPECT_TRUE(sink.fills.empty());
  const Order* o = sink.last(1);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->status, OrderStatus::cancelled);
  EXPECT_EQ(o->reason, "out_of_range");
  EXPECT_TRUE(o->filled_quantity.is_zero());
  EXPECT_TRUE(ex.open_orders().empty());
}

// A fill whose notional does not fit the range (a price near the top of it) is refused the
// same way, and the fee of such a fill has no value.
TEST_F(PaperExecutorTest, AFillBeyondTheRangeCancelsTheOrder) {
  EXPECT_FALSE(ex.fee_for(0, Price::from_raw(INT64_MAX), qty("2")));
  ex.submit(order(1, 0, Side::buy, "2"), sink);
  const auto top = Price::from_raw(INT64_MAX / 100 * 100);  // on AAA's cent grid
  core::Tick t = tick(0, 1000, "99.5", "100.5", "100");
  t.bid = t.ask = t.last = top;
  ex.on_tick(t, sink);
  EXPECT_TRUE(sink.fills.empty());
  const Order* o = sink.last(1);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->status, OrderStatus::cancelled);
  EXPECT_EQ(o->reason, "out_of_range");
}

}  // namespace
}  // namespace meridian::execution::test
