#pragma once
// One portfolio: the unit the engine runs many of. Single-threaded by contract (only the
// engine strand calls it), deterministic, and free of I/O and locks: it hands journal records
// to its own ring and events to its owner (EngineRunner), so the same code runs live, in
// tests and in backtests. Ids it hands out (orders, trades, signals, strategy instances) come
// from its own range (engine/id_space.hpp), so they are unique across every portfolio of a
// database.
//
// Its parts, each owned by value and called only from here:
//   BarBook         bars of every timeframe, built from ticks (bar_book.hpp)
//   StrategyHost    strategy instances, venue calendars, warm-up and the closed-bar path; it
//                   turns a signal into an order request and hands it back (strategy_host.hpp)
//   OrderManager    the order book: report queue, client_order_id idempotency, finished
//                   orders, exits, pending fills (order_manager.hpp)
//   SnapshotBuilder composes the read-only Snapshot from the parts (snapshot_builder.hpp)
// It keeps for itself the ledgers (live: risk decides on it; durable: readers see it), the
// risk engine, the trading session, the executor binding (it is the executor's
// ExecutionSink), the journal hand-off, and the public command API below.
//
// A tick: executor first (resting orders fill before any decision on the tick), its reports
// applied, then bars; a closing 1m bar goes through StrategyHost, whose signals come back to
// Portfolio::on_signal -> risk check -> executor.
// Execution reports: executor -> ExecutionSink::report (queued in OrderManager) -> drained
// after the executor call returns (or at reports_arrived for an asynchronous executor) ->
// OrderManager applies each in order: a fill to Portfolio::on_fill (ledgers, trade log,
// journal), then the order to Portfolio::on_order (journal, OrderChanged event).
// Durability: the journal writer acknowledges records (on_durable); trades then reach the
// durable ledger and readers.
#include <array>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "meridian/core/error.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/core/latency_histogram.hpp"
#include "meridian/engine/bar_book.hpp"
#include "meridian/engine/events.hpp"
#include "meridian/engine/fifo.hpp"
#include "meridian/engine/id_space.hpp"
#include "meridian/engine/journal.hpp"
#include "meridian/engine/order_manager.hpp"
#include "meridian/engine/recovered_state.hpp"
#include "meridian/engine/snapshot.hpp"
#include "meridian/engine/snapshot_builder.hpp"
#include "meridian/engine/strategy_host.hpp"
#include "meridian/engine/strategy_instance.hpp"
#include "meridian/execution/executor.hpp"
#include "meridian/market/calendar.hpp"
#include "meridian/market/feed.hpp"
#include "meridian/risk/pre_trade.hpp"

namespace meridian::engine {

struct PortfolioConfig {
  Mode mode = Mode::simulation;
  core::Money initial_capital = core::Money::from_units(100'000);
  PortfolioId portfolio_id = kDefaultPortfolioId;
  // Bars are market data, shared by every portfolio (market_data has no portfolio): only one
  // portfolio of a daemon journals them (the default one), the others aggregate their own.
  bool journal_bars = true;
  // Off in a backtest, whose portfolio nobody reads but through its ledger and journal: no bars
  // above 1m are made from ticks (strategies run on 1m bars; the others serve charts and the
  // history API), and no events are raised (the live runner publishes them; take_events then
  // gives none). Trading is the same either way.
  bool higher_timeframes = true;
  bool events = true;
  // A backtest keeps nothing of its journal but the trades (its result's trade list): with this
  // set, only trade records (and the writer's own: order-id reservations, reset, stop) reach
  // the ring; session, instance, order, signal, equity and risk records are dropped before
  // they take a sequence number. What the portfolio does is the same either way.
  bool journal_trades_only = false;
  StrategyConfig strategy{};
  risk::Limits limits{};
  // Portfolio defaults for exits placed with strategy entries (a strategy's own rules win).
  ExitRules exits{};
  bool autostart = true;  // a first start (no saved session) begins running
  // Closed bars kept per symbol and timeframe: the history API's largest limit.
  std::size_t bars_in_memory = 5000;
  std::size_t trades_in_memory = 10'000;
  // Records not yet durable beyond which new entries pause (a database outage must not
  // grow memory without bound, and nothing may be dropped).
  std::uint64_t journal_backlog_limit = 1'000'000;
  // Venue calendars, asked in market time (bar and tick timestamps). With use_calendars a
  // strategy sees a symbol's bars, and trades it, only while its venue is open. Off here so
  // backtests and crafted data run every bar; the daemon turns it on (--calendars).
  market::Calendars calendars{};
  bool use_calendars = false;
};

struct CommandError {
  CommandError() = default;
  CommandError(core::Errc c, std::string m, std::string r = {}, std::string f = {})
      : code(c), message(std::move(m)), reason(std::move(r)), field(std::move(f)) {}
  core::Errc code = core::Errc::conflict;
  std::string message;
  std::string reason;  // a machine code where there is one: the risk denial, the validation code
  std::string field;   // the request field at fault, if one is
};

// What an order command answers: the order as it stands after the command, and whether an
// earlier order with the same client_order_id was returned instead of placing a new one.
struct OrderTicket {
  execution::Order order;
  bool duplicate = false;
};
using CommandResult = std::optional<CommandError>;  // nullopt: done

// The reason on the order row of a trade recorded by hand (what migration 008 looks for).
inline constexpr std::string_view kRecordedByHand = "recorded by hand";

// A trade recorded by hand: what POST /api/trades carries.
struct ManualTrade {
  core::SymbolId symbol = 0;
  core::Side side = core::Side::buy;
  core::Quantity quantity{};
  core::Price price{};
  core::Money fee{};
  bool force = false;  // record a price outside the risk band; needs a reason
  std::string reason;
  std::int64_t placed_by = 0;  // who recorded it (OrderRequest::placed_by of its order)
};

class Portfolio final : public market::TickSink,
                        public execution::ExecutionSink,
                        private OrderManager::Listener,
                        private StrategyHost::SignalSink {
 public:
  Portfolio(const core::InstrumentTable& instruments, PortfolioConfig config, execution::Executor& executor,
            JournalQueue& journal, RecoveredState recovered);

  // Warms the strategy with history (oldest first) without trading. New bars (not yet in
  // the database) are journaled when `persist` is set.
  void warm_up(const std::vector<core::Bar>& history, bool persist);

  void on_ticks(std::span<const core::Tick> ticks) override;
  // Records each strategy order's tick-to-fill (Order::decided_wall to its first fill applied,
  // wall clock) into `histogram`, which outlives the portfolio; null (backtests) measures
  // nothing and reads no clock.
  void measure_tick_to_fill(core::LatencyHistogram* histogram) noexcept { tick_to_fill_ = histogram; }
  // ExecutionSink: the executor's reports queue here and are applied once the executor call
  // that made them returns (or, from an asynchronous executor, when it says they arrived).
  void report(execution::ExecutionReport report) override { orders_.queue(std::move(report)); }
  void reports_arrived() override;
  core::Quantity reducible(const execution::Order& order) const noexcept override;
  execution::OrderId allocate_order_id() noexcept override { return take_order_id(); }
  bool can_settle(const execution::Fill& fill) const noexcept override;
  // True while no new order may be placed: every reserved order id is used and the database
  // has not yet made the next reservation durable (RecoveredState::order_id_reserved).
  bool order_ids_exhausted() const noexcept;

  // Orders from outside the strategies (REST). A request passes validation and the
  // portfolio's risk checks, then goes to the executor; a client_order_id seen before returns
  // that order (duplicate) and places nothing. Risk denials: Errc::rejected with the code.
  CommandResult submit_order(execution::OrderRequest request, OrderTicket& out);
  CommandResult cancel_order(execution::OrderId id, OrderTicket& out);
  // New quantity/prices for an open order (cancel-and-replace keeping the id and fills).
  CommandResult replace_order(execution::OrderId id, const execution::OrderRequest& changes, OrderTicket& out);
  // A trade done elsewhere, recorded by hand (POST /api/trades; an admin action on a paper
  // portfolio): the risk checks of an order at its price (state, limits, cash, position, ranges;
  // the price band against the last trade unless forced with a reason), then a filled order
  // through the same ledger, marked manual in the trade log.
  CommandResult record_trade(const ManualTrade& trade, OrderTicket& out);
  CommandResult set_risk_state(risk::RiskState state);
  CommandResult set_risk_limits(const risk::Limits& limits);
  const risk::Limits& risk_limits() const noexcept { return risk_.limits(); }
  // A configuration reload's holidays and early closes (app/reload.hpp): `calendars` has the
  // same venues, in the same order, as the ones in force (venues are start-up configuration).
  void set_calendars(market::Calendars calendars);
  // Session changes take `by`, the user who asks (SessionRecord::changed_by; 0: the engine itself
  // or a caller without an account).
  // PUT /api/trading/strategy: a new configuration for the session's strategy in any state;
  // a running session goes on with it (warmed from history first).
  CommandResult replace_strategy(StrategyConfig strategy, std::int64_t by = 0);
  // POST /api/trading/reset: stops the session, cancels every open order, and starts the
  // paper portfolio again from the initial capital with no positions, orders or trades.
  CommandResult reset(std::int64_t by = 0);

  CommandResult start(std::optional<StrategyConfig> strategy, std::optional<std::vector<core::SymbolId>> symbols,
                      std::int64_t by = 0);

  // Strategy instances (the default one, id 1, is the session's strategy and follows it).
  enum class InstanceCommand { init, start, stop, remove, restore, erase };
  CommandResult add_instance(InstanceConfig config, std::uint64_t& id);
  CommandResult instance_command(std::string_view name, InstanceCommand command);
  CommandResult patch_instance(std::uint64_t id, std::optional<bool> active, std::optional<StrategyConfig> strategy,
                               std::optional<std::vector<core::SymbolId>> symbols);
  CommandResult stop(std::int64_t by = 0);
  // The kill switch (POST /api/trading/kill, /ws `kill`, SIGUSR1): the risk state halted (so
  // nothing that follows can open a position, and it stays halted over a restart until a person
  // sets it active), every open order asked to cancel at its venue, the session stopped (no
  // strategy acts). Raises RiskChanged, the orders' changes, Killed, SessionChanged. Never
  // refused: a killed portfolio killed again cancels whatever is open by then.
  CommandResult kill(std::int64_t by = 0);
  CommandResult pause(std::int64_t by = 0);
  CommandResult resume(std::int64_t by = 0);

  // The writer committed every record up to `seq`: trades up to it become visible.
  void on_durable(std::uint64_t seq);
  // Queues the record that makes the writer commit and exit; the last thing on shutdown.
  void request_journal_stop();

  // Fresh and not yet shared: the owner may fill in what the engine does not know (feed
  // health) before publishing it.
  std::shared_ptr<Snapshot> make_snapshot();
  bool dirty() const noexcept { return dirty_ || snapshots_.instances_stale(strategies_); }
  // Events since the last call, in order; the owner publishes them after the snapshot. They
  // replace `out`'s contents, and the portfolio keeps `out`'s old buffer (cleared) for the
  // next ones: an owner that keeps `out` between calls (EngineRunner) lets both vectors keep
  // their capacity, so steady-state publishing allocates no event list.
  void take_events(std::vector<EngineEvent>& out);
  // The same into a new vector (tests and tools, where an allocation does not matter).
  std::vector<EngineEvent> take_events();

  const Ledger& ledger() const noexcept { return live_; }
  const Ledger& durable_ledger() const noexcept { return durable_; }
  const SessionRecord& session() const noexcept { return session_; }
  // Hands records that found the ring full to it again; true once all are in.
  bool flush_journal() {
    flush_overflow();
    return overflow_.empty();
  }
  // True once each journal record ever produced has been handed to the ring.
  bool journal_drained() const noexcept { return overflow_.empty(); }
  std::uint64_t last_seq() const noexcept { return next_seq_ - 1; }

 private:
  void on_bar_closed(const core::Bar& bar);
  using Instance = StrategyHost::Instance;
  // StrategyHost::SignalSink: counts and logs the signal, acting on it when trading is on.
  void on_signal(Instance& instance, const core::Bar& bar, const strategies::Signal& signal) override;
  // True when an order went out (risk accepted it); false when the signal asked for nothing
  // (no holding to sell, an entry already held or working) or the order was refused.
  bool act_on(Instance& instance, const strategies::Signal& signal);
  // Orders (portfolio_orders.cpp).
  // Risk-checks and sends an order; the denial, or nullopt once the executor has it (and its
  // reports are applied). `sent`, when given, receives the order as it went to the executor.
  std::optional<risk::Denial> place(execution::OrderRequest request, bool price_is_limit,
                                    execution::Order* sent = nullptr);
  // OrderManager::Listener: a reported fill settles in the ledgers (or, if it does not fit, is
  // counted and logged); an order change is journaled and raised as an event.
  void on_fill(const execution::Order& order, const execution::Fill& fill) override;
  void on_order(execution::Order order, std::uint32_t event_seq) override;
  // The position once pending fills are applied: the portfolio's (owner 0) or a strategy's.
  core::Quantity held_after_pending(core::SymbolId symbol, std::uint64_t owner) const noexcept;
  // The next order id; journals the next reservation block when half of this one is used.
  execution::OrderId take_order_id() noexcept;
  // The portfolio for a risk check; `replacing` is an order whose own commitment is left out.
  risk::PortfolioView portfolio_view(core::SymbolId symbol, core::Price price,
                                     execution::OrderId replacing = 0) const noexcept;
  // Symbols held or being opened by a working order (but `symbol`, and the order `except`).
  std::uint32_t open_positions(core::SymbolId symbol, execution::OrderId except) const noexcept;
  // What working buy orders (all but `except`) will spend at their prices, fees included.
  core::Money committed_cash(execution::OrderId except) const noexcept;
  core::Timestamp day_end(core::SymbolId symbol, core::Timestamp t) const noexcept;
  // The order if it is still working; not_found or conflict (finished) otherwise.
  CommandResult open_order(execution::OrderId id, const execution::Order*& out) const;
  // Risk and equity (portfolio_risk.cpp).
  void sample_equity(core::Timestamp ts);
  void mark_risk(core::Timestamp ts);
  void note_risk_change(risk::RiskState before, std::string_view reason);
  RiskView risk_view() const noexcept;
  void journal_risk();
  void journal_instance(const Instance& instance);
  // Applies a fill to the ledgers and logs its trade; `manual` (the note, possibly empty) marks
  // a trade recorded by hand.
  void settle(const execution::Order& order, const execution::Fill& fill, const std::string* manual);
  void log_signal(const SignalEntry& entry);
  // An event for the owner, unless this portfolio raises none (PortfolioConfig::events).
  template <class Event>
  void raise(Event&& event) {
    if (config_.events) events_.emplace_back(std::forward<Event>(event));
  }
  void append_journal(JournalRecord record);
  void flush_overflow();
  void update_backlog() noexcept;
  void change_session(SessionState to, SessionChange change, std::int64_t by);
  core::Money live_equity() const noexcept;
  core::Money gross_exposure() const noexcept;
  void rebuild_strategy();

  const core::InstrumentTable& instruments_;
  PortfolioConfig config_;
  execution::Executor& executor_;
  JournalQueue& journal_;

  BarBook bars_;  // every timeframe
  // Strategy instances, venue calendars and the closed-bar path (see strategy_host.hpp).
  StrategyHost strategies_;
  std::vector<SymbolView> symbols_;
  Ledger live_;     // every fill, at once: risk decides on this
  Ledger durable_;  // fills whose journal record committed: what readers see
  SessionRecord session_;

  struct PendingTrade {
    std::uint64_t seq;
    Trade trade;
  };
  Fifo<PendingTrade> pending_trades_;  // each fill's, until durable: no allocation per fill
  TradeHistory trades_;
  SignalHistory signals_;
  std::uint64_t next_signal_id_ = 1;
  std::uint64_t trades_total_ = 0;
  std::uint64_t next_trade_id_ = 1;
  std::uint64_t next_order_id_ = 1;
  // Order ids up to order_id_limit_ are durably reserved; order_id_requested_ is the
  // reservation journalled at order_id_reservation_seq_ (0: none in flight).
  std::uint64_t order_id_limit_ = UINT64_MAX;
  std::uint64_t order_id_requested_ = 0;
  std::uint64_t order_id_reservation_seq_ = 0;
  std::uint64_t order_id_block_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t durable_seq_ = 0;  // the writer's latest acknowledgement
  std::deque<JournalEntry> overflow_;
  std::vector<EngineEvent> events_;
  Counters counters_{};
  bool dirty_ = true;
  bool prices_moved_ = false;
  core::Timestamp market_time_{};  // the latest tick's time: what the venue states are as of
  core::LatencyHistogram* tick_to_fill_ = nullptr;
  // While on_ticks runs (and a histogram is attached): when it took the ticks; else the epoch.
  std::chrono::steady_clock::time_point ticks_taken_{};

  // Orders: the executor holds the open ones; the order manager queues and applies its
  // reports and keeps the rest of the book (see order_manager.hpp).
  OrderManager orders_{executor_, *this, *this};
  // The ledgers with the pending fills applied, for can_settle while fills are pending
  // (reused: copy-assignment keeps their capacity).
  mutable Ledger scratch_;
  mutable Ledger scratch_instance_;
  std::vector<core::SymbolId> held_;  // symbols with a live position: equity over these only

  risk::RiskEngine risk_;
  EquityHistory equity_{kEquityPointsInMemory};
  std::int64_t equity_minute_ = INT64_MIN;  // the market minute last sampled
  // Composes make_snapshot's answer, reusing what did not change since the last one.
  SnapshotBuilder snapshots_;
};

}  // namespace meridian::engine
