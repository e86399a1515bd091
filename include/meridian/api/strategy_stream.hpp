#pragma once
// /ws/strategies (seed 004): strategy instance changes, live. Each change of an instance (added,
// started, stopped, parameters, removed, ...) is sent as {"type":"strategy","ts":..,
// "portfolio_id":..,"data":{the instance as GET /api/strategies shows it}} to the clients who may
// see its portfolio: the same changes GET /api/strategies/updates?since= returns, pushed.
//
// Contract: it reads the portfolios' snapshots (never the engine) on a timer of its own strand,
// every `interval`, and compares each instance's version with the last it sent; the engine
// strand does nothing for it. start() and stop() from the thread that wires the daemon.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <unordered_map>

#include "meridian/api/api_context.hpp"

namespace meridian::api {

class WsHub;

class StrategyStream {
 public:
  StrategyStream(boost::asio::io_context& io, WsHub& hub, ApiContext& ctx,
                 std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  void start();
  void stop();

 private:
  void poll(bool publish);
  void schedule();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  WsHub& hub_;
  ApiContext& ctx_;
  std::chrono::milliseconds interval_;
  // The strand's: per portfolio, the highest instance version sent.
  std::unordered_map<std::int64_t, std::uint64_t> sent_;
  bool stopped_ = false;
};

}  // namespace meridian::api
