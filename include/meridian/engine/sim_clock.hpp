#pragma once
// Drives a Portfolio with no sockets, no strand and no wall clock: the ticks of a replay tape
// in the batches the replay feed sends, the engine's market time following them, and the
// journal taken as a writer that commits at once would (every record handed to `on_record`,
// then on_durable), so durable state and the trade log move as they do live. The backtests
// build on this: the live engine, the live fill model, a simulated clock.
#include <cstdint>
#include <functional>
#include <span>

#include "meridian/engine/portfolio.hpp"
#include "meridian/market/replay_feed.hpp"

namespace meridian::engine {

struct SimRun {
  std::uint64_t ticks = 0;
  std::uint64_t batches = 0;
  std::uint64_t records = 0;  // journal records taken
};

// Runs the tape to its end. `journal` is the queue the engine was built with; `on_record` (may be
// empty) sees each of its records in order. `batch`: ticks per on_ticks call (the replay feed's).
SimRun run_tape(Portfolio& engine, JournalQueue& journal, market::ReplayTape& tape,
                const std::function<void(const JournalEntry&)>& on_record = {}, std::size_t batch = 256);

// The same with a say after each batch (its records taken and durable): `after_batch(run)`
// returning false stops the run there (a cancelled backtest), leaving the tape where it stopped.
// `last` is the batch's last tick (what a caller marks its own equity with).
SimRun run_tape(Portfolio& engine, JournalQueue& journal, market::ReplayTape& tape,
                const std::function<void(const JournalEntry&)>& on_record,
                const std::function<bool(const SimRun& run, std::span<const core::Tick> batch)>& after_batch,
                std::size_t batch = 256);

}  // namespace meridian::engine
