// OffStrandFeed: a feed producing on its own strand hands its ticks to the engine strand in
// batches through the SPSC ring: every tick once and in order, never beside another engine
// handler; a full ring counts what it drops; stop() ends delivery at what was pushed before it;
// destroying the feed while a drain is still posted is safe (run under ASan); and the steady
// state allocates nothing.
#include "meridian/market/off_strand_feed.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "allocation_counter.hpp"

namespace meridian::market {
namespace {

namespace asio = boost::asio;
using Strand = asio::strand<asio::io_context::executor_type>;

core::Tick numbered(std::uint64_t seq) {
  core::Tick t;
  t.symbol = static_cast<core::SymbolId>(seq % 7);
  t.ts = core::Timestamp(core::Duration(static_cast<std::int64_t>(seq)));
  return t;
}

std::uint64_t seq_of(const core::Tick& t) {
  return static_cast<std::uint64_t>(t.ts.time_since_epoch().count());
}

// Runs f on the executor and waits for it.
template <class Ex, class F>
void run_on(const Ex& ex, F f) {
  std::promise<void> done;
  asio::post(ex, [&] {
    f();
    done.set_value();
  });
  done.get_future().wait();
}

// An io_context run by two threads: the feed strand and the engine strand really run at once.
struct TwoThreads {
  TwoThreads() : engine(asio::make_strand(io)), feed(asio::make_strand(io)), work(io.get_executor()) {
    for (auto& t : threads) t = std::thread([this] { io.run(); });
  }
  ~TwoThreads() {
    work.reset();
    io.stop();
    for (auto& t : threads) t.join();
  }
  asio::io_context io{2};
  Strand engine;
  Strand feed;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread threads[2];
};

// Stands in for a venue feed on its own strand. deliver() hands numbered ticks to the sink on
// that strand; it ignores stop() on purpose, like a venue handler already past its running
// check when stop() arrives.
class ScriptedFeed final : public Feed {
 public:
  struct Record {
    std::atomic<int> starts{0}, stops{0}, subscribes{0}, unsubscribes{0};
    std::atomic<bool> destroyed{false}, destroyed_on_strand{false}, stopped_before_destroyed{false};
  };
  ScriptedFeed(Strand strand, std::shared_ptr<Record> record) : strand_(std::move(strand)), record_(std::move(record)) {
    counters_.connected = true;
    counters_.errors = 2;
    counters_.bad_rows = 3;
  }
  ~ScriptedFeed() override {
    record_->destroyed_on_strand = strand_.running_in_this_thread();
    record_->stopped_before_destroyed = record_->stops.load() > 0;
    record_->destroyed = true;
  }
  void start(TickSink& sink) override {
    EXPECT_TRUE(strand_.running_in_this_thread());
    sink_ = &sink;
    ++record_->starts;
  }
  void stop() override {
    EXPECT_TRUE(strand_.running_in_this_thread());
    ++record_->stops;
  }
  void subscribe(std::span<const core::SymbolId>) override { ++record_->subscribes; }
  void unsubscribe(std::span<const core::SymbolId>) override { ++record_->unsubscribes; }
  std::string_view name() const noexcept override { return "scripted"; }
  FeedHealth health() const noexcept override { return counters_.health(); }

  // On the feed strand (or with no thread running the io_context): `n` ticks in batches of `batch`.
  void deliver(std::uint64_t n, std::size_t batch) {
    while (n > 0) {
      const auto k = std::min<std::uint64_t>(n, batch);
      buffer_.clear();
      for (std::uint64_t i = 0; i < k; ++i) buffer_.push_back(numbered(next_++));
      sink_->on_ticks(buffer_);
      counters_.tick_count += k;
      n -= k;
    }
  }
  // Any thread: deliver() on the strand, waiting for it.
  void deliver_on_strand(std::uint64_t n, std::size_t batch) {
    run_on(strand_, [&] { deliver(n, batch); });
  }
  std::uint64_t next() const noexcept { return next_; }

 private:
  Strand strand_;
  std::shared_ptr<Record> record_;
  TickSink* sink_ = nullptr;
  std::vector<core::Tick> buffer_;
  std::uint64_t next_ = 0;
  FeedCounters counters_;
};

// The engine's side: records every batch, checks it runs on the engine strand and alone there.
struct EngineSink final : TickSink {
  explicit EngineSink(Strand s) : strand(std::move(s)) {}
  void on_ticks(std::span<const core::Tick> ticks) override {
    EXPECT_TRUE(strand.running_in_this_thread());
    EXPECT_FALSE(in_engine.exchange(true)) << "the sink ran beside another engine handler";
    got.insert(got.end(), ticks.begin(), ticks.end());
    ++calls;
    received.store(got.size(), std::memory_order_release);
    in_engine = false;
  }
  Strand strand;
  std::atomic<bool> in_engine{false};  // set by every engine-strand handler of the test while it runs
  std::vector<core::Tick> got;         // engine strand only
  std::size_t calls = 0;
  std::atomic<std::uint64_t> received{0};
};

struct Fixture {
  TwoThreads rig;
  std::shared_ptr<ScriptedFeed::Record> record = std::make_shared<ScriptedFeed::Record>();
  ScriptedFeed* inner = nullptr;
  std::unique_ptr<OffStrandFeed> feed;
  EngineSink sink{rig.engine};

  explicit Fixture(std::size_t capacity = OffStrandFeed::kDefaultCapacity) {
    auto f = std::make_unique<ScriptedFeed>(rig.feed, record);
    inner = f.get();
    feed = std::make_unique<OffStrandFeed>(rig.engine, rig.feed, std::move(f), capacity);
  }
  ~Fixture() {
    run_on(rig.engine, [&] { feed->stop(); });
    settle();  // no drain is running when the sink goes
    feed.reset();
  }
  void start() {
    run_on(rig.engine, [&] { feed->start(sink); });
    run_on(rig.feed, [] {});  // the inner start posted before this has run
  }
  // Everything posted to the engine strand so far (the drains) has run.
  void settle() {
    run_on(rig.feed, [] {});
    run_on(rig.engine, [] {});
  }
};

TEST(OffStrandFeed, EveryTickOnceInOrderInBatchesAndAloneOnTheEngineStrand) {
  constexpr std::uint64_t kTicks = 200'000;
  constexpr std::uint64_t kWindow = 16'384;  // the producer stays this close: no drop by design
  Fixture f;
  f.start();

  // Other engine work meanwhile, flagging itself as the sink does.
  std::atomic<bool> producing{true};
  std::atomic<std::uint64_t> engine_work{0};
  std::function<void()> engine_loop = [&] {
    EXPECT_FALSE(f.sink.in_engine.exchange(true)) << "two engine handlers at once";
    ++engine_work;
    f.sink.in_engine = false;
    if (producing) asio::post(f.rig.engine, engine_loop);
  };
  asio::post(f.rig.engine, engine_loop);

  // The producer: one batch per handler (1..64 ticks, varying), yielding to the other handlers.
  std::promise<void> produced;
  std::size_t batches = 0;
  std::function<void()> produce = [&] {
    const auto next = f.inner->next();
    if (next == kTicks) return produced.set_value();
    if (next - f.sink.received.load(std::memory_order_acquire) < kWindow) {
      f.inner->deliver(std::min<std::uint64_t>(kTicks - next, 1 + (batches * 37) % 64), 64);
      ++batches;
    }
    asio::post(f.rig.feed, produce);
  };
  asio::post(f.rig.feed, produce);
  produced.get_future().wait();
  while (f.sink.received.load() < kTicks) std::this_thread::yield();
  producing = false;
  f.settle();

  run_on(f.rig.engine, [&] {
    ASSERT_EQ(f.sink.got.size(), kTicks);
    for (std::uint64_t i = 0; i < kTicks; ++i) ASSERT_EQ(seq_of(f.sink.got[i]), i);
    EXPECT_LT(f.sink.calls, kTicks);
    EXPECT_LE(f.sink.calls, batches);  // at most one drain per batch pushed
  });
  EXPECT_GT(engine_work.load(), 0u);
  const auto h = f.feed->health();
  EXPECT_EQ(h.ticks, kTicks);
  EXPECT_EQ(h.dropped, 0u);
}

TEST(OffStrandFeed, AFullRingDropsAndCountsExactlyWhatDidNotFit) {
  constexpr std::uint64_t kPushed = 1'000;
  Fixture f(8);
  f.start();
  // The engine strand is busy (blocked) while the feed pushes 1,000 ticks into 8 slots.
  std::promise<void> go;
  std::promise<void> blocking;
  asio::post(f.rig.engine, [&] {
    blocking.set_value();
    go.get_future().wait();
  });
  blocking.get_future().wait();
  f.inner->deliver_on_strand(kPushed, 7);
  EXPECT_EQ(f.feed->health().dropped, kPushed - 8);
  go.set_value();
  f.settle();

  run_on(f.rig.engine, [&] {
    ASSERT_EQ(f.sink.got.size(), 8u);
    for (std::uint64_t i = 0; i < 8; ++i) EXPECT_EQ(seq_of(f.sink.got[i]), i);  // the oldest kept
  });
  auto h = f.feed->health();
  EXPECT_EQ(h.ticks, 8u);
  EXPECT_EQ(h.dropped, kPushed - h.ticks);  // pushed - delivered, nothing silently lost

  // Caught up, ticks flow again.
  f.inner->deliver_on_strand(5, 5);
  f.settle();
  run_on(f.rig.engine, [&] {
    ASSERT_EQ(f.sink.got.size(), 13u);
    EXPECT_EQ(seq_of(f.sink.got[8]), kPushed);
    EXPECT_EQ(seq_of(f.sink.got[12]), kPushed + 4);
  });
  h = f.feed->health();
  EXPECT_EQ(h.ticks + h.dropped, kPushed + 5);
}

TEST(OffStrandFeed, StopDeliversWhatWasPushedBeforeItAndNothingAfter) {
  Fixture f;
  f.start();
  std::promise<void> pushed_before;
  std::promise<void> stopped;
  std::promise<void> pushed_after;
  std::promise<void> blocking;
  asio::post(f.rig.engine, [&] {
    blocking.set_value();
    pushed_before.get_future().wait();
    f.feed->stop();  // on the engine strand, with a drain of 10 ticks posted behind this handler
    stopped.set_value();
    pushed_after.get_future().wait();
  });
  blocking.get_future().wait();
  f.inner->deliver_on_strand(10, 3);
  pushed_before.set_value();
  stopped.get_future().wait();
  f.inner->deliver_on_strand(5, 5);  // a venue handler racing stop(): not delivered
  pushed_after.set_value();
  f.settle();

  run_on(f.rig.engine, [&] {
    ASSERT_EQ(f.sink.got.size(), 10u);
    for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(seq_of(f.sink.got[i]), i);
  });
  EXPECT_EQ(f.record->stops.load(), 1);  // on the feed strand (ScriptedFeed checks)
  EXPECT_EQ(f.feed->health().ticks, 10u);
  EXPECT_EQ(f.feed->health().dropped, 0u);
}

TEST(OffStrandFeed, StopThenDestroyWhileADrainIsPostedIsSafe) {
  TwoThreads rig;
  auto record = std::make_shared<ScriptedFeed::Record>();
  auto inner_owned = std::make_unique<ScriptedFeed>(rig.feed, record);
  auto* inner = inner_owned.get();
  auto feed = std::make_unique<OffStrandFeed>(rig.engine, rig.feed, std::move(inner_owned), 128);
  auto sink = std::make_unique<EngineSink>(rig.engine);
  run_on(rig.engine, [&] { feed->start(*sink); });

  std::promise<void> go;
  std::promise<void> blocking;
  asio::post(rig.engine, [&] {
    blocking.set_value();
    go.get_future().wait();
    feed->stop();
    feed.reset();  // a drain with 100 ticks (and more pushed behind it) is still posted
    sink.reset();  // and the sink goes with the engine: ASan sees any use of either
  });
  blocking.get_future().wait();
  inner->deliver_on_strand(100, 10);
  go.set_value();
  // The posted drain and the inner feed's end have run; nothing reached the freed sink.
  run_on(rig.engine, [] {});
  run_on(rig.feed, [] {});
  run_on(rig.engine, [] {});
  EXPECT_TRUE(record->destroyed.load());
  EXPECT_TRUE(record->destroyed_on_strand.load());
  EXPECT_TRUE(record->stopped_before_destroyed.load());
}

TEST(OffStrandFeed, DestroyedUnstoppedWithTheIoContextNotRunningIsSafe) {
  auto record = std::make_shared<ScriptedFeed::Record>();
  {
    asio::io_context io;
    Strand engine = asio::make_strand(io);
    Strand feed_strand = asio::make_strand(io);
    auto inner_owned = std::make_unique<ScriptedFeed>(feed_strand, record);
    auto* inner = inner_owned.get();
    EngineSink sink(engine);
    {
      OffStrandFeed feed(engine, feed_strand, std::move(inner_owned), 16);
      feed.start(sink);
      io.poll();               // the inner start
      inner->deliver(40, 40);  // 16 fit; a drain is posted
      EXPECT_EQ(feed.health().dropped, 24u);
    }
    // Never run: the pending drain and the inner feed's end go with the io_context.
    EXPECT_FALSE(record->destroyed.load());
  }
  EXPECT_TRUE(record->destroyed.load());
  EXPECT_EQ(record->stops.load(), 0);  // the posted stop was destroyed unrun too
}

TEST(OffStrandFeed, ForwardsNameHealthAndSubscriptionsAndStartsOnce) {
  Fixture f;
  EXPECT_EQ(f.feed->name(), "scripted");
  const core::SymbolId ids[] = {1, 2};
  f.feed->subscribe(ids);
  f.feed->unsubscribe(ids);
  EXPECT_EQ(f.record->subscribes.load(), 1);
  EXPECT_EQ(f.record->unsubscribes.load(), 1);
  f.start();
  EXPECT_EQ(f.record->starts.load(), 1);
  run_on(f.rig.engine, [&] { EXPECT_THROW(f.feed->start(f.sink), std::logic_error); });
  const auto h = f.feed->health();
  EXPECT_TRUE(h.connected);
  EXPECT_EQ(h.errors, 2u);
  EXPECT_EQ(h.bad_rows, 3u);
  EXPECT_EQ(h.ticks, 0u);
  EXPECT_EQ(h.dropped, 0u);
  EXPECT_THROW(OffStrandFeed(f.rig.engine, f.rig.feed, nullptr), std::invalid_argument);
}

// The producer as a venue's handlers run: inside the io_context, on the feed strand, reposting
// itself (a plain struct: copying it allocates nothing, unlike a std::function).
struct Rounds {
  ScriptedFeed* inner;
  Strand strand;
  int* round;
  long* before;
  long* after;
  void operator()() const {
    ++*round;
    if (*round == 200) *before = meridian::test::allocations();  // warm: the drain's vector, Asio's handler memory
    if (*round == 1200) {
      *after = meridian::test::allocations();
      return;
    }
    inner->deliver(64, 16);  // 4 batches, one drain (posted before the next round)
    asio::post(strand, *this);
  }
};

TEST(OffStrandFeed, SteadyStateAllocatesNothing) {
  asio::io_context io;
  Strand engine = asio::make_strand(io);
  Strand feed_strand = asio::make_strand(io);
  auto inner_owned = std::make_unique<ScriptedFeed>(feed_strand, std::make_shared<ScriptedFeed::Record>());
  auto* inner = inner_owned.get();
  EngineSink sink(engine);
  sink.got.reserve(1200 * 64);
  OffStrandFeed feed(engine, feed_strand, std::move(inner_owned), 1024);
  feed.start(sink);
  int round = 0;
  long before = 0;
  long after = 0;
  asio::post(feed_strand, Rounds{inner, feed_strand, &round, &before, &after});
  io.run();
  EXPECT_EQ(after - before, 0);
  EXPECT_EQ(sink.got.size(), 1199u * 64);
  EXPECT_EQ(sink.calls, 1199u);
  feed.stop();
  io.restart();
  io.run();
}

}  // namespace
}  // namespace meridian::market
