#pragma once
// A bounded replay ring of one WebSocket topic: the newest `capacity` entries, each with the
// topic's sequence number, oldest first. Several entries may share a seq (the variants of one
// event for audiences that never overlap, e.g. /ws's `tradingStarted` and /ws/stream's
// `state_change`); the capacity counts entries. Not thread-safe: the hub guards it.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace meridian::api {

template <class T>
class ReplayRing {
 public:
  explicit ReplayRing(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // `seq` is never below the previous entry's.
  void push(std::uint64_t seq, T value) {
    if (entries_.size() == capacity_) {
      evicted_ = entries_.front().first;
      entries_.pop_front();
    }
    entries_.emplace_back(seq, std::move(value));
    last_ = seq;
  }

  // Whether every entry after `since` is still held, so a client that has seen up to `since`
  // can be brought up to date from the ring alone. False when `since` is ahead of the topic
  // (a client of an earlier daemon run).
  bool covers(std::uint64_t since) const noexcept { return since <= last_ && since >= evicted_; }

  // Calls f(seq, value) for each entry with seq > since, oldest first.
  template <class F>
  void for_each_after(std::uint64_t since, F&& f) const {
    for (const auto& [seq, value] : entries_)
      if (seq > since) f(seq, value);
  }

  std::uint64_t last_seq() const noexcept { return last_; }
  std::size_t size() const noexcept { return entries_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<std::pair<std::uint64_t, T>> entries_;
  std::uint64_t last_ = 0;
  std::uint64_t evicted_ = 0;  // the newest seq of which an entry is gone (0: none)
};

}  // namespace meridian::api
