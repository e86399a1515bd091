#pragma once
// The daemon without sockets, for the HTTP, WebSocket and auth_routes fuzz targets: the engine
// on its strand (run by polling the io_context, no timers started), the journal writer not
// started (no database), the real route table. Every input starts from the same state
// (pristine_daemon), so an input replays the same way every time.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "meridian/api/api_context.hpp"
#include "meridian/api/router.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/engine/engine_runner.hpp"
#include "meridian/storage/journal_writer.hpp"

namespace meridian::fuzz {

// Monday 2026-01-05 15:00 UTC: every venue is open.
inline core::Timestamp fuzz_clock() {
  return core::from_epoch_ms(1'767'625'200'000);
}

// The daemon's defaults, with short in-memory histories: building a daemon per input that
// changed state must stay cheap, and the histories' size is not what is fuzzed.
inline engine::PortfolioConfig engine_config() {
  engine::PortfolioConfig config;
  config.bars_in_memory = 64;
  config.trades_in_memory = 64;
  return config;
}

// What a daemon is built with beyond the defaults.
struct DaemonOptions {
  // Non-null: auth is enforced (ApiContext::enforce_auth) and the auth and user routes use it.
  api::Identity* identity = nullptr;
  // Portfolios besides the default one (id 1, the admins'): name and owner's user id, given
  // ids 2, 3, ... in this order.
  std::vector<std::pair<std::string, std::int64_t>> portfolios;
};

struct FakeDaemon {
  boost::asio::io_context io;
  core::InstrumentTable instruments{core::default_instruments()};
  engine::JournalQueue journal{256};          // nothing drains it: records beyond wait in the engine
  std::deque<engine::JournalQueue> journals;  // the other portfolios' (outlive the runner too)
  engine::EngineRunner runner{io,
                              instruments,
                              engine_config(),
                              engine::RunnerConfig{.history_bars = 0},
                              market::SimConfig{},
                              journal,
                              engine::RecoveredState{}};
  storage::JournalWriter writer{"", journal, instruments, 1, [](std::uint64_t) {}};
  api::ApiContext ctx{runner, instruments, writer, fuzz_clock(), "fuzz", false, {}, {}};
  api::Router router;

  explicit FakeDaemon(const DaemonOptions& options = {}) {
    ctx.identity = options.identity;
    ctx.enforce_auth = options.identity != nullptr;
    engine::PortfolioId id = engine::kDefaultPortfolioId;
    for (const auto& [name, owner] : options.portfolios) {
      engine::PortfolioSetup setup;
      setup.config = engine_config();
      setup.config.portfolio_id = ++id;
      setup.config.journal_bars = false;
      setup.config.autostart = false;
      setup.name = name;
      setup.owner_id = owner;
      setup.journal = &journals.emplace_back(256);
      bool added = false;
      runner.add_portfolio(std::move(setup), [&](const engine::CommandResult& r) { added = !r; });
      settle();
      if (!added) throw std::runtime_error("fake daemon: portfolio '" + name + "' not added");
    }
    api::add_all_routes(router, ctx);
    // A price for every symbol, so orders and trades get past "no market price" into sizing,
    // risk and the ledger.
    for (const auto& entry : *runner.portfolios())
      runner.command(
          entry.id,
          [this](engine::Portfolio& e) -> engine::CommandResult {
            std::vector<core::Tick> ticks;
            for (const auto& inst : instruments.all())
              ticks.push_back({inst.id, fuzz_clock(), core::Price::from_units(99), core::Price::from_units(101),
                               core::Price::from_units(100), core::Quantity::from_units(5)});
            e.on_ticks(ticks);
            return std::nullopt;
          },
          [](const engine::CommandResult&) {});
    settle();
  }

  // Every portfolio's id and snapshot version: a change to any of them (every change goes
  // through an engine command, which publishes a new version) changes this.
  std::vector<std::pair<engine::PortfolioId, std::uint64_t>> state() const {
    std::vector<std::pair<engine::PortfolioId, std::uint64_t>> out;
    for (const auto& entry : *runner.portfolios())
      if (auto snapshot = runner.snapshot(entry.id)) out.emplace_back(entry.id, snapshot->version);
    return out;
  }

  // Runs what is ready (commands and their completions) without waiting on timers.
  void settle() {
    io.restart();
    while (io.poll() > 0) {
    }
  }
};

// The daemon for the next input, in its initial state: the last input's when nothing changed it
// (FakeDaemon::state), else a new one. Saves building a daemon for the many inputs that only
// read. A process builds every daemon with the options of its first call.
inline FakeDaemon& pristine_daemon(const DaemonOptions& options = {}) {
  static const DaemonOptions kept = options;
  static std::unique_ptr<FakeDaemon> daemon;
  static std::vector<std::pair<engine::PortfolioId, std::uint64_t>> initial;
  if (!daemon || daemon->state() != initial) {
    daemon.reset();
    daemon = std::make_unique<FakeDaemon>(kept);
    initial = daemon->state();
  }
  return *daemon;
}

}  // namespace meridian::fuzz
