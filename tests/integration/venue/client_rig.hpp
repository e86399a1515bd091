#pragma once
// The client side of the venue tests: an io_context on its own thread with a strand standing
// in for the engine's, and a sink that records what a feed delivers. SplitRig is the app's
// shape: a venue feed on a strand of its own behind OffStrandFeed, the engine strand apart,
// two threads running both.
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "meridian/market/feed.hpp"

namespace venue_test {

struct ClientRig {
  ClientRig() : strand(boost::asio::make_strand(io)), work(io.get_executor()), thread([this] { io.run(); }) {}
  ~ClientRig() {
    work.reset();
    io.stop();
    thread.join();
  }
  // Runs f on the strand and waits for it: clients are driven from their executor only.
  template <class F>
  void on_strand(F f) {
    std::promise<void> done;
    boost::asio::post(strand, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
  boost::asio::io_context io;
  boost::asio::strand<boost::asio::io_context::executor_type> strand;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::thread thread;
};

struct RecordingSink : meridian::market::TickSink {
  void on_ticks(std::span<const meridian::core::Tick> ticks) override {
    std::lock_guard lock(mutex);
    got.insert(got.end(), ticks.begin(), ticks.end());
  }
  std::vector<meridian::core::Tick> ticks() const {
    std::lock_guard lock(mutex);
    return got;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex);
    return got.size();
  }
  mutable std::mutex mutex;
  std::vector<meridian::core::Tick> got;
};

// Two threads run the io_context; the feed strand and the engine strand are different strands.
struct SplitRig {
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  SplitRig() : engine(boost::asio::make_strand(io)), feed(boost::asio::make_strand(io)), work(io.get_executor()) {
    for (auto& t : threads) t = std::thread([this] { io.run(); });
  }
  ~SplitRig() {
    // What the test's last stop() posted runs before the io_context stops: a feed's halt()
    // cancels its in-flight request, which holds the feed (and the feed it) until then. Each
    // round lets one more hop (OffStrandFeed::stop → the feed's stop → halt) run.
    for (int round = 0; round < 3; ++round) {
      settle(feed);
      settle(engine);
    }
    work.reset();
    io.stop();
    for (auto& t : threads) t.join();
  }
  static void settle(const Strand& strand) {
    std::promise<void> done;
    boost::asio::post(strand, [&] { done.set_value(); });
    done.get_future().wait();
  }
  template <class F>
  void on_engine(F f) {
    std::promise<void> done;
    boost::asio::post(engine, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
  boost::asio::io_context io{2};
  Strand engine;
  Strand feed;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  std::thread threads[2];
};

// Records like RecordingSink and counts what broke the engine's rules: a call off the engine
// strand, or on the feed's strand.
struct EngineStrandSink : RecordingSink {
  EngineStrandSink(const SplitRig& rig) : engine(rig.engine), feed(rig.feed) {}
  void on_ticks(std::span<const meridian::core::Tick> ticks) override {
    if (!engine.running_in_this_thread() || feed.running_in_this_thread()) ++off_engine;
    ++calls;
    RecordingSink::on_ticks(ticks);
  }
  SplitRig::Strand engine;
  SplitRig::Strand feed;
  std::atomic<int> off_engine{0};
  std::atomic<int> calls{0};
};

}  // namespace venue_test
