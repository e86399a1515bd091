#include "meridian/market/venue_sequencer.hpp"

#include <algorithm>

namespace meridian::market {

BarSequencer::BarSequencer(core::Duration interval, std::size_t symbol_count)
    : interval_(interval), slots_(symbol_count) {}

BarSequence BarSequencer::on_update(const BarUpdate& u) noexcept {
  BarSequence out;
  if (u.symbol >= slots_.size()) {
    ++out_of_order_;
    out.verdict = Sequence::out_of_order;
    return out;
  }
  auto& s = slots_[u.symbol];
  if (s.seen && u.open_time < s.current) {
    ++out_of_order_;
    out.verdict = Sequence::out_of_order;
    return out;
  }
  if (s.seen && u.open_time == s.current) {
    if (s.closed || (u.cumulative_volume == s.volume && !u.closed)) {
      ++duplicates_;
      out.verdict = Sequence::duplicate;
      return out;
    }
    if (u.cumulative_volume < s.volume) {
      ++out_of_order_;
      out.verdict = Sequence::out_of_order;
      return out;
    }
    out.volume_delta = u.cumulative_volume - s.volume;
  } else {
    // A bar this symbol has not seen: everything between the owed bar and it is missing.
    if (s.owed && *s.owed < u.open_time) {
      out.gap = BackfillRange{*s.owed, u.open_time};
      ++gaps_;
    }
    s.seen = true;
    s.current = u.open_time;
    s.closed = false;
    s.volume = {};
    out.volume_delta = u.cumulative_volume;
  }
  s.volume = u.cumulative_volume;
  s.closed = u.closed;
  s.owed = u.closed ? u.open_time + interval_ : u.open_time;
  return out;
}

void BarSequencer::resume_after(core::SymbolId symbol, core::Timestamp last_closed_open) noexcept {
  if (symbol >= slots_.size()) return;
  auto& s = slots_[symbol];
  const auto next = last_closed_open + interval_;
  if (s.seen && s.current >= next) return;  // the stream is already past it
  s.owed = next;
  if (s.seen && s.current <= last_closed_open) s.closed = true;  // its final values are known
}

EventSequencer::EventSequencer(std::size_t symbol_count) : slots_(symbol_count) {}

Sequence EventSequencer::on_event(core::SymbolId symbol, core::Timestamp ts, std::uint64_t key) noexcept {
  if (symbol >= slots_.size()) {
    ++out_of_order_;
    return Sequence::out_of_order;
  }
  auto& s = slots_[symbol];
  if (s.seen && ts < s.latest) {
    ++out_of_order_;
    return Sequence::out_of_order;
  }
  if (!s.seen || ts > s.latest) {
    s.seen = true;
    s.latest = ts;
    s.key_count = 0;
  }
  const auto end = s.keys + std::min(s.key_count, kKeysPerInstant);
  if (std::find(s.keys, end, key) != end) {
    ++duplicates_;
    return Sequence::duplicate;
  }
  // Past the bound the oldest key is overwritten: a repeat of it would pass, which is rarer
  // than nine events in one nanosecond.
  s.keys[s.key_count % kKeysPerInstant] = key;
  ++s.key_count;
  return Sequence::accepted;
}

}  // namespace meridian::market
