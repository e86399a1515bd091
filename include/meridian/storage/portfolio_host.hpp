#pragma once
// The storage half of each portfolio's life in a daemon beyond the default one: its stored row
// (storage/portfolios.hpp), its lock (one writer per portfolio across processes), its recovery,
// its journal ring and JournalWriter. The engine half (its state, executor and snapshot) is
// EngineRunner's. serve wires the default portfolio itself (it decides standby on its lock);
// the host brings back the others on start, and creates and deletes portfolios for the API.
// Memory-only mode (no database URL): ids from a counter in this process, writers that keep
// nothing, nothing survives a restart.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "meridian/engine/engine_runner.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/recovery.hpp"

namespace meridian::storage {

// What POST /api/portfolios asks for.
struct NewPortfolio {
  std::string name;
  std::string currency = "USD";
  core::Money initial_capital = core::Money::from_units(100'000);
  std::optional<risk::Limits> limits;  // none: the daemon's configured limits
  std::int64_t owner_id = 0;           // the creating user (api/ownership.hpp); 0: none, the admins'
};

// A portfolio hosted here, for GET /api/portfolios and /api/status (no state: cheap to copy).
struct HostedPortfolio {
  std::int64_t id = 0;
  RecoverySummary recovery{};  // what its start recovered (a created one: nothing)
  WriterHealth writer{};
};

class PortfolioHost {
 public:
  struct Options {
    std::string database_url;  // empty: memory-only
    // What every new portfolio starts from (mode, strategy, exits, calendars, histories,
    // limits); its id, capital and limits are each portfolio's own.
    engine::PortfolioConfig defaults;
    RecoveryOptions recovery{};
    std::size_t ring_capacity = 1 << 14;
    // At most this many portfolios besides the default one (each holds two database
    // connections and two threads: its lock keeper and its journal writer).
    std::size_t max_portfolios = 32;
    std::chrono::milliseconds shutdown_grace{5000};
  };

  PortfolioHost(Options options, const core::InstrumentTable& instruments, engine::EngineRunner& runner);
  ~PortfolioHost();  // joins every writer (shutdown_grace) and teardown thread
  PortfolioHost(const PortfolioHost&) = delete;
  PortfolioHost& operator=(const PortfolioHost&) = delete;

  // On start, before the runner starts: every stored portfolio but the default one joins the
  // engine (its lock taken, its state recovered, its writer started). A portfolio whose lock
  // another daemon holds, or whose data cannot be loaded, is left out with an error logged.
  // Answers how many joined.
  std::size_t restore_all();

  // POST /api/portfolios. Blocks the calling thread on the database (a row, a lock, an empty
  // recovery: a few ms), then the portfolio joins the engine; `done` runs once it has (on the
  // engine strand), with its id, or with the error: conflict "name_taken", unprocessable
  // "portfolio_limit", unavailable when the database cannot be reached.
  using Created = std::function<void(std::variant<engine::PortfolioId, engine::CommandError>)>;
  void create(NewPortfolio spec, Created done);

  // DELETE /api/portfolios/{id}: the engine lets it go (flat and stopped only: EngineRunner::
  // remove_portfolio), then, on a thread of the host's, its writer commits and stops, its row
  // is marked deleted and its lock released; `done` runs there (or on the strand with the
  // engine's refusal).
  void remove(engine::PortfolioId id, std::function<void(const engine::CommandResult&)> done);

  // Any thread.
  std::vector<HostedPortfolio> hosted() const;

  // On shutdown, after the runner's shutdown: waits for every writer to commit (the grace);
  // false if one gave up with records unwritten.
  bool join_all(std::chrono::milliseconds grace);

 private:
  struct Hosted;
  std::unique_ptr<Hosted> open(engine::PortfolioId id, core::Money capital, const std::optional<risk::Limits>& limits,
                               std::string name, std::string currency, core::Timestamp created_at,
                               engine::PortfolioSetup& setup);

  Options options_;
  const core::InstrumentTable& instruments_;
  engine::EngineRunner& runner_;
  mutable std::mutex mutex_;
  std::map<engine::PortfolioId, std::unique_ptr<Hosted>> hosted_;  // under mutex_
  engine::PortfolioId next_memory_id_ = 2;                         // memory-only mode; under mutex_
  std::vector<std::thread> teardowns_;                             // under mutex_
};

}  // namespace meridian::storage
