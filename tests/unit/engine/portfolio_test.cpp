// Portfolio end to end, in memory: crafted ticks -> bars -> SMA(2,4) crossover ->
// risk -> paper fill -> journal record -> durable -> snapshot and events. Also the
// session state machine and recovery from a durable state.
//
// Price path (one tick every 10 s, 6 ticks per minute, all at the minute's price; bid and
// ask 5 cents either side). Bar k closes on the first tick of minute k+1:
//   minute: 0    1   2   3   4   5    6    7    8   9   10
//   close:  100  90  80  70  80  100  110  120  80  70  70
// SMA(2) vs SMA(4) as in the strategy test: below from bar 3, golden cross on bar 5
// (fast 90 > slow 82.5), death cross on bar 8 (fast 100 < slow 102.5). The paper executor
// fills only on a tick after the decision's, so:
//   - the BUY is decided on the first tick of minute 6 (sized at its ask 110.05) and fills on
//     the second (minute 6 + 10 s) at that tick's ask, also 110.05;
//   - the SELL is decided on the first tick of minute 9 and fills on the second at its bid 69.95.
// Every tick trades kTickVolume units, more than any order here, so each order fills at once
// (the executor takes at most a tick's volume per tick).
#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"

#include <gtest/gtest.h>

#include "engine_rig.hpp"

#include <algorithm>
#include <thread>
#include <variant>
#include <vector>

using meridian::core::Bar;
using meridian::core::Errc;
using meridian::core::Instrument;
using meridian::core::InstrumentTable;
using meridian::core::Money;
using meridian::core::notional;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::scale;
using meridian::core::Side;
using meridian::core::SymbolId;
using meridian::core::Tick;
using meridian::core::Timeframe;
using meridian::core::Timestamp;
using meridian::engine::BarRecord;
using meridian::engine::CommandResult;
using meridian::engine::EquityRecord;
using meridian::engine::JournalEntry;
using meridian::engine::JournalQueue;
using meridian::engine::OrderRecord;
using meridian::engine::Portfolio;
using meridian::engine::PortfolioConfig;
using meridian::engine::RecoveredState;
using meridian::engine::SessionChange;
using meridian::engine::SessionChanged;
using meridian::engine::SessionRecord;
using meridian::engine::SessionState;
using meridian::engine::SignalRaised;
using meridian::engine::Snapshot;
using meridian::engine::StopRecord;
using meridian::engine::StrategyConfig;
using meridian::engine::TradeDurable;
using meridian::engine::TradeRecord;
using meridian::engine::test::events_of;
using meridian::engine::test::records_of;
using meridian::execution::OrderStatus;
using meridian::execution::PaperConfig;
using meridian::execution::PaperExecutor;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {
const Timestamp kT0{sys_days{year{2026} / 4 / 1}.time_since_epoch() + 10h};
constexpr std::int64_t kCloseCents[] = {100'00, 90'00,  80'00, 70'00, 80'00, 100'00,
                                        110'00, 120'00, 80'00, 70'00, 70'00};
constexpr std::int64_t kSpreadCents = 5;
constexpr std::int64_t kFeeBps = 10;
constexpr std::int64_t kTickVolume = 1000;

Price cents(std::int64_t c) {
  return Price::from_raw(c * 1'000'000);
}

InstrumentTable test_instruments() {
  using meridian::core::AssetClass;
  return InstrumentTable({
      {0, "TEST-A", "test", AssetClass::equity, "USD", 2, 0, 100.0, 0.3},
      {0, "TEST-B", "test", AssetClass::equity, "USD", 2, 0, 50.0, 0.3},
  });
}

PortfolioConfig test_config() {
  PortfolioConfig c;
  c.initial_capital = Money::from_units(100'000);
  c.strategy = StrategyConfig::sma_crossover(2, 4);
  c.strategy.position_fraction = 0.5;
  c.autostart = true;
  return c;
}

Tick make_tick(SymbolId symbol, int minute, int k) {
  const std::int64_t c = kCloseCents[minute];
  Tick t;
  t.symbol = symbol;
  t.ts = kT0 + minutes(minute) + seconds(10 * k);
  t.last = cents(c);
  t.bid = cents(c - kSpreadCents);
  t.ask = cents(c + kSpreadCents);
  t.volume = Quantity::from_units(kTickVolume);
  return t;
}

void feed_tick(Portfolio& e, SymbolId symbol, int minute, int k) {
  const Tick t = make_tick(symbol, minute, k);
  e.on_ticks(std::span<const Tick>(&t, 1));
}

// Feeds ticks k = from_k..5 of each minute in [first, last], one on_ticks call per tick.
void feed(Portfolio& e, int first, int last, SymbolId symbol = 0, int from_k = 0) {
  for (int m = first; m <= last; ++m)
    for (int k = (m == first ? from_k : 0); k < 6; ++k) feed_tick(e, symbol, m, k);
}

std::vector<JournalEntry> drain(JournalQueue& q) {
  std::vector<JournalEntry> out;
  while (auto e = q.try_pop()) out.push_back(std::move(*e));
  return out;
}

std::vector<BarRecord> bar_records(const std::vector<JournalEntry>& entries, Timeframe tf) {
  std::vector<BarRecord> out;
  for (const auto& r : records_of<BarRecord>(entries))
    if (r.bar.timeframe == tf) out.push_back(r);
  return out;
}

// Expected buy on bar 5: fixed_fraction(equity 100000, 0.5, ask 110.05, whole shares)
// = floor(50000 / 110.05) = floor(5000000 cents / 11005 cents) = 454 shares.
struct Expected {
  std::int64_t buy_qty = (100'000'00 / 2) / (kCloseCents[6] + kSpreadCents);
  Price buy_price = cents(kCloseCents[6] + kSpreadCents);
  Money buy_notional = notional(buy_price, Quantity::from_units(buy_qty));  // 454 * 110.05 = 49962.7
  Money buy_fee = scale(buy_notional, kFeeBps, 10'000);                     // 49.9627
  Price sell_price = cents(kCloseCents[9] - kSpreadCents);
  Money sell_notional = notional(sell_price, Quantity::from_units(buy_qty));  // 454 * 69.95 = 31757.3
  Money sell_fee = scale(sell_notional, kFeeBps, 10'000);                     // 31.7573
};

// One engine with its collaborators, as the runner wires them.
struct Rig {
  explicit Rig(RecoveredState recovered = {}, PortfolioConfig config = test_config())
      : engine(instruments, config, executor, journal, std::move(recovered)) {}
  InstrumentTable instruments = test_instruments();
  PaperExecutor executor{PaperConfig::at_touch(kFeeBps), instruments};
  JournalQueue journal{1024};
  Portfolio engine;
};

// The snapshot's durable trades, oldest first, as a list to compare.
std::vector<meridian::engine::Trade> trade_list(const Snapshot& s) {
  return {s.trades->begin(), s.trades->end()};
}

void expect_conflict(const CommandResult& r) {
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->code, Errc::conflict);
  EXPECT_FALSE(r->message.empty());
}
}  // namespace

TEST(Portfolio, FirstStartJournalsARunningSessionFirst) {
  Rig rig;
  const auto entries = drain(rig.journal);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].seq, 1u);
  const auto* session = std::get_if<SessionRecord>(&entries[0].record);
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->state, SessionState::running);
  EXPECT_EQ(session->strategy, test_config().strategy);
  EXPECT_EQ(session->symbols, (std::vector<SymbolId>{0, 1}));
  EXPECT_EQ(rig.engine.last_seq(), 1u);

  const auto snap = rig.engine.make_snapshot();
  EXPECT_EQ(snap->session.state, SessionState::running);
  EXPECT_EQ(snap->cash, Money::from_units(100'000));
  EXPECT_EQ(snap->initial_capital, Money::from_units(100'000));
  ASSERT_NE(snap->trades, nullptr);
  EXPECT_TRUE(snap->trades->empty());
  EXPECT_TRUE(snap->positions.empty());
  EXPECT_EQ(snap->symbols.size(), 2u);
  EXPECT_EQ(snap->instruments, &rig.instruments);
}

TEST(Portfolio, WithoutAutostartAFirstStartIsStopped) {
  auto config = test_config();
  config.autostart = false;
  Rig rig({}, config);
  const auto entries = drain(rig.journal);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(std::get<SessionRecord>(entries[0].record).state, SessionState::stopped);
  // A stopped session sees the golden cross but does not trade.
  feed(rig.engine, 0, 6);
  EXPECT_TRUE(records_of<TradeRecord>(drain(rig.journal)).empty());
  EXPECT_TRUE(rig.engine.ledger().position(0).quantity.is_zero());
}

TEST(Portfolio, GoldenCrossBuysAndTheTradeShowsOnlyOnceDurable) {
  Rig rig;
  const Expected x;
  drain(rig.journal);  // the session record

  // Bars 0..4 close on minutes 1..5: journaled, no trade yet.
  feed(rig.engine, 0, 5);
  auto entries = drain(rig.journal);
  auto bars = bar_records(entries, Timeframe::m1);
  ASSERT_EQ(bars.size(), 5u);
  // Minute 4 also completes the 5m bar of minutes 0-4.
  const auto five = bar_records(entries, Timeframe::m5);
  ASSERT_EQ(five.size(), 1u);
  EXPECT_EQ(five[0].bar.open_time, kT0);
  EXPECT_EQ(five[0].bar.open, cents(kCloseCents[0]));
  EXPECT_EQ(five[0].bar.high, cents(kCloseCents[0]));
  EXPECT_EQ(five[0].bar.low, cents(kCloseCents[3]));
  EXPECT_EQ(five[0].bar.close, cents(kCloseCents[4]));
  EXPECT_EQ(five[0].bar.volume, Quantity::from_units(30 * kTickVolume));
  for (int k = 0; k < 5; ++k) {
    const Bar& b = bars[static_cast<std::size_t>(k)].bar;
    EXPECT_EQ(b.symbol, 0u);
    EXPECT_EQ(b.open_time, kT0 + minutes(k));
    EXPECT_EQ(b.open, cents(kCloseCents[k]));
    EXPECT_EQ(b.close, cents(kCloseCents[k]));
    EXPECT_EQ(b.volume, Quantity::from_units(6 * kTickVolume));
    EXPECT_EQ(b.ticks, 6u);
  }
  EXPECT_TRUE(records_of<TradeRecord>(entries).empty());

  // The first tick of minute 6 closes bar 5: golden cross -> a buy order, accepted, not filled
  // (a fill needs market data after the decision).
  feed_tick(rig.engine, 0, 6, 0);
  entries = drain(rig.journal);
  // The bar, the order, the signal (journaled once it is known to have placed the order),
  // minute 6's equity sample.
  ASSERT_EQ(entries.size(), 4u);
  ASSERT_TRUE(std::holds_alternative<BarRecord>(entries[0].record));
  EXPECT_EQ(std::get<BarRecord>(entries[0].record).bar.open_time, kT0 + 5min);
  ASSERT_TRUE(std::holds_alternative<meridian::engine::SignalRecord>(entries[2].record));
  EXPECT_TRUE(std::get<meridian::engine::SignalRecord>(entries[2].record).entry.acted);
  const auto* accepted = std::get_if<OrderRecord>(&entries[1].record);
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(accepted->order.id, 1u);
  EXPECT_EQ(accepted->event_seq, 1u);
  EXPECT_EQ(accepted->order.status, OrderStatus::accepted);
  EXPECT_EQ(accepted->order.request.side, Side::buy);
  EXPECT_EQ(accepted->order.request.quantity, Quantity::from_units(x.buy_qty));
  EXPECT_EQ(accepted->order.created, kT0 + 6min);
  const auto* sample = std::get_if<EquityRecord>(&entries[3].record);
  ASSERT_NE(sample, nullptr);
  EXPECT_EQ(sample->equity, Money::from_units(100'000));
  EXPECT_EQ(rig.engine.ledger().cash(), Money::from_units(100'000));

  // The next tick fills it at its ask: the trade, then the order's filled state.
  feed_tick(rig.engine, 0, 6, 1);
  entries = drain(rig.journal);
  ASSERT_EQ(entries.size(), 2u);
  const auto* rec = std::get_if<TradeRecord>(&entries[0].record);
  ASSERT_NE(rec, nullptr);
  const std::uint64_t trade_seq = entries[0].seq;
  const auto* filled = std::get_if<OrderRecord>(&entries[1].record);
  ASSERT_NE(filled, nullptr);
  EXPECT_EQ(filled->order.id, 1u);
  EXPECT_EQ(filled->event_seq, 2u);
  EXPECT_EQ(filled->order.status, OrderStatus::filled);
  EXPECT_EQ(filled->order.filled_quantity, Quantity::from_units(x.buy_qty));
  EXPECT_EQ(filled->order.fees, x.buy_fee);
  EXPECT_EQ(filled->order.average_price(), x.buy_price);
  EXPECT_EQ(rec->trade.id, 1u);
  EXPECT_EQ(rec->trade.order_id, 1u);
  EXPECT_EQ(rec->trade.symbol, 0u);
  EXPECT_EQ(rec->trade.side, Side::buy);
  EXPECT_EQ(rec->trade.quantity, Quantity::from_units(x.buy_qty));
  EXPECT_EQ(x.buy_qty, 454);  // floor(50000 / 110.05), see Expected
  EXPECT_EQ(rec->trade.price, x.buy_price);
  EXPECT_EQ(rec->trade.fee, x.buy_fee);
  EXPECT_EQ(rec->trade.ts, kT0 + 6min + 10s);  // the tick after the decision
  EXPECT_EQ(rec->trade.strategy, "sma_crossover");
  EXPECT_TRUE(rec->trade.realized_pnl.is_zero());
  const Money cash_after_buy = Money::from_units(100'000) - x.buy_notional - x.buy_fee;
  EXPECT_EQ(cash_after_buy, *Money::parse("49987.3373"));  // 100000 - 49962.7 - 49.9627
  EXPECT_EQ(rec->cash_after, cash_after_buy);
  EXPECT_EQ(rec->fees_paid_after, x.buy_fee);
  EXPECT_EQ(rec->position_after.quantity, Quantity::from_units(x.buy_qty));
  EXPECT_EQ(rec->position_after.cost_basis, x.buy_notional);
  // The rest of minute 6 journals nothing: the order is done and the minute already sampled.
  feed(rig.engine, 6, 6, 0, 2);
  EXPECT_TRUE(drain(rig.journal).empty());

  // Risk works on the live ledger at once...
  EXPECT_EQ(rig.engine.ledger().cash(), cash_after_buy);
  // ...but readers see nothing until the journal says the record is durable.
  auto snap = rig.engine.make_snapshot();
  EXPECT_TRUE(snap->trades->empty());
  EXPECT_EQ(snap->trades_total, 0u);
  EXPECT_EQ(snap->cash, Money::from_units(100'000));
  EXPECT_TRUE(snap->positions.empty());
  EXPECT_EQ(snap->counters.signals, 1u);
  EXPECT_EQ(snap->counters.orders, 1u);
  EXPECT_EQ(snap->counters.bars, 6u);
  EXPECT_EQ(snap->counters.ticks, 42u);  // minutes 0..6, 6 ticks each
  auto events = rig.engine.take_events();
  const auto signals = events_of<SignalRaised>(events);
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_TRUE(signals[0].entry.acted);
  EXPECT_EQ(signals[0].entry.signal.side, Side::buy);
  EXPECT_TRUE(events_of<TradeDurable>(events).empty());

  // Durable up to the record before the trade: still nothing.
  rig.engine.on_durable(trade_seq - 1);
  EXPECT_TRUE(rig.engine.make_snapshot()->trades->empty());
  EXPECT_TRUE(events_of<TradeDurable>(rig.engine.take_events()).empty());

  // Durable through the trade: it appears, with the cash it cost.
  rig.engine.on_durable(trade_seq);
  snap = rig.engine.make_snapshot();
  ASSERT_EQ(snap->trades->size(), 1u);
  EXPECT_EQ(snap->trades->front(), rec->trade);
  EXPECT_EQ(snap->trades_total, 1u);
  EXPECT_EQ(snap->cash, cash_after_buy);
  EXPECT_EQ(snap->fees_paid, x.buy_fee);
  ASSERT_EQ(snap->positions.size(), 1u);
  EXPECT_EQ(snap->positions[0].symbol, 0u);
  EXPECT_EQ(snap->positions[0].state.quantity, Quantity::from_units(x.buy_qty));
  EXPECT_EQ(snap->positions[0].state.cost_basis, x.buy_notional);
  EXPECT_EQ(rig.engine.durable_ledger(), rig.engine.ledger());
  // Marked at the last price (110): equity = cash + 454 * 110.
  EXPECT_EQ(snap->equity(), cash_after_buy + notional(cents(kCloseCents[6]), Quantity::from_units(x.buy_qty)));
  events = rig.engine.take_events();
  const auto durable = events_of<TradeDurable>(events);
  ASSERT_EQ(durable.size(), 1u);
  EXPECT_EQ(durable[0].trade, rec->trade);
  // Idempotent: the same sequence number again changes nothing.
  rig.engine.on_durable(trade_seq);
  EXPECT_EQ(rig.engine.make_snapshot()->trades->size(), 1u);
  EXPECT_TRUE(events_of<TradeDurable>(rig.engine.take_events()).empty());
}

// `acted` means an order was placed: a sell signal with nothing held places none.
TEST(Portfolio, ASellSignalWithNothingHeldIsNotActedOn) {
  auto config = test_config();
  config.autostart = false;
  Rig rig({}, config);
  feed(rig.engine, 0, 6);  // the golden cross on bar 5 passes while stopped: nothing bought
  ASSERT_FALSE(rig.engine.start(std::nullopt, std::nullopt));
  rig.engine.take_events();
  drain(rig.journal);

  feed(rig.engine, 7, 9);  // the death cross on bar 8 decides at 9:00
  const auto entries = drain(rig.journal);
  const auto logged = records_of<meridian::engine::SignalRecord>(entries);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].entry.signal.side, Side::sell);
  EXPECT_FALSE(logged[0].entry.acted) << "a sell with nothing held placed no order";
  EXPECT_TRUE(records_of<OrderRecord>(entries).empty());
  const auto events = rig.engine.take_events();
  const auto raised = events_of<SignalRaised>(events);
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_FALSE(raised[0].entry.acted);
  const auto snap = rig.engine.make_snapshot();
  EXPECT_EQ(snap->counters.orders, 0u);
  ASSERT_FALSE(snap->signals->empty());
  EXPECT_FALSE((*snap->signals)[snap->signals->size() - 1].acted);
}

// Clients see a signal before the order it placed, though the journal holds the order first.
TEST(Portfolio, ASignalIsPublishedBeforeTheOrderItPlaced) {
  Rig rig;
  feed(rig.engine, 0, 5);
  rig.engine.take_events();
  feed_tick(rig.engine, 0, 6, 0);  // closes bar 5: the golden cross buys
  const auto events = rig.engine.take_events();
  std::ptrdiff_t signal_at = -1, order_at = -1;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (std::holds_alternative<SignalRaised>(events[i]) && signal_at < 0) signal_at = static_cast<std::ptrdiff_t>(i);
    if (std::holds_alternative<meridian::engine::OrderChanged>(events[i]) && order_at < 0)
      order_at = static_cast<std::ptrdiff_t>(i);
  }
  ASSERT_GE(signal_at, 0);
  ASSERT_GE(order_at, 0);
  EXPECT_LT(signal_at, order_at);
  EXPECT_TRUE(std::get<SignalRaised>(events[static_cast<std::size_t>(signal_at)]).entry.acted);
}

TEST(Portfolio, DeathCrossSellsThePositionWithRealizedPnl) {
  Rig rig;
  const Expected x;
  feed(rig.engine, 0, 9);  // buy filled at minute 6 + 10 s, sell decided at 9:00, filled at 9:10
  const auto entries = drain(rig.journal);
  const auto trades = records_of<TradeRecord>(entries);
  ASSERT_EQ(trades.size(), 2u);
  const auto& sell = trades[1];
  EXPECT_EQ(sell.trade.ts, kT0 + 9min + 10s);
  EXPECT_EQ(sell.trade.id, 2u);
  EXPECT_EQ(sell.trade.order_id, 2u);
  EXPECT_EQ(sell.trade.side, Side::sell);
  EXPECT_EQ(sell.trade.quantity, Quantity::from_units(x.buy_qty));
  EXPECT_EQ(sell.trade.price, x.sell_price);
  EXPECT_EQ(sell.trade.fee, x.sell_fee);
  // realized = 454 * 69.95 - 454 * 110.05 = 31757.3 - 49962.7 = -18205.4
  EXPECT_EQ(sell.trade.realized_pnl, x.sell_notional - x.buy_notional);
  EXPECT_EQ(sell.trade.realized_pnl, *Money::parse("-18205.4"));
  EXPECT_TRUE(sell.position_after.quantity.is_zero());
  EXPECT_TRUE(sell.position_after.cost_basis.is_zero());

  rig.engine.on_durable(rig.engine.last_seq());
  const auto snap = rig.engine.make_snapshot();
  ASSERT_EQ(snap->trades->size(), 2u);
  EXPECT_TRUE(snap->positions.empty());
  // 100000 - 18205.4 - (49.9627 + 31.7573) = 81712.88
  const Money expected_cash = Money::from_units(100'000) + sell.trade.realized_pnl - x.buy_fee - x.sell_fee;
  EXPECT_EQ(expected_cash, *Money::parse("81712.88"));
  EXPECT_EQ(snap->cash, expected_cash);
  EXPECT_EQ(snap->realized_pnl, sell.trade.realized_pnl);
  EXPECT_EQ(snap->fees_paid, x.buy_fee + x.sell_fee);
  EXPECT_EQ(events_of<TradeDurable>(rig.engine.take_events()).size(), 2u);
}

// Tick-to-fill (GET /metrics' histogram): from the engine taking the ticks a strategy
// decided on to that order's first fill, on the wall clock; orders placed from outside the
// strategies (REST) are not counted.
TEST(Portfolio, TickToFillTimesStrategyOrdersFromTheirTicksToTheirFirstFill) {
  Rig rig;
  meridian::core::LatencyHistogram tick_to_fill;
  rig.engine.measure_tick_to_fill(&tick_to_fill);
  feed(rig.engine, 0, 5);
  feed_tick(rig.engine, 0, 6, 0);  // closes bar 5: the golden cross places the buy
  EXPECT_EQ(tick_to_fill.view().count, 0u) << "nothing filled yet";
  std::this_thread::sleep_for(30ms);
  feed_tick(rig.engine, 0, 6, 1);  // fills it
  ASSERT_EQ(records_of<TradeRecord>(drain(rig.journal)).size(), 1u);
  auto v = tick_to_fill.view();
  ASSERT_EQ(v.count, 1u);
  EXPECT_GE(v.max_us, 30'000u) << "the wait between the decision's tick and the fill";
  EXPECT_LT(v.max_us, 30'000'000u);

  // A REST order, filled on the next tick, is no strategy decision.
  meridian::engine::OrderTicket ticket;
  auto request = meridian::engine::test::market(0, Side::buy, "1");
  ASSERT_FALSE(rig.engine.submit_order(request, ticket));
  feed_tick(rig.engine, 0, 6, 2);
  ASSERT_EQ(records_of<TradeRecord>(drain(rig.journal)).size(), 1u);
  EXPECT_EQ(tick_to_fill.view().count, 1u);

  // The death cross's sell is the second.
  feed(rig.engine, 6, 9, 0, 3);
  EXPECT_EQ(tick_to_fill.view().count, 2u);
}

TEST(Portfolio, BarsAndPartialBarInTheSnapshot) {
  Rig rig;
  feed(rig.engine, 0, 2);
  feed(rig.engine, 3, 3, 0, 5);  // only the last tick of minute 3 (closes bar 2)
  const auto snap = rig.engine.make_snapshot();
  ASSERT_EQ(snap->bars.size(), 2u);
  ASSERT_EQ(snap->bars[0]->size(), 3u);
  EXPECT_TRUE(snap->bars[1]->empty());
  EXPECT_EQ(snap->bars[0]->back().open_time, kT0 + 2min);
  ASSERT_TRUE(snap->symbols[0].has_partial);
  EXPECT_EQ(snap->symbols[0].partial.open_time, kT0 + 3min);
  EXPECT_EQ(snap->symbols[0].partial.ticks, 1u);
  EXPECT_TRUE(snap->symbols[0].has_tick);
  EXPECT_EQ(snap->symbols[0].last.ts, kT0 + 3min + 50s);
  EXPECT_EQ(snap->symbols[0].ticks, 19u);
  EXPECT_FALSE(snap->symbols[1].has_tick);
  EXPECT_EQ(snap->mark(0), cents(kCloseCents[3]));
  EXPECT_GT(snap->version, 0u);
  EXPECT_GT(rig.engine.make_snapshot()->version, snap->version);
}

TEST(Portfolio, PausedSessionDoesNotTrade) {
  Rig rig;
  feed(rig.engine, 0, 4);
  rig.engine.take_events();
  drain(rig.journal);

  ASSERT_FALSE(rig.engine.pause());
  EXPECT_EQ(rig.engine.session().state, SessionState::paused);
  auto entries = drain(rig.journal);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(std::get<SessionRecord>(entries[0].record).state, SessionState::paused);
  auto changes = events_of<SessionChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].change, SessionChange::paused);
  expect_conflict(rig.engine.pause());

  // The golden cross on bar 5 is seen but not acted on.
  feed(rig.engine, 5, 6);
  EXPECT_TRUE(records_of<TradeRecord>(drain(rig.journal)).empty());
  const auto signals = events_of<SignalRaised>(rig.engine.take_events());
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].entry.signal.side, Side::buy);
  EXPECT_FALSE(signals[0].entry.acted);
  EXPECT_EQ(rig.engine.ledger().cash(), Money::from_units(100'000));
  EXPECT_EQ(rig.engine.make_snapshot()->counters.orders, 0u);

  // Resume, then stop; each only from the right state.
  ASSERT_FALSE(rig.engine.resume());
  EXPECT_EQ(rig.engine.session().state, SessionState::running);
  expect_conflict(rig.engine.resume());
  ASSERT_FALSE(rig.engine.stop());
  EXPECT_EQ(rig.engine.session().state, SessionState::stopped);
  expect_conflict(rig.engine.stop());
  expect_conflict(rig.engine.pause());
  expect_conflict(rig.engine.resume());
  changes = events_of<SessionChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].change, SessionChange::resumed);
  EXPECT_EQ(changes[1].change, SessionChange::stopped);
  const auto sessions = records_of<SessionRecord>(drain(rig.journal));
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].state, SessionState::running);
  EXPECT_EQ(sessions[1].state, SessionState::stopped);
  EXPECT_EQ(rig.engine.make_snapshot()->session.state, SessionState::stopped);
}

TEST(Portfolio, StartOnlyFromStoppedAndValidatesTheStrategy) {
  Rig rig;
  expect_conflict(rig.engine.start(std::nullopt, std::nullopt));
  ASSERT_FALSE(rig.engine.stop());
  drain(rig.journal);
  rig.engine.take_events();

  StrategyConfig bad = StrategyConfig::sma_crossover(5, 3);
  auto r = rig.engine.start(bad, std::nullopt);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, Errc::invalid_argument);
  bad = test_config().strategy;
  bad.position_fraction = 0.0;
  r = rig.engine.start(bad, std::nullopt);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, Errc::invalid_argument);
  r = rig.engine.start(std::nullopt, std::vector<SymbolId>{});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, Errc::invalid_argument);
  // Refused commands change nothing and journal nothing.
  EXPECT_EQ(rig.engine.session().state, SessionState::stopped);
  EXPECT_EQ(rig.engine.session().strategy, test_config().strategy);
  EXPECT_TRUE(drain(rig.journal).empty());
  EXPECT_TRUE(events_of<SessionChanged>(rig.engine.take_events()).empty());

  StrategyConfig next = test_config().strategy;
  next.params = StrategyConfig::sma_crossover(3, 5).params;
  ASSERT_FALSE(rig.engine.start(next, std::vector<SymbolId>{1}));
  EXPECT_EQ(rig.engine.session().state, SessionState::running);
  EXPECT_EQ(rig.engine.session().strategy, next);
  EXPECT_EQ(rig.engine.session().symbols, (std::vector<SymbolId>{1}));
  const auto sessions = records_of<SessionRecord>(drain(rig.journal));
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].state, SessionState::running);
  EXPECT_EQ(sessions[0].strategy, next);
  const auto changes = events_of<SessionChanged>(rig.engine.take_events());
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].change, SessionChange::started);
}

TEST(Portfolio, FailedStartLeavesTheStrategyUnchanged) {
  // Regression (was a bug): src/engine/portfolio.cpp Portfolio::start assigns
  // session_.strategy = *strategy (line 256) before validating `symbols` (line 259); an
  // empty symbol list then returns invalid_argument but the session already carries the
  // new strategy, while strategy_ is not rebuilt. A later start(nullopt, nullopt) runs the
  // old SMA periods while session()/snapshots/journal report the new ones (and the new
  // position_fraction is used for sizing).
  Rig rig;
  ASSERT_FALSE(rig.engine.stop());
  StrategyConfig next = test_config().strategy;
  next.params = StrategyConfig::sma_crossover(3, 5).params;
  next.position_fraction = 0.2;
  const auto r = rig.engine.start(next, std::vector<SymbolId>{});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, Errc::invalid_argument);
  EXPECT_EQ(rig.engine.session().strategy, test_config().strategy);
}

TEST(Portfolio, StartRejectsUnknownSymbolIds) {
  // Regression (was a bug): src/engine/portfolio.cpp Portfolio::start writes
  // session_symbols_[id] = true (line 262) for every requested id without a bounds check;
  // an id >= instruments.size() writes past the vector<bool> (ASan: heap-buffer-overflow)
  // instead of returning invalid_argument/not_found, and session_.symbols keeps the bad id.
  Rig rig;
  ASSERT_FALSE(rig.engine.stop());
  const auto r = rig.engine.start(std::nullopt, std::vector<SymbolId>{0, 1000});
  ASSERT_TRUE(r);
  EXPECT_NE(r->code, Errc::conflict);
  EXPECT_EQ(rig.engine.session().state, SessionState::stopped);
}

TEST(Portfolio, SymbolsOutsideTheSessionDoNotTrade) {
  Rig rig;
  ASSERT_FALSE(rig.engine.stop());
  ASSERT_FALSE(rig.engine.start(std::nullopt, std::vector<SymbolId>{1}));
  rig.engine.take_events();
  feed(rig.engine, 0, 6, 0);  // the golden cross happens on symbol 0
  // The session's strategy does not watch symbols outside the session: no signal, no trade.
  EXPECT_TRUE(events_of<SignalRaised>(rig.engine.take_events()).empty());
  EXPECT_TRUE(records_of<TradeRecord>(drain(rig.journal)).empty());
  // The same path on symbol 1 trades. Its ticks lag symbol 0's: the order is decided at the
  // market time (6:50, the latest tick seen), so it fills on the first symbol-1 tick after
  // that, minute 7's first.
  feed(rig.engine, 0, 7, 1);
  const auto trades = records_of<TradeRecord>(drain(rig.journal));
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].trade.symbol, 1u);
  EXPECT_EQ(trades[0].trade.ts, kT0 + 7min);
  EXPECT_EQ(rig.engine.ledger().open_positions(), 1u);
  EXPECT_FALSE(rig.engine.ledger().position(1).quantity.is_zero());
}

TEST(Portfolio, RiskDenialCountsARejectAndJournalsNoTrade) {
  auto config = test_config();
  config.limits.max_order_notional = Money::from_units(1000);  // far below the ~50k order
  Rig rig({}, config);
  feed(rig.engine, 0, 6);
  EXPECT_TRUE(records_of<TradeRecord>(drain(rig.journal)).empty());
  const auto snap = rig.engine.make_snapshot();
  EXPECT_EQ(snap->counters.signals, 1u);
  EXPECT_EQ(snap->counters.orders, 0u);
  EXPECT_EQ(snap->counters.rejects, 1u);
  EXPECT_EQ(rig.engine.ledger().cash(), Money::from_units(100'000));
}

TEST(Portfolio, FullJournalRingOverflowsInOrderAndDrainsLater) {
  InstrumentTable instruments = test_instruments();
  PaperExecutor executor{PaperConfig::at_touch(kFeeBps), instruments};
  JournalQueue small{2};
  Portfolio engine(instruments, test_config(), executor, small, RecoveredState{});
  // seq 1 (session) is in the ring; 7 equity samples (one a minute), the risk memory of the
  // first mark (the day's opening equity and peak), 7 bars (six 1m, one 5m), the signal, the
  // order's two states and 1 trade follow, and the ring holds 2.
  feed(engine, 0, 6);
  EXPECT_FALSE(engine.journal_drained());
  // Nothing is durable yet: every record handed over counts, in the ring or beyond it.
  EXPECT_EQ(engine.make_snapshot()->counters.journal_backlog, engine.last_seq());
  std::vector<JournalEntry> all;
  while (!engine.flush_journal()) {
    auto some = drain(small);
    ASSERT_FALSE(some.empty());
    all.insert(all.end(), std::make_move_iterator(some.begin()), std::make_move_iterator(some.end()));
  }
  auto rest = drain(small);
  all.insert(all.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  EXPECT_TRUE(engine.journal_drained());
  ASSERT_EQ(all.size(), engine.last_seq());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, i + 1) << "gap or reorder";
  ASSERT_EQ(all.size(), 20u);
  EXPECT_EQ(records_of<TradeRecord>(all).size(), 1u);
  EXPECT_EQ(records_of<OrderRecord>(all).size(), 2u);
  EXPECT_EQ(records_of<meridian::engine::SignalRecord>(all).size(), 1u);
  EXPECT_EQ(records_of<EquityRecord>(all).size(), 7u);
  EXPECT_EQ(records_of<meridian::engine::RiskRecord>(all).size(), 1u);
  EXPECT_EQ(bar_records(all, Timeframe::m1).size(), 6u);
  EXPECT_EQ(bar_records(all, Timeframe::m5).size(), 1u);

  engine.request_journal_stop();
  auto stop = drain(small);
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<StopRecord>(stop[0].record));
  EXPECT_EQ(stop[0].seq, engine.last_seq());
}

TEST(Portfolio, FullBacklogPausesEntriesUntilTheDatabaseCatchesUp) {
  auto config = test_config();
  config.journal_backlog_limit = 5;  // the session record and six bars are already more
  Rig rig({}, config);
  feed(rig.engine, 0, 6);  // the golden cross on bar 5 would buy on minute 6
  auto snap = rig.engine.make_snapshot();
  EXPECT_TRUE(snap->counters.journal_full);
  EXPECT_EQ(snap->counters.entries_paused, 1u);
  EXPECT_EQ(snap->counters.orders, 0u);
  EXPECT_TRUE(records_of<TradeRecord>(drain(rig.journal)).empty()) << "a paused entry must not trade";

  rig.engine.on_durable(rig.engine.last_seq());  // the writer caught up
  snap = rig.engine.make_snapshot();
  EXPECT_FALSE(snap->counters.journal_full);
  EXPECT_EQ(snap->counters.journal_backlog, 0u);

  // The same crossover on the second symbol, acknowledged before the entry: it trades. The
  // order is decided at the market time (symbol 0's last tick, 6:50) and fills on minute 7.
  feed(rig.engine, 0, 5, 1);
  rig.engine.on_durable(rig.engine.last_seq());
  feed(rig.engine, 6, 6, 1);
  EXPECT_EQ(rig.engine.make_snapshot()->counters.orders, 1u);
  feed(rig.engine, 7, 7, 1);
  const auto trades = records_of<TradeRecord>(drain(rig.journal));
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_EQ(trades[0].trade.symbol, 1u);
  EXPECT_EQ(rig.engine.make_snapshot()->counters.entries_paused, 1u);
}

TEST(Portfolio, WarmUpFeedsTheStrategyWithoutTrading) {
  Rig rig;
  drain(rig.journal);
  // Bars 0..5 as history: the golden cross on bar 5 must not trade during warm-up.
  std::vector<Bar> history;
  for (int k = 0; k <= 5; ++k) {
    Bar b;
    b.symbol = 0;
    b.open_time = kT0 + minutes(k);
    b.open = b.high = b.low = b.close = cents(kCloseCents[k]);
    b.volume = Quantity::from_units(6);
    b.ticks = 6;
    history.push_back(b);
  }
  rig.engine.warm_up(history, /*persist=*/false);
  EXPECT_TRUE(drain(rig.journal).empty());
  EXPECT_TRUE(rig.engine.ledger().position(0).quantity.is_zero());
  auto snap = rig.engine.make_snapshot();
  EXPECT_EQ(snap->bars[0]->size(), 6u);
  EXPECT_TRUE(snap->symbols[0].has_tick);

  // The strategy state is warm: continuing the path from minute 6 to the death cross
  // sells nothing (no position) but raises exactly the death-cross signal on bar 8.
  rig.engine.take_events();
  feed(rig.engine, 6, 9);
  const auto signals = events_of<SignalRaised>(rig.engine.take_events());
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0].entry.signal.side, Side::sell);
  EXPECT_TRUE(records_of<TradeRecord>(drain(rig.journal)).empty());

  // persist = true journals history bars.
  Rig other;
  drain(other.journal);
  other.engine.warm_up(history, /*persist=*/true);
  const auto persisted = drain(other.journal);
  EXPECT_EQ(bar_records(persisted, Timeframe::m1).size(), history.size());
  EXPECT_EQ(bar_records(persisted, Timeframe::m5).size(), 1u) << "minutes 0-4 complete a 5m bar";
}

TEST(Portfolio, WarmUpMarksAtTheLastHistoryClose) {
  // Regression (was a bug): src/engine/portfolio.cpp Portfolio::warm_up (line 80) replaces the
  // symbol's last price only if view.last.ts < bar.open_time, but it stamps that price at
  // the bar's close time (open_time + 1m), which equals the next contiguous bar's
  // open_time. So only every other bar updates it: after contiguous history 0..5 the mark
  // is bar 4's close (80), not bar 5's (100), and snapshot mark/equity/unrealized P&L are
  // stale after every restart until the first live tick. `<=` (or comparing against
  // open_time + period) would fix it.
  Rig rig;
  std::vector<Bar> history;
  for (int k = 0; k <= 5; ++k) {
    Bar b;
    b.symbol = 0;
    b.open_time = kT0 + minutes(k);
    b.open = b.high = b.low = b.close = cents(kCloseCents[k]);
    history.push_back(b);
  }
  rig.engine.warm_up(history, false);
  const auto snap = rig.engine.make_snapshot();
  EXPECT_EQ(snap->mark(0), cents(kCloseCents[5]));
  EXPECT_EQ(snap->symbols[0].last.ts, kT0 + 6min);
}

TEST(Portfolio, RecoveryRestoresTheDurableState) {
  Rig first;
  feed(first.engine, 0, 6);  // buy decided on the first tick of minute 6, filled on the second
  first.engine.on_durable(first.engine.last_seq());
  const auto before = first.engine.make_snapshot();
  ASSERT_EQ(before->trades->size(), 1u);

  // What storage would load: the durable ledger, trades, session and closed bars.
  RecoveredState rec;
  rec.has_portfolio = true;
  const auto& durable = first.engine.durable_ledger();
  rec.cash = durable.cash();
  rec.fees_paid = durable.fees_paid();
  for (std::size_t i = 0; i < durable.positions().size(); ++i)
    if (!durable.positions()[i].quantity.is_zero())
      rec.positions.emplace_back(static_cast<SymbolId>(i), durable.positions()[i]);
  // Every trade so far was the default instance's: storage attributes them to it.
  rec.attribution = {{meridian::engine::kDefaultInstanceId, rec.positions}};
  rec.trades.assign(before->trades->begin(), before->trades->end());
  rec.trades_total = before->trades_total;
  rec.last_trade_id = before->trades->back().id;
  rec.last_order_id = before->trades->back().order_id;
  rec.session = first.engine.session();
  for (const auto& series : before->bars) rec.bars.insert(rec.bars.end(), series->begin(), series->end());
  std::sort(rec.bars.begin(), rec.bars.end(), [](const Bar& a, const Bar& b) { return a.open_time < b.open_time; });

  Rig second(rec);
  // A recovered session is not journaled again.
  EXPECT_TRUE(drain(second.journal).empty());
  auto after = second.engine.make_snapshot();
  EXPECT_EQ(after->cash, before->cash);
  EXPECT_EQ(after->fees_paid, before->fees_paid);
  EXPECT_EQ(after->realized_pnl, before->realized_pnl);
  ASSERT_EQ(after->positions.size(), before->positions.size());
  for (std::size_t i = 0; i < after->positions.size(); ++i) {
    EXPECT_EQ(after->positions[i].symbol, before->positions[i].symbol);
    EXPECT_EQ(after->positions[i].state, before->positions[i].state);
  }
  EXPECT_EQ(trade_list(*after), trade_list(*before));
  EXPECT_EQ(after->trades_total, before->trades_total);
  EXPECT_EQ(after->session.state, SessionState::running);
  EXPECT_EQ(after->session.strategy, before->session.strategy);
  EXPECT_EQ(second.engine.ledger(), first.engine.durable_ledger());
  ASSERT_EQ(after->bars[0]->size(), before->bars[0]->size());

  // Both continue through the death cross identically: the second engine's sell uses the
  // recovered position and cost basis and continues the trade/order ids.
  feed(second.engine, 6, 6);  // replays minute 6, whose bar the first engine still has open
  feed(first.engine, 7, 9);
  feed(second.engine, 7, 9);
  first.engine.on_durable(first.engine.last_seq());
  second.engine.on_durable(second.engine.last_seq());
  const auto a = first.engine.make_snapshot();
  const auto b = second.engine.make_snapshot();
  ASSERT_EQ(a->trades->size(), 2u);
  EXPECT_EQ(trade_list(*b), trade_list(*a));
  EXPECT_EQ(b->trades->back().id, 2u);
  EXPECT_EQ(b->trades->back().side, Side::sell);
  EXPECT_EQ(b->cash, a->cash);
  EXPECT_EQ(b->realized_pnl, a->realized_pnl);
  EXPECT_TRUE(b->positions.empty());
  EXPECT_EQ(b->trades_total, 2u);
}
