#pragma once
// Per-symbol ordering of venue updates, shared by the Binance and Alpaca layers: repeated
// messages are dropped, stale ones too, and a jump past the next expected bar names the range
// to backfill over REST. Pure state, no I/O; one instance per stream, used from one strand.
#include <cstdint>
#include <optional>
#include <vector>

#include "meridian/core/types.hpp"
#include "meridian/market/venue_message.hpp"

namespace meridian::market {

enum class Sequence : std::uint8_t {
  accepted,
  duplicate,     // seen before: nothing new
  out_of_order,  // older than what this symbol already has
};

// One update of a bar that may still be forming. The venue repeats the bar's running totals
// (Binance's cumulative `v`); `closed` marks the final values.
struct BarUpdate {
  core::SymbolId symbol = 0;
  core::Timestamp open_time{};
  core::Quantity cumulative_volume{};
  bool closed = false;
};

struct BarSequence {
  Sequence verdict = Sequence::accepted;
  core::Quantity volume_delta{};       // traded since the previous accepted update of this bar
  std::optional<BackfillRange> gap{};  // bars whose final values this stream never delivered
};

class BarSequencer {
 public:
  // `interval` is the bar length; symbols are ids below `symbol_count` (others are rejected
  // as out of order so a bad id cannot index past the table).
  BarSequencer(core::Duration interval, std::size_t symbol_count);

  // Rules, per symbol:
  // - an open time older than the current bar's is out of order;
  // - for the current bar: after its closed update everything is a duplicate; the same
  //   cumulative volume and closed flag is a duplicate (the closing update may repeat the last
  //   volume: it is accepted because it carries `closed`); a smaller volume is out of order;
  // - a later bar is accepted, and when it opens after the next bar still owed (the one after
  //   the last closed bar, or the current bar if its close never came) the owed range
  //   [owed, new open) is the gap.
  BarSequence on_update(const BarUpdate& u) noexcept;

  // The bars up to and including `last_closed_open` are known (history loaded at start, or a
  // backfill done): the next gap is measured from the bar after it.
  void resume_after(core::SymbolId symbol, core::Timestamp last_closed_open) noexcept;

  std::uint64_t duplicates() const noexcept { return duplicates_; }
  std::uint64_t out_of_order() const noexcept { return out_of_order_; }
  std::uint64_t gaps() const noexcept { return gaps_; }

 private:
  struct Slot {
    bool seen = false;  // a bar of this symbol arrived (current is valid)
    core::Timestamp current{};
    core::Quantity volume{};
    bool closed = false;
    std::optional<core::Timestamp> owed;  // open time of the first bar not yet final
  };
  core::Duration interval_;
  std::vector<Slot> slots_;
  std::uint64_t duplicates_ = 0;
  std::uint64_t out_of_order_ = 0;
  std::uint64_t gaps_ = 0;
};

// Trades (and quotes) by venue timestamp: an older timestamp than the symbol's latest is out of
// order; the same timestamp with a key already seen at that timestamp (the trade id, or a hash
// of the quote) is a duplicate. Several distinct events may share one timestamp.
class EventSequencer {
 public:
  explicit EventSequencer(std::size_t symbol_count);
  Sequence on_event(core::SymbolId symbol, core::Timestamp ts, std::uint64_t key) noexcept;
  std::uint64_t duplicates() const noexcept { return duplicates_; }
  std::uint64_t out_of_order() const noexcept { return out_of_order_; }

 private:
  // Keys seen at the latest timestamp; bounded because a venue stamps few events per nanosecond.
  static constexpr std::size_t kKeysPerInstant = 8;
  struct Slot {
    bool seen = false;
    core::Timestamp latest{};
    std::uint64_t keys[kKeysPerInstant]{};
    std::size_t key_count = 0;
  };
  std::vector<Slot> slots_;
  std::uint64_t duplicates_ = 0;
  std::uint64_t out_of_order_ = 0;
};

}  // namespace meridian::market
