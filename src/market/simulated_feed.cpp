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

void SimulatedFeed::subscribe(std::span<const core::SymbolId> symbols) {
  boost::asio::post(strand_, [this, ids = std::vector(symbols.begin(), symbols.end())] { filter_.subscribe(ids); });
}

void SimulatedFeed::unsubscribe(std::span<const core::SymbolId> symbols) {
  boost::asio::post(strand_, [this, ids = std::vector(symbols.begin(), symbols.end())] { filter_.unsubscribe(ids); });
}

FeedHealth SimulatedFeed::health() const noexcept {
  return {running_.load(), tick_count_.load(), 0, 0, 0};
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
  std::uint64_t delivered = 0;
  for (int i = 0; i < steps; ++i) {
    // Every path steps whether subscribed or not, so a seed gives the same prices either way.
    prices_.step(ticks_);
    std::span<const core::Tick> out = ticks_;
    if (!filter_.wants_all()) {
      wanted_.clear();
      for (const auto& t : ticks_)
        if (filter_.wants(t.symbol)) wanted_.push_back(t);
      out = wanted_;
    }
    if (!out.empty()) sink_->on_ticks(out);
    delivered += out.size();
  }
  tick_count_.fetch_add(delivered, std::memory_order_relaxed);
  schedule();
}

}  // namespace meridian::market
