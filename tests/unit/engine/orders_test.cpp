// Orders through the Portfolio's public API with a real paper executor at the touch
// (10 bps fees, no slippage): each order type decided on one tick and filled on a later one,
// validation, idempotent client ids, cancel, replace, trades recorded by hand, reset, and
// open orders resting again after a restart.
//
// Unless a test says otherwise AAA trades at 100.00 with bid 99.95 and ask 100.05.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <random>
#include <string>

#include "engine_rig.hpp"

namespace meridian::engine::test {
namespace {

using core::Errc;

void expect_error(const CommandResult& r, Errc code, std::string_view reason) {
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, code);
  EXPECT_EQ(r->reason, reason);
  EXPECT_FALSE(r->message.empty());
}

TEST(EngineOrders, MarketOrderFillsOnTheNextTickAtTheTouch) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  rig.pull();
  rig.engine.take_events();

  const auto s = rig.submit(market(kAaa, Side::buy, "10"));
  ASSERT_FALSE(s.error) << s.error->message;
  EXPECT_FALSE(s.ticket.duplicate);
  EXPECT_EQ(s.ticket.order.id, 1u);
  EXPECT_EQ(s.ticket.order.status, OrderStatus::accepted);
  EXPECT_EQ(s.ticket.order.created, kT0);
  EXPECT_EQ(s.ticket.order.request.strategy_id, 0u);
  // Decided on the tick at 0 s: nothing fills before data after it.
  EXPECT_TRUE(rig.held(kAaa).is_zero());
  auto entries = rig.pull();
  ASSERT_EQ(entries.size(), 1u);
  const auto& accepted = std::get<OrderRecord>(entries[0].record);
  EXPECT_EQ(accepted.event_seq, 1u);
  EXPECT_EQ(accepted.order.status, OrderStatus::accepted);

  rig.tick(kAaa, seconds(1), "100");
  entries = rig.pull();
  ASSERT_EQ(entries.size(), 2u);  // the trade, then the order's filled state
  const auto& trade = std::get<TradeRecord>(entries[0].record).trade;
  EXPECT_EQ(trade.order_id, 1u);
  EXPECT_EQ(trade.side, Side::buy);
  EXPECT_EQ(trade.quantity, qty("10"));
  EXPECT_EQ(trade.price, px("100.05"));   // the ask
  EXPECT_EQ(trade.fee, money("1.0005"));  // 1000.50 * 10 bps
  EXPECT_EQ(trade.ts, kT0 + seconds(1));
  EXPECT_EQ(trade.strategy, "manual");
  EXPECT_EQ(trade.strategy_id, 0u);
  const auto& filled = std::get<OrderRecord>(entries[1].record);
  EXPECT_EQ(filled.event_seq, 2u);
  EXPECT_EQ(filled.order.status, OrderStatus::filled);
  EXPECT_EQ(rig.held(kAaa), qty("10"));
  EXPECT_EQ(rig.engine.ledger().cash(), money("98998.4995"));  // 100000 - 1000.50 - 1.0005

  const auto changes = events_of<OrderChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].order.status, OrderStatus::accepted);
  EXPECT_EQ(changes[1].order.status, OrderStatus::filled);
}

TEST(EngineOrders, LimitOrderRestsUntilTheMarketReachesItThenFillsAtItsLimit) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  const auto s = rig.submit(limit(kAaa, Side::buy, "10", "99.00"));
  ASSERT_FALSE(s.error);
  rig.tick(kAaa, seconds(1), "99.50");  // ask 99.55: above the limit, it rests
  EXPECT_TRUE(rig.held(kAaa).is_zero());
  EXPECT_EQ(rig.order(1)->status, OrderStatus::accepted);
  rig.tick(kAaa, seconds(2), "98.90");  // ask 98.95: through the limit
  const auto trades = records_of<TradeRecord>(rig.pull());
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].trade.price, px("99.00"));  // a rested limit fills at its limit
  EXPECT_EQ(trades[0].trade.fee, money("0.99"));
  EXPECT_EQ(rig.engine.ledger().cash(), money("99009.01"));  // 100000 - 990 - 0.99
}

TEST(EngineOrders, StopOrderTriggersOnTheLastAndFillsAtTheTouch) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  const auto s = rig.submit(stop(kAaa, Side::buy, "10", "101.00"));
  ASSERT_FALSE(s.error);
  rig.tick(kAaa, seconds(1), "100.90");  // below the stop
  EXPECT_FALSE(rig.order(1)->triggered);
  rig.tick(kAaa, seconds(2), "101.20");  // last through the stop: a market order now
  const auto entries = rig.pull();
  const auto trades = records_of<TradeRecord>(entries);
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].trade.price, px("101.25"));
  EXPECT_EQ(trades[0].trade.fee, money("1.0125"));
  // accepted, triggered, filled
  const auto states = order_records(entries, 1);
  ASSERT_EQ(states.size(), 3u);
  EXPECT_TRUE(states[1].order.triggered);
  EXPECT_EQ(states[1].order.status, OrderStatus::accepted);
  EXPECT_EQ(states[2].order.status, OrderStatus::filled);
}

TEST(EngineOrders, StopLimitRestsAfterTheTriggerUntilTheLimitIsReached) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  auto request = stop(kAaa, Side::buy, "10", "101.00");
  request.type = OrderType::stop_limit;
  request.limit_price = px("101.10");
  ASSERT_FALSE(rig.submit(request).error);
  rig.tick(kAaa, seconds(1), "101.20");  // triggered, but the ask 101.25 is above the limit
  EXPECT_TRUE(rig.order(1)->triggered);
  EXPECT_TRUE(rig.held(kAaa).is_zero());
  rig.tick(kAaa, seconds(2), "101.00");  // ask 101.05 <= 101.10
  const auto trades = records_of<TradeRecord>(rig.pull());
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].trade.price, px("101.10"));
  EXPECT_EQ(trades[0].trade.quantity, qty("10"));
}

TEST(EngineOrders, IocCancelsWhatTheFirstTickCannotFillAndDayExpiresAtTheUtcDayEnd) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  auto ioc = limit(kAaa, Side::buy, "10", "99.00");
  ioc.tif = TimeInForce::ioc;
  ASSERT_FALSE(rig.submit(ioc).error);
  auto day = limit(kAaa, Side::buy, "10", "90.00");
  day.tif = TimeInForce::day;
  const auto placed = rig.submit(day);
  ASSERT_FALSE(placed.error);
  // A venue without a calendar closes with the UTC day.
  EXPECT_EQ(placed.ticket.order.expires_at, kT0 + kNextDay);

  rig.tick(kAaa, seconds(1), "100");
  EXPECT_EQ(rig.order(1)->status, OrderStatus::cancelled);
  EXPECT_EQ(rig.order(1)->reason, "ioc");
  EXPECT_EQ(rig.order(2)->status, OrderStatus::accepted);
  rig.tick(kAaa, kNextDay - seconds(1), "95");
  EXPECT_EQ(rig.order(2)->status, OrderStatus::accepted);
  rig.tick(kAaa, kNextDay, "89");  // would fill, but the day is over
  EXPECT_EQ(rig.order(2)->status, OrderStatus::expired);
  EXPECT_EQ(rig.order(2)->reason, "day");
  EXPECT_TRUE(rig.held(kAaa).is_zero());
}

TEST(EngineOrders, InvalidRequestsAreRefusedWithTheirCodeAndPlaceNothing) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  rig.pull();
  expect_error(rig.submit(market(kAaa, Side::buy, "0")).error, Errc::invalid_argument, "invalid_quantity");
  auto no_limit = market(kAaa, Side::buy, "1");
  no_limit.type = OrderType::limit;
  expect_error(rig.submit(no_limit).error, Errc::invalid_argument, "missing_limit_price");
  auto stray_limit = market(kAaa, Side::buy, "1");
  stray_limit.limit_price = px("99");
  expect_error(rig.submit(stray_limit).error, Errc::invalid_argument, "unexpected_limit_price");
  auto no_stop = market(kAaa, Side::buy, "1");
  no_stop.type = OrderType::stop;
  expect_error(rig.submit(no_stop).error, Errc::invalid_argument, "missing_stop_price");
  auto crossed = market(kAaa, Side::buy, "1");
  crossed.take_profit = px("95");
  crossed.stop_loss = px("105");
  expect_error(rig.submit(crossed).error, Errc::invalid_argument, "invalid_bracket");
  auto long_id = market(kAaa, Side::buy, "1");
  long_id.client_order_id = std::string(65, 'x');
  expect_error(rig.submit(long_id).error, Errc::invalid_argument, "client_order_id_too_long");

  const auto unknown = rig.submit(market(99, Side::buy, "1"));
  ASSERT_TRUE(unknown.error);
  EXPECT_EQ(unknown.error->code, Errc::not_found);
  EXPECT_EQ(unknown.error->field, "symbol");

  EXPECT_TRUE(records_of<OrderRecord>(rig.pull()).empty());
  EXPECT_TRUE(rig.executor.open_orders().empty());
  EXPECT_EQ(rig.snapshot()->counters.orders, 0u);
}

TEST(EngineOrders, ExecutorRejectionAnswersWithTheExecutorsCode) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  // Well formed, but AAA trades whole shares: the executor refuses the lot.
  const auto s = rig.submit(market(kAaa, Side::buy, "1.5"));
  expect_error(s.error, Errc::rejected, "invalid_lot");
  const auto states = order_records(rig.pull(), 1);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].order.status, OrderStatus::rejected);
  EXPECT_EQ(states[0].order.reason.rfind("invalid_lot: ", 0), 0u) << states[0].order.reason;
}

TEST(EngineOrders, ClientOrderIdIsIdempotent) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  auto request = market(kAaa, Side::buy, "10");
  request.client_order_id = "abc-1";
  const auto first = rig.submit(request);
  ASSERT_FALSE(first.error);
  EXPECT_FALSE(first.ticket.duplicate);

  auto again = request;
  again.quantity = qty("20");  // a retry answers with the first order, whatever it says now
  auto second = rig.submit(again);
  ASSERT_FALSE(second.error);
  EXPECT_TRUE(second.ticket.duplicate);
  EXPECT_EQ(second.ticket.order.id, first.ticket.order.id);
  EXPECT_EQ(second.ticket.order.request.quantity, qty("10"));
  EXPECT_EQ(rig.executor.open_orders().size(), 1u);

  rig.tick(kAaa, seconds(1), "100");
  second = rig.submit(request);  // after the fill: the filled order, and no second trade
  ASSERT_FALSE(second.error);
  EXPECT_TRUE(second.ticket.duplicate);
  EXPECT_EQ(second.ticket.order.status, OrderStatus::filled);
  rig.tick(kAaa, seconds(2), "100");
  const auto entries = rig.pull();
  EXPECT_EQ(records_of<OrderRecord>(entries).size(), 2u);  // accepted, filled: one order
  EXPECT_EQ(records_of<TradeRecord>(entries).size(), 1u);
  EXPECT_EQ(rig.held(kAaa), qty("10"));
  EXPECT_EQ(rig.snapshot()->counters.orders, 1u);

  request.client_order_id = "abc-2";
  const auto other = rig.submit(request);
  ASSERT_FALSE(other.error);
  EXPECT_FALSE(other.ticket.duplicate);
  EXPECT_EQ(other.ticket.order.id, 2u);
}

TEST(EngineOrders, CancelStopsARestingOrderAndAFinishedOneCannotBeCancelled) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  ASSERT_FALSE(rig.submit(limit(kAaa, Side::buy, "10", "90.00")).error);
  ASSERT_FALSE(rig.submit(market(kAaa, Side::buy, "1")).error);
  OrderTicket t;
  ASSERT_FALSE(rig.engine.cancel_order(1, t));
  EXPECT_EQ(t.order.id, 1u);
  EXPECT_EQ(t.order.status, OrderStatus::cancelled);
  EXPECT_EQ(t.order.reason, "cancelled by request");
  expect_error(rig.engine.cancel_order(1, t), Errc::conflict, "order_finished");
  const auto missing = rig.engine.cancel_order(999, t);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code, Errc::not_found);

  rig.tick(kAaa, seconds(1), "89");     // would have filled the cancelled limit
  EXPECT_EQ(rig.held(kAaa), qty("1"));  // only the market order
  expect_error(rig.engine.cancel_order(2, t), Errc::conflict, "order_finished");
  const auto states = order_records(rig.pull(), 1);
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[1].event_seq, 2u);
  EXPECT_EQ(states[1].order.status, OrderStatus::cancelled);
}

TEST(EngineOrders, ReplaceKeepsTheIdAndWhatFilledAndTakesTheNewTerms) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  ASSERT_FALSE(rig.submit(limit(kAaa, Side::buy, "10", "99.00")).error);
  rig.tick(kAaa, seconds(1), "98.90", "0.05", "4");  // ask 98.95, 4 traded: 4 of 10 fill
  EXPECT_EQ(rig.held(kAaa), qty("4"));
  const auto* working = rig.order(1);
  ASSERT_NE(working, nullptr);
  EXPECT_EQ(working->status, OrderStatus::partially_filled);

  OrderTicket t;
  auto changes = working->request;
  changes.quantity = qty("4");  // not above what filled
  expect_error(rig.engine.replace_order(1, changes, t), Errc::invalid_argument, "invalid_quantity");
  changes.quantity = qty("6");
  changes.limit_price = Price{};
  expect_error(rig.engine.replace_order(1, changes, t), Errc::invalid_argument, "missing_limit_price");
  changes.limit_price = px("98.50");
  ASSERT_FALSE(rig.engine.replace_order(1, changes, t));
  EXPECT_EQ(t.order.id, 1u);
  EXPECT_EQ(t.order.request.quantity, qty("6"));
  EXPECT_EQ(t.order.request.limit_price, px("98.50"));
  EXPECT_EQ(t.order.filled_quantity, qty("4"));

  rig.tick(kAaa, seconds(2), "98.90");  // ask 98.95 is above the new limit: rests
  EXPECT_EQ(rig.held(kAaa), qty("4"));
  rig.tick(kAaa, seconds(3), "98.40");  // ask 98.45: the remaining 2 at 98.50
  EXPECT_EQ(rig.held(kAaa), qty("6"));
  const auto entries = rig.pull();
  const auto trades = records_of<TradeRecord>(entries);
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].trade.price, px("98.95"));  // marketable on arrival: the ask
  EXPECT_EQ(trades[1].trade.price, px("98.50"));
  EXPECT_EQ(trades[1].trade.quantity, qty("2"));
  // accepted, partially filled, replaced, filled
  const auto states = order_records(entries, 1);
  ASSERT_EQ(states.size(), 4u);
  EXPECT_EQ(states[2].order.request.quantity, qty("6"));
  EXPECT_EQ(states[3].order.status, OrderStatus::filled);
  EXPECT_EQ(states[3].event_seq, 4u);

  expect_error(rig.engine.replace_order(1, changes, t), Errc::conflict, "order_finished");
  const auto missing = rig.engine.replace_order(999, changes, t);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code, Errc::not_found);
}

TEST(EngineOrders, RecordedTradeIsAFilledManualOrderThroughTheLedger) {
  Rig rig;
  rig.tick(kAaa, seconds(0), "100");
  rig.pull();
  OrderTicket t;
  ASSERT_FALSE(rig.engine.record_trade(manual(kAaa, Side::buy, qty("10"), px("100"), money("1")), t));
  EXPECT_EQ(t.order.status, OrderStatus::filled);
  EXPECT_EQ(t.order.filled_quantity, qty("10"));
  EXPECT_EQ(t.order.average_price(), px("100"));
  EXPECT_EQ(t.order.fees, money("1"));
  EXPECT_EQ(rig.held(kAaa), qty("10"));
  EXPECT_EQ(rig.engine.ledger().cash(), money("98999"));  // 100000 - 1000 - 1
  const auto entries = rig.pull();
  const auto orders = records_of<OrderRecord>(entries);
  const auto trades = records_of<TradeRecord>(entries);
  ASSERT_EQ(orders.size(), 1u);
  ASSERT_EQ(trades.size(), 1u);
  // The order row first: the trade refers to it.
  ASSERT_TRUE(std::holds_alternative<OrderRecord>(entries[0].record));
  const auto& order = orders[0];
  EXPECT_EQ(order.order.id, t.order.id);
  EXPECT_EQ(order.event_seq, 1u);
  EXPECT_EQ(order.order.status, OrderStatus::filled);
  const auto& trade = trades[0].trade;
  EXPECT_EQ(trade.order_id, t.order.id);
  EXPECT_EQ(trade.strategy, "manual");
  EXPECT_EQ(trade.price, px("100"));
  EXPECT_EQ(trade.fee, money("1"));

  expect_error(rig.engine.record_trade(manual(kAaa, Side::sell, qty("11"), px("110"), Money{}), t),
               Errc::invalid_argument, "insufficient_position");
  expect_error(rig.engine.record_trade(manual(kAaa, Side::buy, qty("0"), px("110"), Money{}), t),
               Errc::invalid_argument, "invalid_quantity");
  expect_error(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), Price{}, Money{}), t), Errc::invalid_argument,
               "invalid_price");
  expect_error(rig.engine.record_trade(manual(kAaa, Side::buy, qty("1"), px("1"), money("-1")), t),
               Errc::invalid_argument, "invalid_fee");
  const auto unknown = rig.engine.record_trade(manual(99, Side::buy, qty("1"), px("1"), Money{}), t);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->code, Errc::not_found);
  EXPECT_TRUE(rig.pull().empty()) << "a refused record journals nothing";

  ASSERT_FALSE(rig.engine.record_trade(manual(kAaa, Side::sell, qty("4"), px("110"), money("0.5")), t));
  EXPECT_EQ(rig.held(kAaa), qty("6"));
  // realized 4 * (110 - 100) = 40; cash 98999 + 440 - 0.5
  EXPECT_EQ(rig.engine.ledger().realized_pnl(), money("40"));
  EXPECT_EQ(rig.engine.ledger().cash(), money("99438.5"));
}

// The session's SMA(2)/SMA(4) strategy on one symbol, one tick every 10 s at the minute's
// price with no spread. Closes 100 90 80 70 80 100 then `after`: the golden cross on bar 5 is
// decided on minute 6's first tick (sized at its ask) and fills on the second.
struct StrategyRig : Rig {
  static PortfolioConfig config(ExitRules exits) {
    PortfolioConfig c = manual_config();
    c.autostart = true;
    c.strategy = StrategyConfig::sma_crossover(2, 4);
    c.strategy.position_fraction = 0.5;
    c.exits = exits;
    return c;
  }
  explicit StrategyRig(ExitRules exits) : Rig(config(exits)) {}

  void minute(int m, const char* price) {
    for (int k = 0; k < 6; ++k) tick(kAaa, seconds(60 * m + 10 * k), price, "0");
  }
  // Minutes 0..6: entry filled at 110.00 for floor(50000 / 110) = 454 shares.
  void enter() {
    const char* closes[] = {"100", "90", "80", "70", "80", "100", "110"};
    for (int m = 0; m < 7; ++m) minute(m, closes[m]);
  }
};

TEST(EngineOrders, StrategyEntryGetsBracketLegsAndTheStopFillCancelsTheTakeProfit) {
  StrategyRig rig({5.0, 10.0, 0.0});  // stop-loss 5 %, take-profit 10 %
  rig.enter();
  EXPECT_EQ(rig.held(kAaa), qty("454"));
  const auto* entry = rig.order(1);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->status, OrderStatus::filled);
  EXPECT_EQ(entry->request.take_profit, px("121.00"));  // 110 * 1.10
  EXPECT_EQ(entry->request.stop_loss, px("104.50"));    // 110 * 0.95
  const Order tp = *rig.order(2);
  const Order sl = *rig.order(3);
  for (const auto& leg : {tp, sl}) {
    EXPECT_EQ(leg.parent_id, 1u);
    EXPECT_EQ(leg.status, OrderStatus::accepted);
    EXPECT_EQ(leg.request.side, Side::sell);
    EXPECT_EQ(leg.request.quantity, qty("454"));
    EXPECT_TRUE(leg.request.reduce_only);
    EXPECT_EQ(leg.request.strategy_id, kDefaultInstanceId);
  }
  EXPECT_EQ(tp.request.type, OrderType::limit);
  EXPECT_EQ(tp.request.limit_price, px("121.00"));
  EXPECT_EQ(tp.oco_id, 3u);
  EXPECT_EQ(sl.request.type, OrderType::stop);
  EXPECT_EQ(sl.request.stop_price, px("104.50"));
  EXPECT_EQ(sl.oco_id, 2u);

  rig.tick(kAaa, seconds(420), "104.00", "0");  // through the stop
  EXPECT_TRUE(rig.held(kAaa).is_zero());
  EXPECT_EQ(rig.order(3)->status, OrderStatus::filled);
  EXPECT_EQ(rig.order(2)->status, OrderStatus::cancelled);
  EXPECT_EQ(rig.order(2)->reason, "oco");
  const auto trades = records_of<TradeRecord>(rig.pull());
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[1].trade.order_id, 3u);
  EXPECT_EQ(trades[1].trade.price, px("104.00"));
  EXPECT_EQ(trades[1].trade.realized_pnl, money("-2724"));  // 454 * (104 - 110)
  // 100000 - 49940 - 49.94 + 47216 - 47.216
  EXPECT_EQ(rig.engine.ledger().cash(), money("97178.844"));
  EXPECT_TRUE(rig.executor.open_orders().empty());
}

TEST(EngineOrders, TrailingStopLegFollowsTheHighAndSellsOnTheTurn) {
  StrategyRig rig({0.0, 0.0, 5.0});  // trailing 5 %
  rig.enter();
  const auto* sl = rig.order(2);
  ASSERT_NE(sl, nullptr);
  EXPECT_EQ(sl->parent_id, 1u);
  EXPECT_EQ(sl->request.type, OrderType::stop);
  EXPECT_EQ(sl->request.stop_price, px("104.50"));
  rig.minute(7, "120");  // the anchor rises: stop 120 - 6
  EXPECT_EQ(rig.order(2)->request.stop_price, px("114.00"));
  EXPECT_EQ(rig.held(kAaa), qty("454"));
  rig.tick(kAaa, seconds(480), "113.00", "0");
  EXPECT_TRUE(rig.held(kAaa).is_zero());
  const auto trades = records_of<TradeRecord>(rig.pull());
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[1].trade.price, px("113.00"));
  EXPECT_EQ(trades[1].trade.realized_pnl, money("1362"));  // 454 * 3
}

TEST(EngineOrders, StrategyExitSignalCancelsTheRestingLegs) {
  StrategyRig rig({40.0, 50.0, 0.0});  // legs at 66 and 165: out of the path's reach
  rig.enter();
  ASSERT_EQ(rig.executor.open_orders().size(), 2u);
  rig.minute(7, "120");
  rig.minute(8, "80");
  // Bar 8 closes on minute 9's first tick: the death cross sells and the legs go.
  rig.tick(kAaa, seconds(540), "70", "0");
  EXPECT_EQ(rig.order(2)->status, OrderStatus::cancelled);
  EXPECT_EQ(rig.order(2)->reason, "position_closed");
  EXPECT_EQ(rig.order(3)->status, OrderStatus::cancelled);
  EXPECT_EQ(rig.order(3)->reason, "position_closed");
  const auto* exit = rig.order(4);
  ASSERT_NE(exit, nullptr);
  EXPECT_EQ(exit->parent_id, 0u);
  EXPECT_EQ(exit->request.side, Side::sell);
  EXPECT_EQ(exit->status, OrderStatus::accepted);
  rig.tick(kAaa, seconds(550), "70", "0");
  EXPECT_EQ(rig.order(4)->status, OrderStatus::filled);
  EXPECT_TRUE(rig.held(kAaa).is_zero());
  EXPECT_TRUE(rig.executor.open_orders().empty());
}

TEST(EngineOrders, JournalKeepsEachOrdersTransitionsInSequence) {
  StrategyRig rig({5.0, 10.0, 0.0});
  rig.enter();              // order 1 filled, legs 2 and 3
  rig.minute(7, "104.00");  // the stop leg 3 fills, the take-profit 2 is cancelled
  // Manual orders beside the strategy's: 4 partly filled, replaced, then filled; 5 cancelled.
  rig.tick(kBbb, seconds(475), "50", "0");
  ASSERT_FALSE(rig.submit(limit(kBbb, Side::buy, "10", "50")).error);
  rig.tick(kBbb, seconds(480), "49.90", "0", "3");
  OrderTicket t;
  auto changes = rig.order(4)->request;
  changes.quantity = qty("8");
  ASSERT_FALSE(rig.engine.replace_order(4, changes, t));
  ASSERT_FALSE(rig.submit(limit(kBbb, Side::buy, "5", "40")).error);
  ASSERT_FALSE(rig.engine.cancel_order(5, t));
  rig.tick(kBbb, seconds(485), "49.90", "0");
  // order 6; CCC has no market price here, so the trade is forced
  ASSERT_FALSE(
      rig.engine.record_trade(forced(manual(kCcc, Side::buy, qty("5"), px("20")), "no quote in this test"), t));
  rig.pull();

  std::map<execution::OrderId, std::uint32_t> last_seq;
  std::map<execution::OrderId, std::uint64_t> first_record;
  std::uint64_t previous = 0;
  std::size_t trades = 0;
  std::vector<std::int64_t> sampled;
  for (const auto& e : rig.log) {
    EXPECT_EQ(e.seq, previous + 1) << "journal sequence has a gap";
    previous = e.seq;
    if (const auto* o = std::get_if<OrderRecord>(&e.record)) {
      EXPECT_EQ(o->event_seq, last_seq[o->order.id] + 1) << "order " << o->order.id;
      last_seq[o->order.id] = o->event_seq;
      first_record.emplace(o->order.id, e.seq);
    } else if (const auto* tr = std::get_if<TradeRecord>(&e.record)) {
      ++trades;
      EXPECT_TRUE(first_record.contains(tr->trade.order_id)) << "trade " << tr->trade.id << " before its order";
    } else if (const auto* eq = std::get_if<EquityRecord>(&e.record)) {
      sampled.push_back(std::chrono::duration_cast<std::chrono::minutes>(eq->ts - kT0).count());
    }
  }
  EXPECT_EQ(trades, 5u);  // the entry, the stop leg, BBB's 3 and 5, CCC's recorded trade
  EXPECT_EQ(last_seq.size(), 6u);
  EXPECT_EQ(last_seq[1], 2u);  // accepted, filled
  EXPECT_EQ(last_seq[2], 2u);  // accepted, cancelled (oco)
  EXPECT_EQ(last_seq[3], 3u);  // accepted, triggered, filled
  EXPECT_EQ(last_seq[4], 4u);  // accepted, partially filled, replaced, filled
  EXPECT_EQ(last_seq[5], 2u);  // accepted, cancelled
  EXPECT_EQ(last_seq[6], 1u);  // recorded filled
  // Minutes 0..8 of market time, once each.
  EXPECT_EQ(sampled, (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(EngineOrders, KillHaltsCancelsEveryOpenOrderAndStopsAndTheHaltSurvivesARestart) {
  auto config = manual_config();
  config.autostart = true;
  Rig rig(config);
  rig.tick(kAaa, seconds(0), "100");
  ASSERT_FALSE(rig.submit(limit(kAaa, Side::buy, "10", "90.00")).error);
  ASSERT_FALSE(rig.submit(limit(kAaa, Side::buy, "5", "80.00")).error);
  rig.pull();
  rig.engine.take_events();
  ASSERT_EQ(rig.engine.session().state, SessionState::running);

  ASSERT_FALSE(rig.engine.kill(42));
  EXPECT_TRUE(rig.executor.open_orders().empty());
  EXPECT_EQ(rig.engine.session().state, SessionState::stopped);
  EXPECT_EQ(rig.engine.session().changed_by, 42);
  for (execution::OrderId id : {1u, 2u}) {
    EXPECT_EQ(rig.order(id)->status, OrderStatus::cancelled);
    EXPECT_EQ(rig.order(id)->reason, "kill_switch");
  }
  // Halted before anything else: a client sees halted, the cancels, the kill, then stopped.
  const auto events = rig.engine.take_events();
  ASSERT_EQ(events.size(), 5u);
  const auto* halted = std::get_if<RiskChanged>(&events[0]);
  ASSERT_TRUE(halted);
  EXPECT_EQ(halted->to, risk::RiskState::halted);
  EXPECT_EQ(halted->reason, "kill_switch");
  EXPECT_TRUE(std::holds_alternative<OrderChanged>(events[1]));
  EXPECT_TRUE(std::holds_alternative<OrderChanged>(events[2]));
  const auto* killed = std::get_if<Killed>(&events[3]);
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->cancels_sent, 2u);
  EXPECT_EQ(killed->by, 42);
  ASSERT_TRUE(std::holds_alternative<SessionChanged>(events[4]));
  EXPECT_EQ(std::get<SessionChanged>(events[4]).change, SessionChange::stopped);

  // Nothing new is taken; killing again is answered and cancels nothing more.
  const auto denied = rig.submit(market(kAaa, Side::buy, "1"));
  ASSERT_TRUE(denied.error);
  EXPECT_EQ(denied.error->reason, "halted");
  ASSERT_FALSE(rig.engine.kill());
  const auto again = events_of<Killed>(rig.engine.take_events());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].cancels_sent, 0u);

  // The halt is journaled: a restart comes back halted and stopped until a person decides.
  Rig restarted(config, recovered_from(rig));
  EXPECT_EQ(restarted.snapshot()->risk.state, risk::RiskState::halted);
  EXPECT_EQ(restarted.engine.session().state, SessionState::stopped);
  ASSERT_FALSE(restarted.engine.set_risk_state(risk::RiskState::active));
  restarted.tick(kAaa, seconds(1), "100");
  EXPECT_FALSE(restarted.submit(market(kAaa, Side::buy, "1")).error);
}

TEST(EngineOrders, ResetStartsThePaperPortfolioAgain) {
  auto config = manual_config();
  config.autostart = true;
  Rig rig(config);
  rig.tick(kAaa, seconds(0), "100");
  ASSERT_FALSE(rig.submit(market(kAaa, Side::buy, "10")).error);
  rig.tick(kAaa, seconds(1), "100");
  auto resting = limit(kAaa, Side::buy, "5", "90");
  resting.client_order_id = "keep";
  ASSERT_FALSE(rig.submit(resting).error);
  rig.engine.on_durable(rig.engine.last_seq());
  ASSERT_EQ(rig.snapshot()->trades->size(), 1u);
  rig.pull();
  rig.engine.take_events();

  ASSERT_FALSE(rig.engine.reset());
  EXPECT_EQ(rig.engine.session().state, SessionState::stopped);
  EXPECT_EQ(rig.engine.ledger(), Ledger(Money::from_units(100'000), rig.table.size()));
  EXPECT_TRUE(rig.executor.open_orders().empty());
  const auto entries = rig.pull();
  const auto cancelled = order_records(entries, 2);
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0].order.status, OrderStatus::cancelled);
  EXPECT_EQ(cancelled[0].order.reason, "reset");
  const auto resets = records_of<ResetRecord>(entries);
  ASSERT_EQ(resets.size(), 1u);
  EXPECT_EQ(resets[0].cash, Money::from_units(100'000));
  // The writer deletes what came before the reset record: the cancel must precede it.
  std::uint64_t cancel_seq = 0;
  std::uint64_t reset_seq = 0;
  for (const auto& e : entries) {
    if (std::holds_alternative<OrderRecord>(e.record)) cancel_seq = e.seq;
    if (std::holds_alternative<ResetRecord>(e.record)) reset_seq = e.seq;
  }
  EXPECT_LT(cancel_seq, reset_seq);
  const auto sessions = events_of<SessionChanged>(rig.engine.take_events());
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].change, SessionChange::stopped);

  rig.engine.on_durable(rig.engine.last_seq());
  const auto snap = rig.snapshot();
  EXPECT_EQ(snap->cash, Money::from_units(100'000));
  EXPECT_TRUE(snap->positions.empty());
  EXPECT_TRUE(snap->trades->empty());
  EXPECT_EQ(snap->trades_total, 0u);
  EXPECT_EQ(rig.orders_shown(), 0u);
  EXPECT_TRUE(snap->equity_curve->empty());
  EXPECT_TRUE(snap->fees_paid.is_zero());
  for (const auto& v : *snap->instances) EXPECT_TRUE(v.holdings.empty());

  // A new portfolio: the old client ids are free again.
  const auto again = rig.submit(resting);
  ASSERT_FALSE(again.error);
  EXPECT_FALSE(again.ticket.duplicate);
  EXPECT_EQ(again.ticket.order.id, 3u);
}

TEST(EngineOrders, RecoveredOpenOrdersRestAgainAndFill) {
  RecoveredState rec;
  rec.has_portfolio = true;
  rec.cash = Money::from_units(100'000);
  rec.session = SessionRecord{SessionState::stopped, StrategyConfig{}, {kAaa, kBbb, kCcc}, kT0, kT0};
  Order open;
  open.id = 7;
  open.request = limit(kAaa, Side::buy, "10", "99.00");
  open.request.client_order_id = "before-restart";
  open.status = OrderStatus::accepted;
  open.created = open.eligible_at = open.updated = kT0;
  Order never_sent = open;  // stored as new: it never reached the executor
  never_sent.id = 6;
  never_sent.request.client_order_id.clear();
  never_sent.status = OrderStatus::new_order;
  rec.open_orders = {never_sent, open};
  rec.order_event_seqs = {{6, 1}, {7, 1}};
  rec.last_order_id = 7;
  Rig rig(manual_config(), rec);

  ASSERT_EQ(rig.orders_shown(), 1u);
  ASSERT_NE(rig.order(7), nullptr);
  EXPECT_EQ(rig.order(7)->status, OrderStatus::accepted);
  const auto dup = rig.submit(open.request);
  ASSERT_FALSE(dup.error);
  EXPECT_TRUE(dup.ticket.duplicate);
  EXPECT_EQ(dup.ticket.order.id, 7u);

  rig.tick(kAaa, seconds(60), "100");    // ask 100.05: rests
  rig.tick(kAaa, seconds(61), "98.90");  // ask 98.95: fills at the limit
  EXPECT_EQ(rig.held(kAaa), qty("10"));
  const auto entries = rig.pull();
  const auto trades = records_of<TradeRecord>(entries);
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].trade.order_id, 7u);
  EXPECT_EQ(trades[0].trade.price, px("99.00"));
  const auto states = order_records(entries, 7);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].event_seq, 2u) << "continues the stored transitions";
  EXPECT_EQ(states[0].order.status, OrderStatus::filled);
  rig.tick(kAaa, seconds(62), "100");
  const auto next = rig.submit(market(kAaa, Side::buy, "1"));
  ASSERT_FALSE(next.error);
  EXPECT_EQ(next.ticket.order.id, 8u);
}

// cash + sum(cost basis) == initial + sum(realized) - fees, to the unit, after every step of a
// seeded random session: ticks with partial volume, the strategy trading with brackets, and
// manual orders of every type, cancels, replaces and recorded trades between them. At the end
// the journal's trades, replayed into a fresh ledger, give the engine's ledger exactly.
TEST(EngineOrders, LedgerReconcilesAfterEveryStepOfARandomSession) {
  PortfolioConfig config = StrategyRig::config({3.0, 4.0, 0.0});
  config.strategy.position_fraction = 0.2;
  Rig rig(config);
  const Money initial = config.initial_capital;
  std::mt19937_64 rng(20260401);
  auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  auto cents = [](std::int64_t c) { return Price::from_raw(c * 1'000'000); };
  std::array<std::int64_t, 3> mid{100'00, 50'00, 20'00};  // in cents, per symbol
  seconds now{0};
  auto reconciles = [](const Ledger& l, Money start) {
    Money basis;
    for (const auto& p : l.positions()) {
      if (p.quantity.raw() < 0) return false;
      basis += p.cost_basis;
    }
    return l.cash() + basis == start + l.realized_pnl() - l.fees_paid();
  };
  auto open_id = [&]() -> std::optional<execution::OrderId> {
    const auto open = rig.executor.open_orders();
    if (open.empty()) return std::nullopt;
    return open[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(open.size()) - 1))].id;
  };

  for (int step = 0; step < 4000; ++step) {
    const auto symbol = static_cast<SymbolId>(uniform(0, 2));
    const std::int64_t price = mid[symbol];
    const auto quantity = Quantity::from_units(uniform(1, 40));
    const auto action = uniform(0, 99);
    OrderTicket t;
    if (action < 50) {
      now += seconds(uniform(1, 40)) + (uniform(0, 99) == 0 ? std::chrono::hours(uniform(1, 20)) : seconds(0));
      mid[symbol] = std::max<std::int64_t>(100, price + price * uniform(-200, 200) / 10'000);
      Tick tick;
      tick.symbol = symbol;
      tick.ts = kT0 + now;
      tick.last = cents(mid[symbol]);
      tick.bid = cents(mid[symbol] - uniform(1, 10));
      tick.ask = cents(mid[symbol] + uniform(1, 10));
      tick.volume = Quantity::from_units(uniform(0, 3) == 0 ? 0 : uniform(1, 50));  // 0: a quote
      rig.engine.on_ticks(std::span<const Tick>(&tick, 1));
    } else if (action < 60) {
      OrderRequest r = market(symbol, uniform(0, 1) ? Side::buy : Side::sell, "1");
      r.quantity = quantity;
      rig.engine.submit_order(r, t);
    } else if (action < 70) {
      OrderRequest r = market(symbol, uniform(0, 1) ? Side::buy : Side::sell, "1");
      r.quantity = quantity;
      r.type = OrderType::limit;
      r.limit_price = cents(price + price * uniform(-300, 300) / 10'000);
      r.tif = static_cast<TimeInForce>(uniform(0, 3));
      rig.engine.submit_order(r, t);
    } else if (action < 76) {
      OrderRequest r = market(symbol, uniform(0, 1) ? Side::buy : Side::sell, "1");
      r.quantity = quantity;
      r.type = uniform(0, 1) ? OrderType::stop : OrderType::stop_limit;
      const bool buy = r.side == Side::buy;
      r.stop_price = cents(price + (buy ? 1 : -1) * price * uniform(0, 200) / 10'000);
      if (r.type == OrderType::stop_limit) r.limit_price = r.stop_price;
      if (uniform(0, 2) == 0 && r.type == OrderType::stop) {
        r.stop_price = Price{};
        r.trail_percent = 1.5;
      }
      rig.engine.submit_order(r, t);
    } else if (action < 80) {
      OrderRequest r = market(symbol, Side::buy, "1");
      r.quantity = quantity;
      r.take_profit = cents(price + price * 300 / 10'000);
      r.stop_loss = cents(price - price * 300 / 10'000);
      rig.engine.submit_order(r, t);
    } else if (action < 86) {
      if (const auto id = open_id()) rig.engine.cancel_order(*id, t);
    } else if (action < 92) {
      if (const auto id = open_id()) {
        auto changes = rig.order(*id)->request;
        changes.quantity = rig.order(*id)->filled_quantity + Quantity::from_units(uniform(1, 20));
        rig.engine.replace_order(*id, changes, t);
      }
    } else if (action < 96) {
      const bool sell = uniform(0, 1) == 1 && !rig.held(symbol).is_zero();
      const auto q = sell ? std::min(quantity, rig.held(symbol)) : quantity;
      const auto fee = Money::from_raw(uniform(0, 200) * 1'000'000);
      // Near the last price, but it may still be refused (cash, no quote yet): the ledger must
      // reconcile either way.
      rig.engine.record_trade(manual(symbol, sell ? Side::sell : Side::buy, q, cents(price), fee), t);
    } else {
      rig.pull();
      rig.engine.on_durable(rig.engine.last_seq());
      ASSERT_TRUE(reconciles(rig.engine.durable_ledger(), initial)) << "durable ledger, step " << step;
    }
    ASSERT_TRUE(reconciles(rig.engine.ledger(), initial)) << "step " << step << ", action " << action;
    rig.pull();
  }

  Ledger replay(initial, rig.table.size());
  std::size_t trades = 0;
  for (const auto& r : records_of<TradeRecord>(rig.log)) {
    replay.apply(r.trade.symbol, r.trade.side, r.trade.quantity, r.trade.price, r.trade.fee, r.trade.ts);
    ++trades;
  }
  EXPECT_EQ(replay, rig.engine.ledger());
  EXPECT_GT(trades, 200u) << "the session should have traded";
  rig.engine.on_durable(rig.engine.last_seq());
  EXPECT_EQ(rig.engine.durable_ledger(), rig.engine.ledger());
}

}  // namespace
}  // namespace meridian::engine::test
