// Issue #5's engine figures, on the real Portfolio and PaperExecutor with seven strategy
// instances (one per registered class, default parameters) on every symbol, the journal
// drained by the bench instead of a database:
//  1. Tick-to-fill latency: each on_ticks call timed alone (tick -> bars -> indicators ->
//     strategies -> risk -> paper fill -> ledger), then again with the snapshot the runner
//     would publish (make_snapshot + take_events when dirty). Percentiles over all ticks and
//     over the ticks that closed a bar, placed an order or filled one. Goal p99 < 5 us.
//  2. 1,000 symbols at 10 ticks/s each for N seconds of market time, fed as fast as possible,
//     publishing every 100 ms of market time: thread CPU per second of market time, i.e. the
//     share of one core the engine strand needs at real pace. Goal < 25 %.
// A plain main with its own percentiles; it reports, never asserts.
// Run pinned: taskset -c 1 build/<release-bench>/bench/bench_tick_to_fill [latency_ticks] [market_seconds]
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/market/simulated_prices.hpp"
#include "meridian/strategies/registry.hpp"

using namespace meridian;

namespace {

using Clock = std::chrono::steady_clock;
const core::Timestamp kStart{std::chrono::sys_days{std::chrono::year{2026} / 1 / 5}.time_since_epoch()};
constexpr std::size_t kHistoryBars = 200;  // the runner's first-start warm-up

std::vector<core::Instrument> synthetic_instruments(std::size_t n) {
  std::vector<core::Instrument> list;
  for (std::size_t i = 0; i < n; ++i)
    list.push_back({0, "SYM" + std::to_string(i), "crypto", core::AssetClass::crypto, "USD", 2, 6, 100.0, 0.5});
  return list;
}

// Preemptions of this thread: on a shared machine they, not the engine, make the far tail.
long involuntary_switches() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  return ru.ru_nivcsw;
}

std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// What one drain of the journal held: the kinds that show what a tick did.
struct Drained {
  std::size_t minute_bars = 0;
  std::size_t orders = 0;  // OrderRecords: an order placed or changed (accepted, filled, cancelled)
  std::size_t trades = 0;  // TradeRecords: fills
  std::uint64_t last_seq = 0;
};

// The engine as the runner builds it on a first start: warmed with 200 minutes of simulated
// history, the session's strategy (sma_crossover) plus one running instance of each other class.
class Rig {
 public:
  // `position_fraction`: each entry's share of equity, for every instance.
  Rig(std::size_t symbols, core::Duration step, double position_fraction)
      : instruments_(synthetic_instruments(symbols)),
        executor_(execution::PaperConfig{}, instruments_),
        journal_(1 << 16),  // drained at least every 100 ms of market time: never full
        prices_(instruments_, market::SimConfig{.time_step = step}, kStart) {
    engine::PortfolioConfig config;
    config.strategy.position_fraction = position_fraction;
    engine_ = std::make_unique<engine::Portfolio>(instruments_, config, executor_, journal_, engine::RecoveredState{});
    // History one tick per minute (cheap for 1,000 symbols); the live path continues from it.
    market::SimulatedPrices history_prices(instruments_, market::SimConfig{.time_step = std::chrono::minutes(1)},
                                           kStart);
    const auto history = history_prices.generate_history(kHistoryBars, kStart);
    for (const auto& bar : history) prices_.set_price(bar.symbol, bar.close.to_double());
    engine_->warm_up(history, false);
    std::vector<core::SymbolId> all(symbols);
    std::iota(all.begin(), all.end(), core::SymbolId{0});
    for (const auto& cls : strategies::strategy_classes()) {
      if (cls.name == strategies::SmaCrossover::kClassName) continue;  // the default instance
      engine::StrategyConfig strategy;
      strategy.class_name = cls.name;
      strategy.params = strategies::ParamValues(cls.params);
      strategy.position_fraction = position_fraction;
      std::uint64_t id = 0;
      auto err = engine_->add_instance({0, std::string(cls.name), strategy, all, "default", true}, id);
      using Cmd = engine::Portfolio::InstanceCommand;
      if (!err) err = engine_->instance_command(cls.name, Cmd::init);
      if (!err) err = engine_->instance_command(cls.name, Cmd::start);
      if (err) throw std::runtime_error("cannot start " + std::string(cls.name) + ": " + err->message);
    }
    acknowledge(drain());
    engine_->take_events();
  }

  engine::Portfolio& engine() noexcept { return *engine_; }
  // The next market step: one tick per symbol, `step` after the previous one.
  const std::vector<core::Tick>& next_step() {
    prices_.step(ticks_);
    return ticks_;
  }
  // The journal writer's pop, without the database.
  Drained drain() {
    Drained d;
    while (auto e = journal_.try_pop()) {
      d.last_seq = e->seq;
      if (const auto* bar = std::get_if<engine::BarRecord>(&e->record))
        d.minute_bars += bar->bar.timeframe == core::Timeframe::m1;
      d.orders += std::holds_alternative<engine::OrderRecord>(e->record);
      d.trades += std::holds_alternative<engine::TradeRecord>(e->record);
    }
    return d;
  }
  // The writer's commit acknowledgement (runs on the engine strand in the daemon).
  void acknowledge(const Drained& d) {
    if (d.last_seq) engine_->on_durable(d.last_seq);
  }

 private:
  core::InstrumentTable instruments_;
  execution::PaperExecutor executor_;
  engine::JournalQueue journal_;
  market::SimulatedPrices prices_;
  std::unique_ptr<engine::Portfolio> engine_;
  std::vector<core::Tick> ticks_;
};

// Nearest-rank percentile of an ascending vector.
std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void print_row(const char* label, std::vector<std::int64_t> ns) {
  std::sort(ns.begin(), ns.end());
  std::printf("  %-28s %8zu %9.2f %9.2f %9.2f %9.2f\n", label, ns.size(), percentile(ns, 0.50) / 1e3,
              percentile(ns, 0.99) / 1e3, percentile(ns, 0.999) / 1e3, ns.empty() ? 0.0 : ns.back() / 1e3);
}

enum Kind : std::uint8_t { kBarClose = 1, kOrder = 2, kFill = 4 };

// One symbol, `ticks` timed on_ticks calls of one tick each (after an untimed warm stretch).
void latency(core::Duration step, std::size_t ticks, bool snapshot) {
  Rig rig(1, step, engine::StrategyConfig{}.position_fraction);  // the default: 7 entries fit in cash
  auto& engine = rig.engine();
  std::shared_ptr<engine::Snapshot> published;  // replaced, and the old one freed, as the runner's store does
  std::vector<engine::EngineEvent> events;      // kept between publishes, as the runner keeps it
  std::vector<std::int64_t> ns(ticks), durable_ns;
  std::vector<std::uint8_t> kind(ticks);
  durable_ns.reserve(ticks);
  std::size_t fills = 0, orders = 0;
  constexpr std::size_t kWarm = 2000;
  long switches = 0;
  for (std::size_t i = 0; i < kWarm + ticks; ++i) {
    const auto& batch = rig.next_step();
    const auto t0 = Clock::now();
    engine.on_ticks(batch);
    if (snapshot && engine.dirty()) {
      published = engine.make_snapshot();
      engine.take_events(events);
      events.clear();
    }
    const auto t1 = Clock::now();
    if (!snapshot) engine.take_events(events);  // only so the event list does not grow
    const auto d = rig.drain();
    const auto t2 = Clock::now();
    rig.acknowledge(d);
    const auto t3 = Clock::now();
    if (i < kWarm) continue;
    if (i == kWarm) switches = involuntary_switches();
    const auto at = i - kWarm;
    ns[at] = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
    kind[at] = (d.minute_bars ? kBarClose : 0) | (d.orders ? kOrder : 0) | (d.trades ? kFill : 0);
    if (d.trades) durable_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t3 - t2).count());
    fills += d.trades;
    orders += d.orders;
  }
  auto only = [&](std::uint8_t k) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < ticks; ++i)
      if (kind[i] & k) out.push_back(ns[i]);
    return out;
  };
  switches = involuntary_switches() - switches;
  const auto signals = engine.make_snapshot()->counters.signals;
  std::printf("\n%s, tick every %.0f s of market time (%llu signals, %zu order records, %zu fills, %ld preemptions)\n",
              snapshot ? "on_ticks + make_snapshot + take_events" : "on_ticks alone",
              std::chrono::duration<double>(step).count(), static_cast<unsigned long long>(signals), orders, fills,
              switches);
  std::printf("  %-28s %8s %9s %9s %9s %9s\n", "ticks (us)", "n", "p50", "p99", "p99.9", "max");
  print_row("all", ns);
  print_row("closed a 1m bar", only(kBarClose));
  print_row("order record (placed/changed)", only(kOrder));
  print_row("fill (trade record)", only(kFill));
  print_row("on_durable after a fill [*]", durable_ns);
}

// 1,000 symbols at 10 ticks/s of market time, one on_ticks call per 100 ms step (as the
// simulated feed delivers), a publish and a journal drain + acknowledgement per step.
void cpu_share(std::size_t market_seconds) {
  constexpr std::size_t kSymbols = 1000;
  constexpr auto kStep = std::chrono::milliseconds(100);  // 10 ticks/s per symbol; the publish interval
  constexpr std::size_t kStepsPerSecond = 10;
  // 10 % entries would spend the cash on the first ten and deny the rest (insufficient_cash):
  // sized so each of the 7,000 instance-symbol pairs can hold a position, the order and fill
  // paths keep running.
  Rig rig(kSymbols, kStep, 1e-4);
  auto& engine = rig.engine();
  std::shared_ptr<engine::Snapshot> published;
  std::vector<engine::EngineEvent> events;
  // An untimed minute first: caches and containers at their working size.
  for (std::size_t i = 0; i < 60 * kStepsPerSecond; ++i) {
    engine.on_ticks(rig.next_step());
    rig.acknowledge(rig.drain());
    published = engine.make_snapshot();
    engine.take_events(events);
    events.clear();
  }
  const std::size_t steps = market_seconds * kStepsPerSecond;
  struct StepCpu {
    std::int64_t ticks = 0, journal = 0, publish = 0;
    std::int64_t total() const noexcept { return ticks + journal + publish; }
  };
  std::vector<StepCpu> step_cpu(steps);
  StepCpu sum;
  std::size_t fills = 0;
  const long switches = involuntary_switches();
  const auto wall0 = Clock::now();
  for (std::size_t i = 0; i < steps; ++i) {
    const auto& batch = rig.next_step();  // price generation: the feed's work, not measured
    const auto c0 = thread_cpu_ns();
    engine.on_ticks(batch);
    const auto c1 = thread_cpu_ns();
    const auto d = rig.drain();
    rig.acknowledge(d);
    const auto c2 = thread_cpu_ns();
    if (engine.dirty()) {
      published = engine.make_snapshot();
      engine.take_events(events);
      events.clear();
    }
    const auto c3 = thread_cpu_ns();
    step_cpu[i] = {c1 - c0, c2 - c1, c3 - c2};
    sum.ticks += c1 - c0;
    sum.journal += c2 - c1;
    sum.publish += c3 - c2;
    fills += d.trades;
  }
  const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
  const long preempted = involuntary_switches() - switches;
  const auto counters = engine.make_snapshot()->counters;
  const auto seconds = static_cast<double>(market_seconds);
  std::printf("\n%zu symbols x 10 ticks/s, %zu s of market time (%zu ticks, %llu signals, %zu fills)\n", kSymbols,
              market_seconds, steps * kSymbols, static_cast<unsigned long long>(counters.signals), fills);
  std::printf("  wall %.2f s, %ld preemptions\n", wall, preempted);
  std::printf("  CPU per market second: %.2f ms = %.2f %% of one core (goal < 25 %%)\n", sum.total() / 1e6 / seconds,
              sum.total() / 1e7 / seconds);
  std::printf(
      "    on_ticks %.2f ms (%.0f ns a tick), drain + on_durable %.2f ms, make_snapshot + take_events %.2f ms\n",
      sum.ticks / 1e6 / seconds, static_cast<double>(sum.ticks) / static_cast<double>(steps * kSymbols),
      sum.journal / 1e6 / seconds, sum.publish / 1e6 / seconds);
  // A step must finish within its 100 ms of market time or ticks queue behind it; the worst
  // is a minute boundary, where every symbol closes a bar at once.
  std::vector<std::int64_t> totals;
  for (const auto& c : step_cpu) totals.push_back(c.total());
  const auto worst = *std::max_element(step_cpu.begin(), step_cpu.end(),
                                       [](const auto& a, const auto& b) { return a.total() < b.total(); });
  std::sort(totals.begin(), totals.end());
  std::printf("  CPU per 100 ms step (ms): p50 %.2f  p99 %.2f  max %.2f (on_ticks %.2f, journal %.2f, publish %.2f)\n",
              percentile(totals, 0.5) / 1e6, percentile(totals, 0.99) / 1e6, worst.total() / 1e6, worst.ticks / 1e6,
              worst.journal / 1e6, worst.publish / 1e6);
}

std::size_t parse_count(const char* arg, const char* what) {
  try {
    std::size_t used = 0;
    const auto v = std::stoull(arg, &used);
    if (used == std::string(arg).size() && v > 0) return static_cast<std::size_t>(v);
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(std::string(what) + " must be a positive integer, got '" + arg + "'");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::size_t ticks = argc > 1 ? parse_count(argv[1], "latency_ticks") : 200'000;
    const std::size_t seconds = argc > 2 ? parse_count(argv[2], "market_seconds") : 600;
    spdlog::set_level(spdlog::level::warn);  // risk denials are logged at info: not what is measured
    std::printf("tick-to-fill: 1 symbol, 7 strategy instances, paper fills; times in us (goal p99 < 5 us)\n");
    std::printf("[*] the writer's ack: outside the tick timing, but on the engine strand\n");
    for (auto step : {std::chrono::seconds(60), std::chrono::seconds(1)})
      for (bool snapshot : {false, true}) latency(step, ticks, snapshot);
    cpu_share(seconds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\nusage: bench_tick_to_fill [latency_ticks] [market_seconds]\n", e.what());
    return 1;
  }
  return 0;
}
