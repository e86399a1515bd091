#include "meridian/engine/engine_runner.hpp"

#include <algorithm>

#include "engine_log.hpp"

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

// The closed 1m bars a snapshot holds, every symbol, oldest first: the warm-up of a portfolio
// that joins a running engine with no stored bars of its own (memory-only mode).
std::vector<core::Bar> minute_history(const Snapshot& snap) {
  std::vector<core::Bar> out;
  for (const auto& series : snap.bars)
    if (series) out.insert(out.end(), series->begin(), series->end());
  std::stable_sort(out.begin(), out.end(),
                   [](const core::Bar& a, const core::Bar& b) { return a.open_time < b.open_time; });
  return out;
}

bool flat(const Snapshot& snap) noexcept {
  return snap.positions.empty() && (!snap.open_orders || snap.open_orders->empty());
}
}  // namespace

struct EngineRunner::Slot {
  PortfolioId id = kDefaultPortfolioId;
  std::string name;
  std::string currency;
  core::Money initial_capital{};
  core::Timestamp created_at{};
  std::int64_t owner_id = 0;
  std::string read_only_reason;
  std::unique_ptr<execution::Executor> executor;
  std::unique_ptr<Portfolio> portfolio;
  std::shared_ptr<SnapshotStore> store = std::make_shared<SnapshotStore>();
  std::uint64_t durable_seq = 0;
  struct DurableWaiter {
    std::uint64_t seq;
    std::shared_ptr<boost::asio::steady_timer> timer;
    std::function<void(bool)> done;
  };
  std::deque<DurableWaiter> waiters;  // in seq order
  // The last publish's event list, empty between publishes: kept so its buffer is reused
  // (Portfolio::take_events swaps buffers).
  std::vector<EngineEvent> events;
};

EngineRunner::EngineRunner(boost::asio::io_context& io, const core::InstrumentTable& instruments,
                           PortfolioConfig config, RunnerConfig runner_config, market::SimConfig sim_config,
                           JournalQueue& journal, RecoveredState recovered, FeedFactory make_feed,
                           ExecutorFactory make_executor)
    : instruments_(instruments),
      strand_(boost::asio::make_strand(io)),
      config_(std::move(runner_config)),
      make_executor_(std::move(make_executor)),
      first_start_(recovered.bars.empty()),
      prices_(make_prices(instruments, sim_config, recovered)),
      default_id_(config.portfolio_id),
      simulated_(!make_feed),
      feed_(make_feed ? make_feed(strand_)
                      : std::make_unique<market::SimulatedFeed>(strand_, prices_, config_.tick_interval)),
      publish_timer_(strand_) {
  dispatch_.runner = this;
  PortfolioSetup setup;
  setup.config = std::move(config);
  setup.journal = &journal;
  setup.recovered = std::move(recovered);
  setup.read_only_reason = config_.read_only_reason;
  setup.created_at = core::now();
  auto slot = make_slot(std::move(setup));
  default_store_ = slot->store;
  slots_.push_back(std::move(slot));
  publish_directory();
}

EngineRunner::~EngineRunner() = default;

std::unique_ptr<EngineRunner::Slot> EngineRunner::make_slot(PortfolioSetup setup) {
  auto slot = std::make_unique<Slot>();
  slot->id = setup.config.portfolio_id;
  slot->name = std::move(setup.name);
  slot->currency = std::move(setup.currency);
  slot->initial_capital = setup.config.initial_capital;
  slot->created_at = setup.created_at;
  slot->owner_id = setup.owner_id;
  slot->read_only_reason = std::move(setup.read_only_reason);
  slot->executor = make_executor_ ? make_executor_(slot->id, strand_)
                                  : std::make_unique<execution::PaperExecutor>(config_.paper, instruments_);
  slot->portfolio = std::make_unique<Portfolio>(instruments_, std::move(setup.config), *slot->executor, *setup.journal,
                                                std::move(setup.recovered));
  slot->portfolio->measure_tick_to_fill(&tick_to_fill_);
  slot->store->store(slot->portfolio->make_snapshot());
  return slot;
}

EngineRunner::Slot* EngineRunner::find(PortfolioId id) noexcept {
  for (auto& s : slots_)
    if (s->id == id) return s.get();
  return nullptr;
}

std::shared_ptr<const Snapshot> EngineRunner::snapshot(PortfolioId id) const noexcept {
  const auto dir = directory_.load();
  for (const auto& e : *dir)
    if (e.id == id) return e.store->load();
  return nullptr;
}

void EngineRunner::publish_directory() {
  auto dir = std::make_shared<PortfolioDirectory>();
  dir->reserve(slots_.size());
  for (const auto& s : slots_)
    dir->push_back({s->id, s->name, s->currency, s->initial_capital, s->created_at, s->store, s->owner_id});
  directory_.store(std::move(dir));
}

void EngineRunner::start() {
  boost::asio::post(strand_, [this] {
    // Simulated history would sit at today's clock, ahead of replayed or venue data.
    if (simulated_ && first_start_ && config_.history_bars > 0) {
      const auto start_clock = prices_.clock();
      auto history = prices_.generate_history(config_.history_bars, start_clock);
      prices_.set_clock(start_clock);
      engine_log()->info("first start: generated {} bars of simulated history", history.size());
      for (auto& s : slots_) s->portfolio->warm_up(history, true);
    }
    feed_->start(dispatch_);
    publish();
    schedule_publish();
  });
}

void EngineRunner::Dispatch::on_ticks(std::span<const core::Tick> ticks) {
  for (auto& s : runner->slots_) s->portfolio->on_ticks(ticks);
}

void EngineRunner::shutdown() {
  boost::asio::post(strand_, [this] {
    stopping_ = true;
    feed_->stop();
    publish_timer_.cancel();
    for (auto& s : slots_) s->portfolio->request_journal_stop();
    publish();
    drain_journal();
  });
}

void EngineRunner::drain_journal() {
  bool drained = true;
  for (auto& s : slots_) drained = s->portfolio->flush_journal() && drained;
  if (drained) return;
  publish_timer_.expires_after(std::chrono::milliseconds(10));
  publish_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) drain_journal();
  });
}

void EngineRunner::command(PortfolioId id, std::function<CommandResult(Portfolio&)> fn,
                           std::function<void(const CommandResult&)> done) {
  boost::asio::post(strand_, [this, id, fn = std::move(fn), done = std::move(done)] {
    auto* slot = find(id);
    if (!slot) return done(CommandError{core::Errc::not_found, "no portfolio " + std::to_string(id), "not_found"});
    if (!slot->read_only_reason.empty())
      return done(CommandError{core::Errc::unavailable, slot->read_only_reason, "read_only"});
    CommandResult result = fn(*slot->portfolio);
    publish(*slot);
    done(result);
  });
}

void EngineRunner::add_portfolio(PortfolioSetup setup, std::function<void(const CommandResult&)> done) {
  boost::asio::post(strand_, [this, setup = std::move(setup), done = std::move(done)]() mutable {
    const auto id = setup.config.portfolio_id;
    if (find(id)) return done(CommandError{core::Errc::conflict, "portfolio " + std::to_string(id) + " exists"});
    // A portfolio with no stored bars of its own starts from the engine's: its strategies are
    // as warm as the default portfolio's from the first tick.
    if (setup.recovered.bars.empty())
      if (auto snap = default_store_->load()) setup.recovered.bars = minute_history(*snap);
    setup.config.journal_bars = false;  // the default portfolio journals the market's bars
    auto slot = make_slot(std::move(setup));
    engine_log()->info("portfolio {} ({}) joined the engine", slot->id, slot->name);
    auto& added = *slot;
    slots_.push_back(std::move(slot));
    std::sort(slots_.begin() + 1, slots_.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
    publish(added);
    publish_directory();
    done(std::nullopt);
  });
}

void EngineRunner::remove_portfolio(PortfolioId id, std::function<void(const CommandResult&)> done) {
  boost::asio::post(strand_, [this, id, done = std::move(done)] {
    if (id == default_id_)
      return done(CommandError{core::Errc::conflict, "the default portfolio cannot be deleted", "default_portfolio"});
    auto it = std::find_if(slots_.begin(), slots_.end(), [id](const auto& s) { return s->id == id; });
    if (it == slots_.end())
      return done(CommandError{core::Errc::not_found, "no portfolio " + std::to_string(id), "not_found"});
    auto& portfolio = *(*it)->portfolio;
    if (portfolio.session().state != SessionState::stopped)
      return done(CommandError{core::Errc::conflict,
                               "stop the portfolio's trading session before deleting it (POST "
                               "/api/trading/stop?portfolio=" +
                                   std::to_string(id) + ")",
                               "not_stopped"});
    auto snap = portfolio.make_snapshot();
    if (!flat(*snap))
      return done(CommandError{core::Errc::conflict,
                               "the portfolio still has positions or open orders: close them before deleting it",
                               "not_flat"});
    portfolio.request_journal_stop();
    if (!portfolio.flush_journal())
      return done(CommandError{core::Errc::unavailable, "the portfolio's journal is still being written; try again",
                               "journal_busy"});
    for (auto& w : (*it)->waiters)
      if (w.done) {
        w.timer->cancel();
        std::exchange(w.done, nullptr)(false);
      }
    slots_.erase(it);
    publish_directory();
    engine_log()->info("portfolio {} left the engine", id);
    done(std::nullopt);
  });
}

void EngineRunner::durable(PortfolioId id, std::uint64_t seq) {
  boost::asio::post(strand_, [this, id, seq] {
    auto* slot = find(id);
    if (!slot) return;
    slot->portfolio->on_durable(seq);
    publish(*slot);
    slot->durable_seq = std::max(slot->durable_seq, seq);
    auto& waiters = slot->waiters;
    while (!waiters.empty() && waiters.front().seq <= slot->durable_seq) {
      auto waiter = std::move(waiters.front());
      waiters.pop_front();
      // A timer that already fired has answered false and cleared `done`.
      if (waiter.done) {
        waiter.timer->cancel();
        waiter.done(true);
      }
    }
  });
}

void EngineRunner::after_durable(PortfolioId id, std::uint64_t seq, std::chrono::milliseconds wait,
                                 std::function<void(bool)> done) {
  auto* slot = find(id);
  if (!config_.durable_store || !slot) return done(false);
  if (seq <= slot->durable_seq) return done(true);
  auto timer = std::make_shared<boost::asio::steady_timer>(strand_, wait);
  slot->waiters.push_back({seq, timer, std::move(done)});
  timer->async_wait([this, id, seq](const boost::system::error_code& ec) {
    if (ec) return;
    auto* owner = find(id);
    if (!owner) return;
    auto& waiters = owner->waiters;
    for (auto& w : waiters)
      if (w.seq == seq && w.done) {
        auto answer = std::exchange(w.done, nullptr);
        answer(false);
        break;
      }
    while (!waiters.empty() && !waiters.front().done) waiters.pop_front();
  });
}

void EngineRunner::publish(Slot& slot) {
  auto snap = slot.portfolio->make_snapshot();
  snap->feeds.push_back({std::string(feed_->name()), feed_->health()});
  slot.store->store(snap);
  slot.portfolio->take_events(slot.events);
  for (const auto& event : slot.events) bus_.publish(event, snap);
  slot.events.clear();  // the events' payloads go now; the buffer stays for the next publish
}

void EngineRunner::publish() {
  for (auto& s : slots_) publish(*s);
}

void EngineRunner::schedule_publish() {
  if (stopping_) return;
  publish_timer_.expires_after(config_.publish_interval);
  publish_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    // A quiet feed (a finished replay, a market gap) leaves a portfolio clean; a snapshot at
    // least every kHeartbeat still shows readers a live strand and fresh feed health.
    const auto now = core::now();
    for (auto& s : slots_)
      if (s->portfolio->dirty() || now - s->store->load()->published_at >= kHeartbeat) publish(*s);
    schedule_publish();
  });
}

}  // namespace meridian::engine
