#include "meridian/market/off_strand_feed.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "market_log.hpp"
#include "meridian/core/spsc_ring.hpp"
#include "meridian/market/burst_log.hpp"

namespace meridian::market {

namespace asio = boost::asio;

namespace {
constexpr std::uint64_t kNoMark = std::numeric_limits<std::uint64_t>::max();
}  // namespace

// Held by the OffStrandFeed and by every drain posted to the engine strand, so a drain never
// touches freed memory. It is also the inner feed's sink (the producer side).
struct OffStrandFeed::State final : std::enable_shared_from_this<OffStrandFeed::State>, TickSink {
  State(asio::any_io_executor engine_ex, asio::any_io_executor feed_ex, std::unique_ptr<Feed> feed,
        std::size_t capacity)
      : engine(std::move(engine_ex)), feed_strand(std::move(feed_ex)), ring(capacity), inner(std::move(feed)) {
    if (!inner) throw std::invalid_argument("OffStrandFeed: no inner feed");
    name = inner->name();
  }

  // ---- producer: the inner feed's strand

  void on_ticks(std::span<const core::Tick> ticks) override {
    if (ticks.empty() || stop_mark.load(std::memory_order_acquire) != kNoMark) return;
    const auto pushed = ring.try_push_n(ticks);
    if (pushed < ticks.size()) {
      overflow(ticks.size() - pushed);
    } else if (const auto n = burst.success()) {
      market_log()->info("{} feed: the engine caught up after {} overflowing batches ({} ticks dropped in all)", name,
                         n, dropped.load(std::memory_order_relaxed));
    }
    // One drain in flight at most: it takes whatever is in the ring when it runs. The exchange
    // pairs with the drain's: either this push is before the drain's reset (the drain sees it)
    // or after (this call posts the next drain).
    if (pushed > 0 && !drain_posted.exchange(true, std::memory_order_acq_rel))
      asio::post(engine, [self = shared_from_this()] { self->drain(); });
  }

  void overflow(std::size_t n) {
    dropped.fetch_add(n, std::memory_order_relaxed);
    if (burst.failure(std::chrono::steady_clock::now()))
      market_log()->warn(
          "{} feed: the engine strand is {} ticks behind; ticks that do not fit are dropped and counted in "
          "the feed's `dropped` ({} so far; logged once per burst)",
          name, ring.capacity(), dropped.load(std::memory_order_relaxed));
  }

  // ---- consumer: the engine strand

  void drain() {
    drain_posted.exchange(false, std::memory_order_acq_rel);
    if (detached.load(std::memory_order_acquire)) return;  // the OffStrandFeed (and maybe the sink) is gone
    auto limit = std::numeric_limits<std::size_t>::max();
    if (const auto mark = stop_mark.load(std::memory_order_acquire); mark != kNoMark) {
      const auto popped = ring.popped();
      limit = mark > popped ? static_cast<std::size_t>(mark - popped) : 0;  // nothing pushed after stop()
    }
    batch.clear();
    if (ring.pop_into(batch, limit) == 0 || !sink) return;
    sink->on_ticks(batch);
    delivered.fetch_add(batch.size(), std::memory_order_relaxed);
  }

  // Any thread; the first call marks the end of what the sink may still receive.
  bool mark_stopped() {
    auto none = kNoMark;
    return stop_mark.compare_exchange_strong(none, ring.pushed(), std::memory_order_acq_rel);
  }

  asio::any_io_executor engine;
  asio::any_io_executor feed_strand;
  std::string_view name;  // the inner feed's (a static string)
  core::SpscRing<core::Tick> ring;
  std::atomic<bool> drain_posted{false};
  // ring.pushed() when stop() ran: drains deliver nothing beyond it, the producer pushes no more.
  std::atomic<std::uint64_t> stop_mark{kNoMark};
  std::atomic<bool> detached{false};  // the OffStrandFeed was destroyed: drains deliver nothing
  std::atomic<bool> started{false};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> dropped{0};
  BurstLog burst;                 // producer only
  TickSink* sink = nullptr;       // set by start(); read by drains (ordered by the posts between)
  std::vector<core::Tick> batch;  // engine strand only: reused by every drain
  std::unique_ptr<Feed> inner;    // last: destroyed first, before the sink it was given
};

OffStrandFeed::OffStrandFeed(asio::any_io_executor engine, asio::any_io_executor feed_strand,
                             std::unique_ptr<Feed> inner, std::size_t capacity)
    : state_(std::make_shared<State>(std::move(engine), std::move(feed_strand), std::move(inner), capacity)) {}

OffStrandFeed::~OffStrandFeed() {
  stop();
  state_->detached.store(true, std::memory_order_release);
  // After stop() on the feed strand and after any handler of the inner feed running there now:
  // once the inner feed is gone there nothing can reach the hand-off sink. Not run (the
  // io_context stopped), the handler is destroyed with the io_context and takes both with it.
  auto strand = state_->feed_strand;
  asio::post(strand, [self = std::move(state_)] { self->inner.reset(); });
}

void OffStrandFeed::start(TickSink& sink) {
  if (state_->started.exchange(true)) throw std::logic_error("OffStrandFeed: start() called twice");
  if (state_->stop_mark.load() != kNoMark) return;  // stopped before it started: stays stopped
  state_->sink = &sink;
  asio::post(state_->feed_strand, [self = state_] { self->inner->start(*self); });
}

void OffStrandFeed::stop() {
  if (!state_->mark_stopped() || !state_->started.load()) return;
  // Behind start() on the feed strand (posted in order from the engine strand).
  asio::post(state_->feed_strand, [self = state_] { self->inner->stop(); });
}

void OffStrandFeed::subscribe(std::span<const core::SymbolId> symbols) {
  state_->inner->subscribe(symbols);
}

void OffStrandFeed::unsubscribe(std::span<const core::SymbolId> symbols) {
  state_->inner->unsubscribe(symbols);
}

std::string_view OffStrandFeed::name() const noexcept {
  return state_->name;
}

FeedHealth OffStrandFeed::health() const noexcept {
  auto h = state_->inner->health();
  h.ticks = state_->delivered.load(std::memory_order_relaxed);
  h.dropped += state_->dropped.load(std::memory_order_relaxed);
  return h;
}

}  // namespace meridian::market
