#pragma once
// The client side of the venue tests: an io_context on its own thread with a strand standing
// in for the engine's, and a sink that records what a feed delivers.
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

}  // namespace venue_test
