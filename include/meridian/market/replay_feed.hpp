#pragma once
// Replays bars from CSV files (one per symbol) as ticks: four per bar, inside the bar's
// first minute, so the engine's 1-minute aggregation gives back each bar exactly. Paced on
// an Asio timer on the engine strand at the files' own pace times a speed, or as fast as
// the strand takes them; each handler does a bounded amount of work.
#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <span>
#include <string>
#include <vector>

#include "meridian/market/csv_bars.hpp"
#include "meridian/market/feed.hpp"
#include "meridian/market/symbol_filter.hpp"

namespace meridian::market {

// open, then the extreme nearer in the bar's direction (low for a rising bar, high for a
// falling one), the other extreme, close; spread evenly over min(gap to the next bar, the
// rest of the bar's minute), with the volume split across them (the remainder on the close).
// `next_gap` <= 0 means no next bar.
std::array<core::Tick, 4> bar_ticks(const core::Bar& bar, core::Duration next_gap) noexcept;

struct ReplayFile {
  core::SymbolId symbol = 0;
  std::string path;
};

struct ReplayData {
  std::vector<std::vector<core::Bar>> series;  // one per file, oldest first
  std::uint64_t bad_rows = 0;
};

// Reads each file; throws std::invalid_argument naming the file when one cannot be used at all
// (bad rows are only counted).
ReplayData load_replay(const std::vector<ReplayFile>& files, CsvFormat format);

// Several series' bars as one stream of ticks in time order (bar_ticks per bar; the earliest
// series first on a tie): what the replay feed paces onto the strand, and what a simulated
// clock drives an engine with (engine/sim_clock.hpp). Refers to `data`, which must outlive it.
class ReplayTape {
 public:
  explicit ReplayTape(const ReplayData& data);
  // The same over views of bars held elsewhere (each oldest first), which must outlive it: a
  // backtest plays a range of its caller's series in place instead of copying it.
  explicit ReplayTape(std::span<const std::span<const core::Bar>> series);
  // The next tick, or nullptr once every series is done.
  const core::Tick* peek() const noexcept {
    return next_ < cursors_.size() ? &cursors_[next_].ticks[cursors_[next_].tick] : nullptr;
  }
  void advance() noexcept;
  ReplayTape(const ReplayTape&) = delete;
  ReplayTape& operator=(const ReplayTape&) = delete;

 private:
  struct Cursor {
    std::span<const core::Bar> bars;
    std::size_t bar = 0;
    std::size_t tick = 0;
    std::array<core::Tick, 4> ticks{};
    bool done() const noexcept { return bar >= bars.size(); }
    void load() noexcept;
  };
  void add(std::span<const core::Bar> bars);
  static core::Timestamp head(const Cursor& c) noexcept;
  // The series whose next tick is earliest; cursors_.size() when all are done.
  std::size_t earliest() const noexcept;

  std::vector<Cursor> cursors_;
  // Each cursor's next tick time (Timestamp::max() once done), side by side: earliest() runs on
  // every tick and reads these 8 bytes a series instead of a 224-byte cursor each.
  std::vector<core::Timestamp> heads_;
  std::size_t next_ = 0;
};

class ReplayFeed final : public Feed {
 public:
  // speed: market time per unit of wall time (1 = real time); 0: as fast as possible.
  ReplayFeed(boost::asio::any_io_executor strand, ReplayData data, double speed);

  void start(TickSink& sink) override;
  void stop() override;
  void subscribe(std::span<const core::SymbolId> symbols) override;
  void unsubscribe(std::span<const core::SymbolId> symbols) override;
  std::string_view name() const noexcept override { return "csv"; }
  // Stays connected after the last bar: the feed is idle, not broken.
  FeedHealth health() const noexcept override;
  bool finished() const noexcept { return finished_.load(); }

 private:
  void begin();
  void run();
  std::chrono::steady_clock::time_point due(core::Timestamp ts) const noexcept;

  boost::asio::any_io_executor strand_;
  ReplayData data_;
  double speed_;
  boost::asio::steady_timer timer_;
  TickSink* sink_ = nullptr;
  ReplayTape tape_;
  std::vector<core::Tick> batch_;
  SymbolFilter filter_;
  std::chrono::steady_clock::time_point wall_start_{};
  core::Timestamp market_start_{};
  std::atomic<bool> running_{false};
  std::atomic<bool> finished_{false};
  std::atomic<std::uint64_t> tick_count_{0};
};

}  // namespace meridian::market
