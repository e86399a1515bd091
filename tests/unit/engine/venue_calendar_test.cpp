// Venue calendars in the engine: with calendars on, a symbol whose venue is closed keeps its
// prices and bars but feeds no strategy and never trades, while a crypto symbol with the same
// prices trades; at the session's close the last bar's signal is not acted on; with calendars
// off both trade; the snapshot lists the venues with their state as of market time.
//
// Both symbols follow the same path (one tick every 10 s, 6 per minute, at the minute's price):
//   minute: 0    1   2   3   4   5    6    7
//   close:  100  90  80  70  80  100  110  120
// SMA(2)/SMA(4) crosses up on bar 5; the buy is decided on the first tick of minute 6 and fills
// on the next (each tick trades more than the order, so it fills at once).
#include <gtest/gtest.h>

#include <variant>
#include <vector>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"

namespace meridian::engine {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using core::Timestamp;

constexpr std::int64_t kCloseCents[] = {100'00, 90'00, 80'00, 70'00, 80'00, 100'00, 110'00, 120'00};
constexpr core::SymbolId kCrypto = 0;
constexpr core::SymbolId kEquity = 1;

Timestamp at(std::string_view iso) {
  return *core::parse_time(iso);
}

core::InstrumentTable instruments() {
  using core::AssetClass;
  return core::InstrumentTable({
      {0, "BTC-USD", "crypto", AssetClass::crypto, "USD", 2, 0, 100.0, 0.5},
      {0, "AAPL", "nyse", AssetClass::equity, "USD", 2, 0, 100.0, 0.3},
  });
}

PortfolioConfig config(bool use_calendars) {
  PortfolioConfig c;
  c.initial_capital = core::Money::from_units(100'000);
  c.strategy = StrategyConfig::sma_crossover(2, 4);
  c.strategy.position_fraction = 0.25;
  c.use_calendars = use_calendars;
  return c;
}

struct Rig {
  explicit Rig(bool use_calendars) : Rig(config(use_calendars)) {}
  explicit Rig(PortfolioConfig c) : engine(table, std::move(c), executor, journal, RecoveredState{}) {}
  core::InstrumentTable table = instruments();
  execution::PaperExecutor executor{execution::PaperConfig::at_touch(10), table};
  JournalQueue journal{1 << 12};
  Portfolio engine;

  // Minutes 0..7 of the path from t0, both symbols tick by tick.
  void run_path(Timestamp t0) {
    for (int m = 0; m < 8; ++m)
      for (int k = 0; k < 6; ++k)
        for (auto symbol : {kCrypto, kEquity}) {
          core::Tick t;
          t.symbol = symbol;
          t.ts = t0 + minutes(m) + seconds(10 * k);
          t.last = core::Price::from_raw(kCloseCents[m] * 1'000'000);
          t.bid = core::Price::from_raw((kCloseCents[m] - 5) * 1'000'000);
          t.ask = core::Price::from_raw((kCloseCents[m] + 5) * 1'000'000);
          t.volume = core::Quantity::from_units(1000);
          engine.on_ticks(std::span<const core::Tick>(&t, 1));
        }
  }
  std::vector<TradeRecord> trades(core::SymbolId symbol) {
    std::vector<TradeRecord> out;
    while (auto e = journal.try_pop())
      if (const auto* r = std::get_if<TradeRecord>(&e->record); r && r->trade.symbol == symbol) out.push_back(*r);
    return out;
  }
  bool holds(core::SymbolId symbol) const { return !engine.ledger().position(symbol).quantity.is_zero(); }
  std::vector<SignalEntry> signals(core::SymbolId symbol) {
    std::vector<SignalEntry> out;
    for (const auto& s : *engine.make_snapshot()->signals)
      if (s.signal.symbol == symbol) out.push_back(s);
    return out;
  }
};

const VenueView* find_venue(const Snapshot& s, market::Venue v) {
  for (const auto& view : s.venues)
    if (view.venue == v) return &view;
  return nullptr;
}

// Saturday: NYSE is closed for the weekend, crypto trades.
TEST(VenueCalendar, ClosedVenueDoesNotTradeWhileCryptoDoes) {
  Rig rig(true);
  rig.run_path(at("2026-04-04T15:00:00Z"));
  EXPECT_TRUE(rig.holds(kCrypto)) << "crypto trades at the weekend";
  EXPECT_FALSE(rig.holds(kEquity)) << "NYSE is closed on Saturday";
  EXPECT_TRUE(rig.signals(kEquity).empty()) << "a closed venue's bars reach no strategy";
  EXPECT_EQ(rig.signals(kCrypto).size(), 1u);
  const auto snap = rig.engine.make_snapshot();
  // Prices and bars of the closed venue still move: charts and history stay current.
  EXPECT_EQ(snap->mark(kEquity), core::Price::from_units(120));
  EXPECT_EQ(snap->bars[kEquity]->size(), snap->bars[kCrypto]->size());
  EXPECT_EQ(snap->bars[kEquity]->size(), 7u);
}

// The same path on a Wednesday morning in New York: both trade (the gate opens).
TEST(VenueCalendar, OpenVenueTradesLikeCrypto) {
  Rig rig(true);
  rig.run_path(at("2026-04-01T14:00:00Z"));  // 10:00 EDT
  EXPECT_TRUE(rig.holds(kCrypto));
  EXPECT_TRUE(rig.holds(kEquity));
  EXPECT_EQ(rig.trades(kEquity).size(), 1u);
}

TEST(VenueCalendar, OffMeansEveryVenueTradesAlways) {
  Rig rig(false);
  rig.run_path(at("2026-04-04T15:00:00Z"));
  EXPECT_TRUE(rig.holds(kCrypto));
  EXPECT_TRUE(rig.holds(kEquity));
  EXPECT_FALSE(rig.engine.make_snapshot()->calendars);
}

// Bar 5 is 15:59-16:00 EDT, the session's last minute: the strategy sees it and signals, but
// the touch that would fill the order (16:00:00) is after the close, so nothing is bought.
TEST(VenueCalendar, TheLastBarsSignalIsNotActedOnAfterTheClose) {
  Rig rig(true);
  rig.run_path(at("2026-04-01T19:54:00Z"));
  const auto signals = rig.signals(kEquity);
  ASSERT_EQ(signals.size(), 1u) << "the session's last bar reaches the strategy";
  EXPECT_FALSE(signals[0].acted);
  EXPECT_FALSE(rig.holds(kEquity));
  EXPECT_TRUE(rig.trades(kEquity).empty());
  EXPECT_TRUE(rig.holds(kCrypto));
}

// The venue states are as of market time (the latest tick), not the wall clock.
TEST(VenueCalendar, SnapshotListsTheVenuesAsOfMarketTime) {
  Rig rig(true);
  rig.run_path(at("2026-04-04T15:00:00Z"));
  const auto snap = rig.engine.make_snapshot();
  EXPECT_TRUE(snap->calendars);
  ASSERT_EQ(snap->venues.size(), 2u) << "crypto and nyse, not nse: no configured symbol trades there";
  EXPECT_EQ(find_venue(*snap, market::Venue::nse), nullptr);
  const auto* crypto = find_venue(*snap, market::Venue::crypto);
  ASSERT_NE(crypto, nullptr);
  EXPECT_EQ(crypto->state, market::SessionState::open);
  EXPECT_EQ(crypto->next_open, std::nullopt);
  EXPECT_EQ(crypto->next_close, std::nullopt);
  const auto* nyse = find_venue(*snap, market::Venue::nyse);
  ASSERT_NE(nyse, nullptr);
  EXPECT_EQ(nyse->as_of, at("2026-04-04T15:07:50Z"));  // the last tick
  EXPECT_EQ(nyse->state, market::SessionState::weekend);
  EXPECT_EQ(nyse->next_open, at("2026-04-06T13:30:00Z"));
  EXPECT_EQ(nyse->next_close, at("2026-04-06T20:00:00Z"));
}

// A configured holiday gates like a weekend, and shows as one.
TEST(VenueCalendar, HolidayFromConfigClosesTheVenue) {
  auto c = config(true);
  c.calendars.add_holiday(market::Venue::nyse, sys_days{year{2026} / 4 / 1});
  Rig rig(std::move(c));
  rig.run_path(at("2026-04-01T14:00:00Z"));  // a Wednesday, 10:00 EDT
  EXPECT_FALSE(rig.holds(kEquity));
  EXPECT_TRUE(rig.signals(kEquity).empty());
  EXPECT_TRUE(rig.holds(kCrypto));
  const auto snap = rig.engine.make_snapshot();
  const auto* nyse = find_venue(*snap, market::Venue::nyse);
  ASSERT_NE(nyse, nullptr);
  EXPECT_EQ(nyse->state, market::SessionState::holiday);
  EXPECT_EQ(nyse->next_open, at("2026-04-02T13:30:00Z"));
}

}  // namespace
}  // namespace meridian::engine
