#pragma once
// The engine's state as readers see it: immutable once published, swapped atomically.
// REST handlers and the WS hub read it on any thread without touching the engine.
#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/engine/bar_history.hpp"
#include "meridian/engine/ledger.hpp"
#include "meridian/engine/order_history.hpp"
#include "meridian/engine/session.hpp"
#include "meridian/engine/trade.hpp"
#include "meridian/execution/order.hpp"
#include "meridian/market/calendar.hpp"
#include "meridian/market/feed.hpp"
#include "meridian/risk/analytics.hpp"
#include "meridian/risk/pre_trade.hpp"
#include "meridian/strategies/signal.hpp"

namespace meridian::engine {

inline constexpr std::size_t kSignalsInMemory = 500;  // seed 001's in-memory log

struct SymbolView {
  core::Tick last{};
  bool has_tick = false;
  core::Bar partial{};  // the open 1-minute bar
  bool has_partial = false;
  std::uint64_t ticks = 0;
  // The forming 5m, 15m, 1h, 4h and 1d bars: the closed minutes of the period and the open one.
  std::array<std::optional<core::Bar>, kTimeframeCount - 1> forming{};
};

struct PositionView {
  core::SymbolId symbol = 0;
  PositionState state{};
};

struct Counters {
  std::uint64_t ticks = 0;
  std::uint64_t bars = 0;
  std::uint64_t signals = 0;
  std::uint64_t orders = 0;
  std::uint64_t rejects = 0;
  std::uint64_t strategy_errors = 0;
  // Fills an executor reported that the ledger could not take (a broken can_settle contract):
  // logged, not applied. Zero unless something is wrong.
  std::uint64_t unsettled_fills = 0;
  std::uint64_t journal_backlog = 0;  // records handed to persistence and not yet durable
  std::uint64_t entries_paused = 0;   // entries refused because the backlog was full
  bool journal_full = false;          // the backlog is at its limit: new entries pause
};

// Durable trades, the last PortfolioConfig::trades_in_memory, oldest first.
using TradeLog = ChunkedSeries<Trade, 256>;
using TradeHistory = ChunkedHistory<Trade, 256>;

// A signal as the log keeps it: what the strategy said and whether the engine acted.
struct SignalEntry {
  std::uint64_t id = 0;
  strategies::Signal signal;
  bool acted = false;
  std::uint64_t strategy_id = 0;
  // Live signals point at static strings; one loaded from the database points into this.
  std::shared_ptr<const std::string> text;
};
using SignalLog = ChunkedSeries<SignalEntry, 128>;  // oldest first
using SignalHistory = ChunkedHistory<SignalEntry, 128>;

struct InstanceView;  // strategy_instance.hpp

// Equity marked to market once a minute of market time (and on start): the performance
// and risk figures are computed from it. Oldest first, at most kEquityPointsInMemory.
inline constexpr std::size_t kEquityPointsInMemory = 7 * 24 * 60;
using EquityCurve = ChunkedSeries<risk::EquityPoint, 1024>;
using EquityHistory = ChunkedHistory<risk::EquityPoint, 1024>;

// The portfolio's risk as of the snapshot.
struct RiskView {
  risk::RiskState state = risk::RiskState::active;
  risk::Limits limits{};
  core::Money day_start_equity{};
  core::Money peak_equity{};
  core::Money daily_pnl{};
  double drawdown = 0.0;
  bool daily_loss_hit = false;
  std::uint32_t orders_last_minute = 0;
  std::array<std::uint64_t, risk::kDenialCount> denials{};  // by risk::Denial
};

// A market-data feed's health when the snapshot was taken (the engine runner fills it in).
struct FeedView {
  std::string name;
  market::FeedHealth health;
};

// A venue's session as of the engine's market time (the latest tick; the wall clock before
// the first one).
struct VenueView {
  market::Venue venue = market::Venue::crypto;
  std::string name;  // the venue's configured name ("nyse", "lse")
  market::SessionState state = market::SessionState::open;
  std::optional<core::Timestamp> next_open;   // none for a venue that never closes
  std::optional<core::Timestamp> next_close;  //
  core::Timestamp as_of{};                    // the market time these describe
};

struct Snapshot {
  std::uint64_t version = 0;
  core::Timestamp published_at{};
  const core::InstrumentTable* instruments = nullptr;
  Mode mode = Mode::simulation;
  // What the portfolio's orders go to: "paper", or a live gateway ("alpaca") after a connect.
  std::string executor = "paper";
  SessionRecord session{};
  core::Money initial_capital{};
  core::Money cash{};
  core::Money fees_paid{};
  core::Money realized_pnl{};
  std::vector<SymbolView> symbols;                     // indexed by SymbolId
  std::vector<PositionView> positions;                 // open positions only
  std::shared_ptr<const TradeLog> trades;              // durable trades, oldest first
  std::uint64_t trades_total = 0;                      // including ones no longer in memory
  std::vector<std::shared_ptr<const BarSeries>> bars;  // closed 1m bars per symbol
  // Closed 5m, 15m, 1h, 4h and 1d bars per symbol: higher[timeframe index - 1][symbol].
  std::array<std::vector<std::shared_ptr<const BarSeries>>, kTimeframeCount - 1> higher;
  std::shared_ptr<const SignalLog> signals;  // the last kSignalsInMemory signals
  Counters counters{};
  bool strategy_disabled = false;  // the session's strategy threw; the next start rebuilds it
  std::shared_ptr<const std::vector<InstanceView>> instances;  // default instance first
  std::vector<FeedView> feeds;
  std::vector<VenueView> venues;  // the venues of the configured instruments
  bool calendars = false;         // strategies follow the venue calendars (--calendars)
  std::int64_t portfolio_id = 1;
  std::shared_ptr<const OrderList> open_orders;
  std::shared_ptr<const FinishedOrders> finished_orders;
  RiskView risk{};
  std::shared_ptr<const EquityCurve> equity_curve;

  core::Price mark(core::SymbolId symbol) const noexcept;  // last trade price
  // Closed bars of any timeframe, oldest first (symbol < instruments->size()).
  const BarSeries& series(core::Timeframe tf, core::SymbolId symbol) const noexcept {
    return tf == core::Timeframe::m1 ? *bars[symbol] : *higher[static_cast<std::size_t>(tf) - 1][symbol];
  }
  // The forming bar of any timeframe, if the symbol has one.
  std::optional<core::Bar> forming(core::Timeframe tf, core::SymbolId symbol) const noexcept {
    const auto& view = symbols[symbol];
    if (tf == core::Timeframe::m1) return view.has_partial ? std::optional<core::Bar>(view.partial) : std::nullopt;
    return view.forming[static_cast<std::size_t>(tf) - 1];
  }
  // Every order in memory, finished ones first; the open or recently finished order `id`.
  template <class F>
  void for_each_order(F&& f) const {
    if (finished_orders)
      for (const auto& o : *finished_orders) f(o);
    if (open_orders)
      for (const auto& o : *open_orders) f(o);
  }
  const execution::Order* find_order(execution::OrderId id) const noexcept;
  core::Money market_value() const noexcept;
  core::Money unrealized_pnl() const noexcept;
  core::Money equity() const noexcept { return core::saturating_add(cash, market_value()); }
};

// Read-copy-update holder: one writer (the engine runner), any number of readers.
class SnapshotStore {
 public:
  std::shared_ptr<const Snapshot> load() const noexcept { return current_.load(std::memory_order_acquire); }
  void store(std::shared_ptr<const Snapshot> s) noexcept { current_.store(std::move(s), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace meridian::engine
