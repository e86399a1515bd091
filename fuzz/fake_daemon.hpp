#pragma once
// The daemon without sockets, for the HTTP and WebSocket fuzz targets: the engine on its strand
// (run by polling the io_context, no timers started), the journal writer not started (no
// database), the real route table. Every input starts from the same state (pristine_daemon), so
// an input replays the same way every time.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
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

struct FakeDaemon {
  boost::asio::io_context io;
  core::InstrumentTable instruments{core::default_instruments()};
  engine::JournalQueue journal{256};  // nothing drains it: records beyond wait in the engine
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

  FakeDaemon() {
    api::add_all_routes(router, ctx);
    // A price for every symbol, so orders and trades get past "no market price" into sizing,
    // risk and the ledger.
    runner.command(
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

  // Runs what is ready (commands and their completions) without waiting on timers.
  void settle() {
    io.restart();
    while (io.poll() > 0) {
    }
  }
};

// The daemon for the next input, in its initial state: the last input's when nothing changed it
// (every change goes through an engine command, which publishes a new snapshot version), else a
// new one. Saves building a daemon for the many inputs that only read.
inline FakeDaemon& pristine_daemon() {
  static std::unique_ptr<FakeDaemon> daemon;
  static std::uint64_t initial_version = 0;
  if (!daemon || daemon->runner.snapshot()->version != initial_version) {
    daemon.reset();
    daemon = std::make_unique<FakeDaemon>();
    initial_version = daemon->runner.snapshot()->version;
  }
  return *daemon;
}

}  // namespace meridian::fuzz
