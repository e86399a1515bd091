#include "meridian/engine/sim_clock.hpp"

#include <vector>

namespace meridian::engine {

namespace {
// Takes every record the engine has made (including any that waited for room in the ring) and
// acknowledges them as durable, as a writer whose commits never fail would.
void commit_all(Portfolio& engine, JournalQueue& journal, const std::function<void(const JournalEntry&)>& on_record,
                SimRun& run) {
  for (bool drained = false; !drained;) {
    drained = engine.flush_journal();
    while (auto e = journal.try_pop()) {
      ++run.records;
      if (on_record) on_record(*e);
    }
  }
  engine.on_durable(engine.last_seq());
}
}  // namespace

SimRun run_tape(Portfolio& engine, JournalQueue& journal, market::ReplayTape& tape,
                const std::function<void(const JournalEntry&)>& on_record, std::size_t batch) {
  return run_tape(engine, journal, tape, on_record, {}, batch);
}

SimRun run_tape(Portfolio& engine, JournalQueue& journal, market::ReplayTape& tape,
                const std::function<void(const JournalEntry&)>& on_record,
                const std::function<bool(const SimRun& run, std::span<const core::Tick> batch)>& after_batch,
                std::size_t batch) {
  SimRun run;
  std::vector<core::Tick> ticks;
  ticks.reserve(batch);
  while (tape.peek()) {
    ticks.clear();
    for (const core::Tick* t = tape.peek(); t && ticks.size() < batch; t = tape.peek()) {
      ticks.push_back(*t);
      tape.advance();
    }
    engine.on_ticks(ticks);
    run.ticks += ticks.size();
    ++run.batches;
    commit_all(engine, journal, on_record, run);
    if (after_batch && !after_batch(run, ticks)) return run;
  }
  commit_all(engine, journal, on_record, run);
  return run;
}

}  // namespace meridian::engine
