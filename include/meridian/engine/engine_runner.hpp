#pragma once
// The coordinator: puts each Portfolio on an Asio strand: feeds tick into it there, commands
// are posted to it, snapshots are published from it on a timer (and at once after a command
// or a durable trade), and events go out on the bus after the snapshot that holds them.
// Everything inside a portfolio (its StrategyHost, OrderManager, SnapshotBuilder, ledgers and
// risk; see portfolio.hpp) runs on that strand only; the runner never reaches past the
// Portfolio's public API. An asynchronous executor's reports reach the portfolio as a
// reports_arrived call posted to the same strand.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <span>

#include "meridian/core/latency_histogram.hpp"
#include "meridian/engine/events.hpp"
#include "meridian/engine/id_space.hpp"
#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/market/feed.hpp"
#include "meridian/market/simulated_feed.hpp"

namespace meridian::engine {

struct RunnerConfig {
  std::chrono::milliseconds publish_interval{100};
  std::chrono::milliseconds tick_interval{1000};
  std::size_t history_bars = 200;  // generated on a first start to warm every indicator
  execution::PaperConfig paper{};  // fees, slippage, participation and latency of paper fills
  // False in memory-only mode: nothing is ever durable, so after_durable answers false at once.
  bool durable_store = false;
  // Non-empty: the default portfolio's stored data could not be loaded and it runs read-only.
  // Every command is refused with Errc::unavailable, reason "read_only", and this message.
  std::string read_only_reason;
};

// A portfolio as readers see it, from any thread: what it is and its latest snapshot.
struct PortfolioEntry {
  PortfolioId id = kDefaultPortfolioId;
  std::string name;
  std::string currency = "USD";
  core::Money initial_capital{};
  core::Timestamp created_at{};
  std::shared_ptr<SnapshotStore> store;
  // The user who owns it (sql/011); 0: none, the admins' (the default portfolio's always).
  // Who may see it is api/ownership.hpp's to decide; the engine only carries it.
  std::int64_t owner_id = 0;
};
// Every portfolio of the engine, by id. Replaced (not changed) when one is added or removed.
using PortfolioDirectory = std::vector<PortfolioEntry>;

// What a portfolio needs to join the engine beside its state.
struct PortfolioSetup {
  PortfolioConfig config;  // config.portfolio_id: a new id (from storage, never reused)
  std::string name = "default";
  std::string currency = "USD";
  core::Timestamp created_at{};
  std::int64_t owner_id = 0;        // PortfolioEntry::owner_id
  JournalQueue* journal = nullptr;  // the portfolio's ring; outlives it (its writer's, the app's)
  RecoveredState recovered;
  // Non-empty: its stored data could not be loaded: commands are refused (read_only).
  std::string read_only_reason;
};

class EngineRunner {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  // Builds the feed given the engine strand's executor, where it must deliver its ticks (a venue
  // feed runs on a strand of its own behind market::OffStrandFeed, see app/feed_choice.cpp).
  // Empty: the simulated feed, which also generates indicator warm-up history on a first start.
  using FeedFactory = std::function<std::unique_ptr<market::Feed>(boost::asio::any_io_executor strand)>;
  // Builds portfolio `portfolio`'s executor on the strand's executor (an asynchronous one posts
  // its reports there and calls ExecutionSink::reports_arrived); called once per portfolio, when
  // it joins, so the app's wiring decides per portfolio which one trades through a gateway.
  // Empty: a PaperExecutor with RunnerConfig::paper.
  using ExecutorFactory =
      std::function<std::unique_ptr<execution::Executor>(PortfolioId portfolio, boost::asio::any_io_executor strand)>;

  // With the default portfolio (`config`, `journal`, `recovered`).
  EngineRunner(boost::asio::io_context& io, const core::InstrumentTable& instruments, PortfolioConfig config,
               RunnerConfig runner_config, market::SimConfig sim_config, JournalQueue& journal,
               RecoveredState recovered, FeedFactory make_feed = {}, ExecutorFactory make_executor = {});

  ~EngineRunner();

  // Wire subscribers before start(). Every portfolio's events come out here.
  EventBus& bus() noexcept { return bus_; }
  // Any thread. The default portfolio (what /api/trading/* means) is the one the constructor
  // was given; it is never removed.
  PortfolioId default_portfolio() const noexcept { return default_id_; }
  std::shared_ptr<const PortfolioDirectory> portfolios() const noexcept { return directory_.load(); }
  std::shared_ptr<const Snapshot> snapshot() const noexcept { return default_store_->load(); }
  // Null when there is no such portfolio (or it was removed).
  std::shared_ptr<const Snapshot> snapshot(PortfolioId id) const noexcept;

  void start();
  // Stops the feed and timers and asks every portfolio's journal writer to commit and exit.
  void shutdown();

  // Any thread: runs `fn(portfolio)` on the strand, publishes, then calls `done(result)` there.
  // A portfolio that does not exist (any more) answers not_found.
  void command(PortfolioId id, std::function<CommandResult(Portfolio&)> fn,
               std::function<void(const CommandResult&)> done);
  // The default portfolio.
  void command(std::function<CommandResult(Portfolio&)> fn, std::function<void(const CommandResult&)> done) {
    command(default_id_, std::move(fn), std::move(done));
  }
  // Any thread: a portfolio joins, on the strand, with its own executor (from the factory),
  // warmed from its recovered bars; it trades from the next tick. `done` runs on the strand:
  // conflict if the id is taken.
  void add_portfolio(PortfolioSetup setup, std::function<void(const CommandResult&)> done);
  // Any thread: a portfolio that is flat (no position), has no open order and whose session
  // is stopped leaves: its journal is asked to commit and stop, and it is gone from the
  // directory before `done` runs (on the strand). Conflict otherwise; the default portfolio
  // cannot be removed. The caller then joins its writer (the ring stays the caller's).
  void remove_portfolio(PortfolioId id, std::function<void(const CommandResult&)> done);
  // Any thread (a portfolio's journal writer): its records up to `seq` are durable.
  void durable(PortfolioId id, std::uint64_t seq);
  // Engine strand only (e.g. in a command's `done`): calls `done(true)` on the strand once
  // the portfolio's journal record `seq` is durable, or `done(false)` after `wait` (the
  // database is behind or down), or at once in memory-only mode. An order answer uses it to
  // say whether the order it acknowledges survives a crash.
  void after_durable(PortfolioId id, std::uint64_t seq, std::chrono::milliseconds wait,
                     std::function<void(bool durable)> done);
  market::FeedHealth feed_health() const noexcept { return feed_->health(); }
  // Every portfolio's strategy orders, tick to first fill (Portfolio::measure_tick_to_fill);
  // any thread reads it.
  const core::LatencyHistogram& tick_to_fill() const noexcept { return tick_to_fill_; }
  std::string_view feed_name() const noexcept { return feed_->name(); }

 private:
  // One portfolio on the strand (strand only).
  struct Slot;
  Slot* find(PortfolioId id) noexcept;
  std::unique_ptr<Slot> make_slot(PortfolioSetup setup);
  void publish_directory();
  void publish();
  void publish(Slot& slot);
  void schedule_publish();
  void drain_journal();
  // The feed's sink: dispatches each batch to every portfolio.
  struct Dispatch final : market::TickSink {
    EngineRunner* runner;
    void on_ticks(std::span<const core::Tick> ticks) override;
  };

  const core::InstrumentTable& instruments_;
  Strand strand_;
  RunnerConfig config_;
  ExecutorFactory make_executor_;
  bool first_start_;
  market::SimulatedPrices prices_;
  PortfolioId default_id_;
  core::LatencyHistogram tick_to_fill_;  // before the slots: their portfolios record into it
  std::shared_ptr<SnapshotStore> default_store_;
  std::vector<std::unique_ptr<Slot>> slots_;  // strand only; by id, the default first
  std::atomic<std::shared_ptr<const PortfolioDirectory>> directory_;
  Dispatch dispatch_{};
  bool simulated_;  // the feed is the simulated one (over prices_)
  std::unique_ptr<market::Feed> feed_;
  boost::asio::steady_timer publish_timer_;
  EventBus bus_;
  bool stopping_ = false;
};

}  // namespace meridian::engine
