#include "meridian/storage/portfolio_host.hpp"

#include <stdexcept>

#include "meridian/storage/portfolio_lock.hpp"
#include "meridian/storage/portfolios.hpp"
#include "storage_log.hpp"

namespace meridian::storage {

struct PortfolioHost::Hosted {
  engine::PortfolioId id = 0;
  std::unique_ptr<PortfolioLock> lock;
  std::unique_ptr<engine::JournalQueue> ring;
  std::unique_ptr<JournalWriter> writer;
  RecoverySummary recovery{};
};

namespace {
engine::CommandError failure(core::Errc code, std::string message, std::string reason) {
  return engine::CommandError{code, std::move(message), std::move(reason)};
}
}  // namespace

PortfolioHost::PortfolioHost(Options options, const core::InstrumentTable& instruments, engine::EngineRunner& runner)
    : options_(std::move(options)), instruments_(instruments), runner_(runner) {}

PortfolioHost::~PortfolioHost() {
  join_all(options_.shutdown_grace);
  std::vector<std::thread> teardowns;
  {
    std::lock_guard lock(mutex_);
    teardowns.swap(teardowns_);
  }
  for (auto& t : teardowns)
    if (t.joinable()) t.join();
}

std::unique_ptr<PortfolioHost::Hosted> PortfolioHost::open(engine::PortfolioId id, core::Money capital,
                                                           const std::optional<risk::Limits>& limits, std::string name,
                                                           std::string currency, core::Timestamp created_at,
                                                           engine::PortfolioSetup& setup) {
  auto hosted = std::make_unique<Hosted>();
  hosted->id = id;
  hosted->ring = std::make_unique<engine::JournalQueue>(options_.ring_capacity);
  const auto& url = options_.database_url;
  std::string read_only_reason;
  if (!url.empty()) {
    hosted->lock = std::make_unique<PortfolioLock>(url, id, capital);
    if (!hosted->lock->try_acquire())
      throw std::runtime_error("portfolio " + std::to_string(id) + " is held by another meridiand");
    hosted->lock->start_keeper(std::chrono::seconds(1));
    auto recovery = options_.recovery;
    recovery.portfolio_id = id;
    recovery.initial_capital = capital;
    try {
      auto report = load_state(url, instruments_, recovery);
      setup.recovered = std::move(report.state);
      hosted->recovery = report.summary;
    } catch (const UnloadableState& e) {
      // As for the default portfolio (serve.cpp): shown, not traded, not written.
      read_only_reason = "read-only: stored data cannot be loaded (" + std::string(e.what()).substr(0, 160) + ")";
      storage_log()->critical("portfolio {}: {}", id, read_only_reason);
    }
    hosted->recovery.from_database = true;
    hosted->recovery.read_only_reason = read_only_reason;
    hosted->recovery.writer_epoch = hosted->lock->epoch();
  }
  hosted->writer =
      std::make_unique<JournalWriter>(read_only_reason.empty() ? url : std::string(), *hosted->ring, instruments_, id,
                                      [this, id](std::uint64_t seq) { runner_.durable(id, seq); });
  if (hosted->lock && read_only_reason.empty())
    hosted->writer->set_fencing(hosted->lock->epoch(), [id] { exit_fenced(id); });

  setup.config = options_.defaults;
  setup.config.portfolio_id = id;
  setup.config.initial_capital = capital;
  if (limits) setup.config.limits = *limits;
  if (!read_only_reason.empty()) setup.config.autostart = false;
  setup.name = std::move(name);
  setup.currency = std::move(currency);
  setup.created_at = created_at;
  setup.journal = hosted->ring.get();
  setup.read_only_reason = std::move(read_only_reason);
  hosted->writer->start();
  return hosted;
}

std::size_t PortfolioHost::restore_all() {
  if (options_.database_url.empty()) return 0;
  std::size_t joined = 0;
  for (const auto& stored : list_portfolios(options_.database_url)) {
    if (stored.id == runner_.default_portfolio()) continue;
    try {
      engine::PortfolioSetup setup;
      auto hosted =
          open(stored.id, stored.initial_cash, std::nullopt, stored.name, stored.currency, stored.created_at, setup);
      setup.owner_id = stored.owner_id;
      const auto& r = hosted->recovery;
      storage_log()->info("portfolio {} ({}) recovered: {} trades, {} positions, {} instances, session {}, {}",
                          stored.id, stored.name, r.trades, r.positions, r.instances, r.session,
                          r.reconciled ? "reconciled with the trade log" : "NOT reconciled: " + r.reconcile_detail);
      {
        std::lock_guard lock(mutex_);
        hosted_[stored.id] = std::move(hosted);
      }
      runner_.add_portfolio(std::move(setup), [id = stored.id](const engine::CommandResult& refused) {
        if (refused) storage_log()->error("portfolio {} could not join the engine: {}", id, refused->message);
      });
      ++joined;
    } catch (const std::exception& e) {
      storage_log()->error("portfolio {} ({}) left out of this start: {}", stored.id, stored.name, e.what());
    }
  }
  return joined;
}

void PortfolioHost::create(NewPortfolio spec, Created done) {
  engine::PortfolioSetup setup;
  std::unique_ptr<Hosted> hosted;
  engine::PortfolioId id = 0;
  try {
    std::lock_guard lock(mutex_);
    if (hosted_.size() >= options_.max_portfolios)
      return done(failure(core::Errc::invalid_argument,
                          "this daemon hosts at most " + std::to_string(options_.max_portfolios) +
                              " portfolios besides the default one (delete one first)",
                          "portfolio_limit"));
    core::Timestamp created_at = core::now();
    if (options_.database_url.empty()) {
      for (const auto& p : *runner_.portfolios())
        if (p.name == spec.name)
          return done(failure(core::Errc::conflict, "a portfolio named '" + spec.name + "' exists", "name_taken"));
      if (next_memory_id_ > engine::kMaxPortfolioId)
        return done(failure(core::Errc::invalid_argument, "no portfolio ids left in this process", "portfolio_limit"));
      id = next_memory_id_++;
    } else {
      auto stored =
          create_portfolio(options_.database_url, spec.name, spec.currency, spec.initial_capital, spec.owner_id);
      id = stored.id;
      created_at = stored.created_at;
    }
    hosted = open(id, spec.initial_capital, spec.limits, spec.name, spec.currency, created_at, setup);
    setup.owner_id = spec.owner_id;
    hosted_[id] = std::move(hosted);
  } catch (const PortfolioNameTaken&) {
    return done(failure(core::Errc::conflict, "a portfolio named '" + spec.name + "' exists", "name_taken"));
  } catch (const std::exception& e) {
    storage_log()->error("creating portfolio '{}' failed: {}", spec.name, e.what());
    return done(failure(core::Errc::unavailable, "the portfolio could not be created: the database is unavailable",
                        "database_unavailable"));
  }
  storage_log()->info("portfolio {} ({}) created with {} {}", id, spec.name, spec.initial_capital.to_string(),
                      spec.currency);
  runner_.add_portfolio(std::move(setup), [id, done = std::move(done)](const engine::CommandResult& r) {
    if (r) return done(*r);
    done(id);
  });
}

void PortfolioHost::remove(engine::PortfolioId id, std::function<void(const engine::CommandResult&)> done) {
  runner_.remove_portfolio(id, [this, id, done = std::move(done)](const engine::CommandResult& r) mutable {
    if (r) return done(r);
    // The engine has let it go; its writer may still be committing: that wait is not the
    // strand's.
    std::lock_guard guard(mutex_);
    teardowns_.emplace_back([this, id, done = std::move(done)] {
      std::unique_ptr<Hosted> hosted;
      {
        std::lock_guard lock(mutex_);
        if (auto it = hosted_.find(id); it != hosted_.end()) {
          hosted = std::move(it->second);
          hosted_.erase(it);
        }
      }
      engine::CommandResult result;
      if (hosted) hosted->writer->join(options_.shutdown_grace);
      try {
        if (!options_.database_url.empty()) delete_portfolio(options_.database_url, id);
      } catch (const std::exception& e) {
        storage_log()->error("portfolio {} left the engine but its row could not be marked deleted: {}", id, e.what());
        result = failure(core::Errc::unavailable,
                         "the portfolio stopped trading, but the database could not record its deletion; it comes "
                         "back on the next start",
                         "database_unavailable");
      }
      hosted.reset();  // releases its lock
      storage_log()->info("portfolio {} deleted", id);
      done(result);
    });
  });
}

std::vector<HostedPortfolio> PortfolioHost::hosted() const {
  std::lock_guard lock(mutex_);
  std::vector<HostedPortfolio> out;
  out.reserve(hosted_.size());
  for (const auto& [id, h] : hosted_) out.push_back({id, h->recovery, h->writer->health()});
  return out;
}

bool PortfolioHost::join_all(std::chrono::milliseconds grace) {
  // Every writer had its StopRecord at the same time (EngineRunner::shutdown), so they finish
  // together: the grace bounds the whole wait, not each writer's.
  std::lock_guard lock(mutex_);
  bool clean = true;
  for (auto& [id, h] : hosted_) {
    h->writer->join(grace);
    const auto health = h->writer->health();
    if (!health.stopped_cleanly && !health.fenced) {
      storage_log()->error("portfolio {}: {} journal records were not made durable before shutdown", id,
                           health.unwritten);
      clean = false;
    }
  }
  return clean;
}

}  // namespace meridian::storage
