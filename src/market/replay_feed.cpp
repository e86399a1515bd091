#include "meridian/market/replay_feed.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "market_log.hpp"

namespace meridian::market {

namespace {
// Ticks per strand turn: enough to amortise the post, few enough that a command queued on
// the strand behind a flat-out replay waits well under a millisecond.
constexpr std::size_t kBatch = 256;
constexpr core::Duration kMinute = std::chrono::minutes(1);
}  // namespace

std::array<core::Tick, 4> bar_ticks(const core::Bar& bar, core::Duration next_gap) noexcept {
  const auto minute_left = core::floor_to(bar.open_time, kMinute) + kMinute - bar.open_time;
  const auto window = next_gap > core::Duration::zero() ? std::min(next_gap, minute_left) : minute_left;
  const auto step = window / 4;
  const bool rising = bar.close >= bar.open;
  const core::Price path[4] = {bar.open, rising ? bar.low : bar.high, rising ? bar.high : bar.low, bar.close};
  const auto quarter = bar.volume.raw() / 4;
  std::array<core::Tick, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    auto& t = out[i];
    t.symbol = bar.symbol;
    t.ts = bar.open_time + step * static_cast<long>(i);
    t.last = t.bid = t.ask = path[i];
    t.volume = core::Quantity::from_raw(i < 3 ? quarter : bar.volume.raw() - 3 * quarter);
  }
  return out;
}

ReplayData load_replay(const std::vector<ReplayFile>& files, CsvFormat format) {
  ReplayData data;
  for (const auto& f : files) {
    CsvOptions options;
    options.format = format;
    options.symbol = f.symbol;
    auto csv = read_csv_bars(f.path, options);
    if (!csv.error.empty()) throw std::invalid_argument("replay file " + f.path + ": " + csv.error);
    market_log()->info("replay {}: {} bars ({} format{}), {} rows skipped", f.path, csv.bars.size(),
                       to_string(csv.format), csv.newest_first ? ", newest first" : "", csv.bad.total());
    data.bad_rows += csv.bad.total();
    data.series.push_back(std::move(csv.bars));
  }
  return data;
}

void ReplayTape::Cursor::load() noexcept {
  if (done()) return;
  const auto& b = bars[bar];
  const auto gap = bar + 1 < bars.size() ? bars[bar + 1].open_time - b.open_time : core::Duration::zero();
  ticks = bar_ticks(b, gap);
  tick = 0;
}

ReplayTape::ReplayTape(const ReplayData& data) {
  cursors_.reserve(data.series.size());
  heads_.reserve(data.series.size());
  for (const auto& s : data.series) add(s);
  next_ = earliest();
}

ReplayTape::ReplayTape(std::span<const std::span<const core::Bar>> series) {
  cursors_.reserve(series.size());
  heads_.reserve(series.size());
  for (const auto s : series) add(s);
  next_ = earliest();
}

void ReplayTape::add(std::span<const core::Bar> bars) {
  cursors_.push_back(Cursor{bars});
  cursors_.back().load();
  heads_.push_back(head(cursors_.back()));
}

core::Timestamp ReplayTape::head(const Cursor& c) noexcept {
  return c.done() ? core::Timestamp::max() : c.ticks[c.tick].ts;
}

std::size_t ReplayTape::earliest() const noexcept {
  // The first series with the earliest next tick (a tie goes to the earlier series).
  std::size_t best = 0;
  for (std::size_t k = 1; k < heads_.size(); ++k)
    if (heads_[k] < heads_[best]) best = k;
  if (best < heads_.size() && heads_[best] != core::Timestamp::max()) return best;
  // Every series done, or the earliest tick stamped Timestamp::max(): the search over the
  // cursors, which tells a done series from such a tick.
  best = cursors_.size();
  for (std::size_t k = 0; k < cursors_.size(); ++k) {
    const auto& c = cursors_[k];
    if (!c.done() && (best == cursors_.size() || c.ticks[c.tick].ts < cursors_[best].ticks[cursors_[best].tick].ts))
      best = k;
  }
  return best;
}

void ReplayTape::advance() noexcept {
  if (next_ >= cursors_.size()) return;
  auto& c = cursors_[next_];
  if (++c.tick == c.ticks.size()) {
    ++c.bar;
    c.load();
  }
  if (cursors_.size() == 1) {  // one series: no search (heads_ is read only by earliest())
    next_ = c.done() ? 1 : 0;
    return;
  }
  heads_[next_] = head(c);
  next_ = earliest();
}

ReplayFeed::ReplayFeed(boost::asio::any_io_executor strand, ReplayData data, double speed)
    : strand_(std::move(strand)), data_(std::move(data)), speed_(speed > 0 ? speed : 0), timer_(strand_), tape_(data_) {
  batch_.reserve(kBatch);
}

void ReplayFeed::start(TickSink& sink) {
  sink_ = &sink;
  running_ = true;
  boost::asio::post(strand_, [this] { begin(); });
}

void ReplayFeed::stop() {
  running_ = false;
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

void ReplayFeed::subscribe(std::span<const core::SymbolId> symbols) {
  boost::asio::post(strand_, [this, ids = std::vector(symbols.begin(), symbols.end())] { filter_.subscribe(ids); });
}

void ReplayFeed::unsubscribe(std::span<const core::SymbolId> symbols) {
  boost::asio::post(strand_, [this, ids = std::vector(symbols.begin(), symbols.end())] { filter_.unsubscribe(ids); });
}

FeedHealth ReplayFeed::health() const noexcept {
  return {running_.load(), tick_count_.load(), 0, data_.bad_rows, 0};
}

std::chrono::steady_clock::time_point ReplayFeed::due(core::Timestamp ts) const noexcept {
  // Capped at ~30 years so a tiny speed cannot overflow the clock's int64 nanoseconds.
  const double wall_ns = std::min(static_cast<double>((ts - market_start_).count()) / speed_, 1e18);
  return wall_start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double, std::nano>(wall_ns));
}

void ReplayFeed::begin() {
  if (!running_) return;
  if (const auto* first = tape_.peek()) market_start_ = first->ts;
  wall_start_ = std::chrono::steady_clock::now();
  run();
}

void ReplayFeed::run() {
  if (!running_) return;
  batch_.clear();
  const auto now = std::chrono::steady_clock::now();
  const core::Tick* tick = tape_.peek();
  for (std::size_t taken = 0; tick && taken < kBatch; ++taken) {
    if (speed_ > 0 && due(tick->ts) > now) break;
    if (filter_.wants(tick->symbol)) batch_.push_back(*tick);
    tape_.advance();
    tick = tape_.peek();
  }
  if (!batch_.empty()) {
    sink_->on_ticks(batch_);
    tick_count_.fetch_add(batch_.size(), std::memory_order_relaxed);
  }
  if (!tick) {
    finished_ = true;
    market_log()->info("replay finished: {} ticks delivered", tick_count_.load());
    return;
  }
  const auto next_due = speed_ > 0 ? due(tick->ts) : now;
  if (next_due <= now) {
    boost::asio::post(strand_, [this] { run(); });
    return;
  }
  timer_.expires_at(next_due);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) run();
  });
}

}  // namespace meridian::market
