// The venue-feed hand-off (issue 12 item 5): ticks/s from a producer to the engine's sink,
// delivered directly (the producer calls the sink, as venue feeds did on the engine strand) or
// through OffStrandFeed (the producer on its own strand, an SPSC ring, one drain at a time on a
// separate engine strand; an io_context run by two threads). Batches of 1 and 64 ticks.
// Run: build/bench/bench/bench_feed_handoff
#include <benchmark/benchmark.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "meridian/market/off_strand_feed.hpp"

using namespace meridian;
namespace asio = boost::asio;

namespace {

constexpr std::uint64_t kTicksPerIteration = 1 << 20;

// The engine's side: the cheapest sink that still reads every tick.
struct CountingSink final : market::TickSink {
  void on_ticks(std::span<const core::Tick> ticks) override {
    for (const auto& t : ticks) sum += static_cast<std::uint64_t>(t.last.raw());
    ++calls;
    const auto n = received.load(std::memory_order_relaxed) + ticks.size();
    received.store(n, std::memory_order_release);
    if (n == target) done.set_value();
  }
  std::uint64_t sum = 0;
  std::uint64_t calls = 0;
  std::uint64_t target = 0;
  std::atomic<std::uint64_t> received{0};
  std::promise<void> done;
};

std::vector<core::Tick> make_batch(std::size_t n) {
  std::vector<core::Tick> batch(n);
  for (std::size_t i = 0; i < n; ++i) {
    batch[i].symbol = static_cast<core::SymbolId>(i % 8);
    batch[i].last = core::Price::from_units(static_cast<std::int64_t>(100 + i));
  }
  return batch;
}

void BM_Direct(benchmark::State& state) {
  const auto batch = make_batch(static_cast<std::size_t>(state.range(0)));
  CountingSink sink;
  for (auto _ : state) {
    for (std::uint64_t sent = 0; sent < kTicksPerIteration; sent += batch.size()) sink.on_ticks(batch);
  }
  benchmark::DoNotOptimize(sink.sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kTicksPerIteration));
}

// Produces on the feed strand as fast as the ring lets it (never more than the ring holds ahead
// of the engine, so nothing is dropped and the figure is the hand-off's, not the drop path's).
class FloodFeed final : public market::Feed {
 public:
  FloodFeed(asio::any_io_executor strand, std::size_t batch, std::size_t capacity)
      : strand_(std::move(strand)), batch_(make_batch(batch)), capacity_(capacity) {}
  void start(market::TickSink& sink) override { sink_ = &sink; }
  void stop() override {}
  void subscribe(std::span<const core::SymbolId>) override {}
  void unsubscribe(std::span<const core::SymbolId>) override {}
  std::string_view name() const noexcept override { return "flood"; }
  market::FeedHealth health() const noexcept override { return {}; }

  // Any thread: on the feed strand, delivers `n` ticks into the sink.
  void flood(std::uint64_t n, const std::atomic<std::uint64_t>& received) {
    asio::post(strand_, [this, n, &received] {
      for (const auto end = total_ + n; total_ < end;) {
        if (total_ + batch_.size() - received.load(std::memory_order_acquire) > capacity_) {
          std::this_thread::yield();
          continue;
        }
        sink_->on_ticks(batch_);
        total_ += batch_.size();
      }
    });
  }

 private:
  asio::any_io_executor strand_;
  std::vector<core::Tick> batch_;
  std::size_t capacity_;
  market::TickSink* sink_ = nullptr;
  std::uint64_t total_ = 0;  // feed strand: ticks handed to the sink so far
};

void BM_OffStrand(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  asio::io_context io(2);
  auto engine = asio::make_strand(io);
  auto feed_strand = asio::make_strand(io);
  auto work = asio::make_work_guard(io);
  std::thread threads[2];
  for (auto& t : threads) t = std::thread([&io] { io.run(); });

  auto flood_owned = std::make_unique<FloodFeed>(feed_strand, batch, market::OffStrandFeed::kDefaultCapacity);
  auto* flood = flood_owned.get();
  market::OffStrandFeed feed(engine, feed_strand, std::move(flood_owned));
  CountingSink sink;
  // Started (the inner start is posted to the feed strand) before the first flood is posted there.
  std::promise<void> started;
  asio::post(engine, [&] {
    feed.start(sink);
    asio::post(feed_strand, [&] { started.set_value(); });
  });
  started.get_future().wait();

  for (auto _ : state) {
    sink.done = {};
    auto done = sink.done.get_future();
    sink.target = sink.received.load() + kTicksPerIteration;
    flood->flood(kTicksPerIteration, sink.received);
    done.wait();
  }
  std::promise<void> stopped;
  asio::post(engine, [&] {
    feed.stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  const auto h = feed.health();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kTicksPerIteration));
  state.counters["ticks_per_drain"] = static_cast<double>(sink.received.load()) / static_cast<double>(sink.calls);
  state.counters["dropped"] = static_cast<double>(h.dropped);
  work.reset();
  io.stop();
  for (auto& t : threads) t.join();
}

}  // namespace

BENCHMARK(BM_Direct)->Arg(1)->Arg(64)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OffStrand)->Arg(1)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
