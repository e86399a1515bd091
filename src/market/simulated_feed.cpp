#include "meridian/market/simulated_feed.hpp"

#include <boost/asio/post.hpp>

namespace meridian::market {

namespace {
// Steps per strand turn when running flat out: large enough to amortise the post,
// small enough that commands queued on the strand wait well under a millisecond.
constexpr int kFlatOutBatch = 64;
}  // namespace

SimulatedFeed::SimulatedFeed(boost::asio::any_io_executor strand, SimulatedPrices& prices,
                             std::chrono::milliseconds interval)
    : strand_(std::move(strand)), prices_(prices), interval_(interval), timer_(strand_) {}

void SimulatedFeed::start(TickSink& sink) {
  sink_ = &sink;
  running_ = true;
  boost::asio::post(strand_, [this] { schedule(); });
}

void SimulatedFeed::stop() {
  running_ = false;
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

FeedHealth SimulatedFeed::health() const noexcept {
  return {running_.load(), tick_count_.load(), 0};
}

void SimulatedFeed::schedule() {
  if (!running_) return;
  if (interval_.count() == 0) {
    boost::asio::post(strand_, [this] { run_batch(); });
    return;
  }
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    run_batch();
  });
}

void SimulatedFeed::run_batch() {
  if (!running_) return;
  const int steps = interval_.count() == 0 ? kFlatOutBatch : 1;
  for (int i = 0; i < steps; ++i) {
    prices_.step(ticks_);
    sink_->on_ticks(ticks_);
  }
  tick_count_.fetch_add(static_cast<std::uint64_t>(steps) * ticks_.size(), std::memory_order_relaxed);
  schedule();
}

}  // namespace meridian::market
