#include "meridian/engine/engine_runner.hpp"

#include <spdlog/spdlog.h>

namespace meridian::engine {

namespace {
// Well under the 5 s snapshot age at which /health calls the engine stuck.
constexpr auto kHeartbeat = std::chrono::seconds(1);

market::SimulatedPrices make_prices(const core::InstrumentTable& instruments, market::SimConfig sim,
                                    const RecoveredState& recovered) {
  market::SimulatedPrices prices(instruments, sim, core::now());
  core::Timestamp latest{};
  // Continue each path from its last stored close, and the clock from the last bar.
  for (const auto& bar : recovered.bars) {
    prices.set_price(bar.symbol, bar.close.to_double());
    latest = std::max(latest, bar.open_time + core::period_of(bar.timeframe));
  }
  if (latest > prices.clock()) prices.set_clock(latest);
  return prices;
}
}  // namespace

EngineRunner::EngineRunner(boost::asio::io_context& io, const core::InstrumentTable& instruments,
                           PortfolioConfig engine_config, RunnerConfig runner_config, market::SimConfig sim_config,
                           JournalQueue& journal, RecoveredState recovered, FeedFactory make_feed,
                           ExecutorFactory make_executor)
    : strand_(boost::asio::make_strand(io)),
      config_(runner_config),
      first_start_(recovered.bars.empty()),
      executor_(make_executor ? make_executor(strand_)
                              : std::make_unique<execution::PaperExecutor>(runner_config.paper, instruments)),
      prices_(make_prices(instruments, sim_config, recovered)),
      engine_(instruments, std::move(engine_config), *executor_, journal, std::move(recovered)),
      simulated_(!make_feed),
      feed_(make_feed ? make_feed(strand_)
                      : std::make_unique<market::SimulatedFeed>(strand_, prices_, runner_config.tick_interval)),
      publish_timer_(strand_) {
  store_.store(engine_.make_snapshot());
}

void EngineRunner::start() {
  boost::asio::post(strand_, [this] {
    // Simulated history would sit at today's clock, ahead of replayed or venue data.
    if (simulated_ && first_start_ && config_.history_bars > 0) {
      const auto start_clock = prices_.clock();
      auto history = prices_.generate_history(config_.history_bars, start_clock);
      prices_.set_clock(start_clock);
      spdlog::info("first start: generated {} bars of simulated history", history.size());
      engine_.warm_up(history, true);
    }
    feed_->start(engine_);
    publish();
    schedule_publish();
  });
}

void EngineRunner::shutdown() {
  boost::asio::post(strand_, [this] {
    stopping_ = true;
    feed_->stop();
    publish_timer_.cancel();
    engine_.request_journal_stop();
    publish();
    drain_journal();
  });
}

void EngineRunner::drain_journal() {
  if (engine_.flush_journal()) return;
  publish_timer_.expires_after(std::chrono::milliseconds(10));
  publish_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) drain_journal();
  });
}

void EngineRunner::command(std::function<CommandResult(Portfolio&)> fn,
                           std::function<void(const CommandResult&)> done) {
  boost::asio::post(strand_, [this, fn = std::move(fn), done = std::move(done)] {
    if (!config_.read_only_reason.empty())
      return done(CommandError{core::Errc::unavailable, config_.read_only_reason, "read_only"});
    CommandResult result = fn(engine_);
    publish();
    done(result);
  });
}

void EngineRunner::durable(std::uint64_t seq) {
  boost::asio::post(strand_, [this, seq] {
    engine_.on_durable(seq);
    publish();
    durable_seq_ = std::max(durable_seq_, seq);
    while (!durable_waiters_.empty() && durable_waiters_.front().seq <= durable_seq_) {
      auto waiter = std::move(durable_waiters_.front());
      durable_waiters_.pop_front();
      // A timer that already fired has answered false and cleared `done`.
      if (waiter.done) {
        waiter.timer->cancel();
        waiter.done(true);
      }
    }
  });
}

void EngineRunner::after_durable(std::uint64_t seq, std::chrono::milliseconds wait, std::function<void(bool)> done) {
  if (!config_.durable_store) return done(false);
  if (seq <= durable_seq_) return done(true);
  auto timer = std::make_shared<boost::asio::steady_timer>(strand_, wait);
  durable_waiters_.push_back({seq, timer, std::move(done)});
  timer->async_wait([this, seq](const boost::system::error_code& ec) {
    if (ec) return;
    for (auto& w : durable_waiters_)
      if (w.seq == seq && w.done) {
        auto answer = std::exchange(w.done, nullptr);
        answer(false);
        break;
      }
    while (!durable_waiters_.empty() && !durable_waiters_.front().done) durable_waiters_.pop_front();
  });
}

void EngineRunner::publish() {
  auto snap = engine_.make_snapshot();
  snap->feeds.push_back({std::string(feed_->name()), feed_->health()});
  store_.store(snap);
  for (const auto& event : engine_.take_events()) bus_.publish(event, snap);
}

void EngineRunner::schedule_publish() {
  if (stopping_) return;
  publish_timer_.expires_after(config_.publish_interval);
  publish_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    // A quiet feed (a finished replay, a market gap) leaves the engine clean; a snapshot at
    // least every kHeartbeat still shows readers a live strand and fresh feed health.
    if (engine_.dirty() || core::now() - store_.load()->published_at >= kHeartbeat) publish();
    schedule_publish();
  });
}

}  // namespace meridian::engine
