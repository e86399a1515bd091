#pragma once
// Puts a Portfolio on an Asio strand: feeds tick into it there, commands are posted to
// it, snapshots are published from it on a timer (and at once after a command or a
// durable trade), and events go out on the bus after the snapshot that holds them.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <functional>
#include <memory>

#include "meridian/engine/events.hpp"
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
  // Non-empty: stored data could not be loaded and the daemon runs read-only. Every command
  // is refused with Errc::unavailable, reason "read_only", and this message.
  std::string read_only_reason;
};

class EngineRunner {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  // Builds the feed on the engine strand's executor. Empty: the simulated feed, which also
  // generates indicator warm-up history on a first start.
  using FeedFactory = std::function<std::unique_ptr<market::Feed>(boost::asio::any_io_executor strand)>;
  // Builds the executor on the strand's executor (an asynchronous one posts its reports there
  // and calls ExecutionSink::reports_arrived). Empty: a PaperExecutor with RunnerConfig::paper.
  using ExecutorFactory = std::function<std::unique_ptr<execution::Executor>(boost::asio::any_io_executor strand)>;

  EngineRunner(boost::asio::io_context& io, const core::InstrumentTable& instruments, PortfolioConfig engine_config,
               RunnerConfig runner_config, market::SimConfig sim_config, JournalQueue& journal,
               RecoveredState recovered, FeedFactory make_feed = {}, ExecutorFactory make_executor = {});

  // Wire subscribers before start().
  EventBus& bus() noexcept { return bus_; }
  std::shared_ptr<const Snapshot> snapshot() const noexcept { return store_.load(); }

  void start();
  // Stops the feed and timers and asks the journal writer to commit and exit.
  void shutdown();

  // Any thread: runs `fn(engine)` on the strand, publishes, then calls `done(result)` there.
  void command(std::function<CommandResult(Portfolio&)> fn, std::function<void(const CommandResult&)> done);
  // Any thread (the journal writer): records up to `seq` are durable.
  void durable(std::uint64_t seq);
  // Engine strand only (e.g. in a command's `done`): calls `done(true)` on the strand once
  // journal record `seq` is durable, or `done(false)` after `wait` (the database is behind
  // or down), or at once in memory-only mode. An order answer uses it to say whether the
  // order it acknowledges survives a crash.
  void after_durable(std::uint64_t seq, std::chrono::milliseconds wait, std::function<void(bool durable)> done);
  market::FeedHealth feed_health() const noexcept { return feed_->health(); }
  std::string_view feed_name() const noexcept { return feed_->name(); }

 private:
  void publish();
  void schedule_publish();
  void drain_journal();

  Strand strand_;
  RunnerConfig config_;
  bool first_start_;
  std::unique_ptr<execution::Executor> executor_;
  market::SimulatedPrices prices_;
  Portfolio engine_;
  bool simulated_;  // the feed is the simulated one (over prices_)
  std::unique_ptr<market::Feed> feed_;
  boost::asio::steady_timer publish_timer_;
  SnapshotStore store_;
  EventBus bus_;
  bool stopping_ = false;
  std::uint64_t durable_seq_ = 0;  // strand only
  struct DurableWaiter {
    std::uint64_t seq;
    std::shared_ptr<boost::asio::steady_timer> timer;
    std::function<void(bool)> done;
  };
  std::deque<DurableWaiter> durable_waiters_;  // strand only; in seq order
};

}  // namespace meridian::engine
