#pragma once
// Bounded single-producer single-consumer ring. The producer never locks or allocates;
// the consumer may block in wait_for_data() on C++20 atomic wait (a futex), which the
// producer wakes with one notify per push (a futex wake only when someone waits).
// try_push_n/pop_into move a whole batch with one index update each.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

namespace meridian::core {

template <class T>
class SpscRing {
 public:
  explicit SpscRing(std::size_t capacity) : capacity_(capacity), slots_(std::make_unique<T[]>(capacity)) {
    if (capacity < 2) throw std::invalid_argument("SpscRing capacity must be at least 2");
  }

  // Producer only. False when full: the caller keeps the item.
  bool try_push(T&& item) {
    const auto tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) >= capacity_) return false;
    slots_[tail % capacity_] = std::move(item);
    tail_.store(tail + 1, std::memory_order_release);
    signal_.fetch_add(1, std::memory_order_release);
    signal_.notify_one();
    return true;
  }

  // Producer only: copies the longest prefix of `items` that fits, publishes it with one
  // index update and one wake-up, and returns how many were taken (0 when full).
  std::size_t try_push_n(std::span<const T> items) {
    const auto tail = tail_.load(std::memory_order_relaxed);
    const auto free = capacity_ - static_cast<std::size_t>(tail - head_.load(std::memory_order_acquire));
    const auto n = std::min(free, items.size());
    if (n == 0) return 0;
    const auto at = static_cast<std::size_t>(tail % capacity_);
    const auto first = std::min(n, capacity_ - at);  // up to the end of the slots, then from 0
    std::copy_n(items.begin(), first, slots_.get() + at);
    std::copy_n(items.begin() + static_cast<std::ptrdiff_t>(first), n - first, slots_.get());
    tail_.store(tail + n, std::memory_order_release);
    signal_.fetch_add(1, std::memory_order_release);
    signal_.notify_one();
    return n;
  }

  // Consumer only.
  std::optional<T> try_pop() {
    const auto head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return std::nullopt;
    T item = std::move(slots_[head % capacity_]);
    head_.store(head + 1, std::memory_order_release);
    return item;
  }

  // Consumer only: appends up to `max` items (all available by default) to `out`, frees
  // their slots with one index update, and returns how many.
  std::size_t pop_into(std::vector<T>& out, std::size_t max = SIZE_MAX) {
    const auto head = head_.load(std::memory_order_relaxed);
    const auto n = std::min(max, static_cast<std::size_t>(tail_.load(std::memory_order_acquire) - head));
    if (n == 0) return 0;
    const auto at = static_cast<std::size_t>(head % capacity_);
    const auto first = std::min(n, capacity_ - at);
    out.insert(out.end(), std::make_move_iterator(slots_.get() + at),
               std::make_move_iterator(slots_.get() + at + first));
    out.insert(out.end(), std::make_move_iterator(slots_.get()), std::make_move_iterator(slots_.get() + (n - first)));
    head_.store(head + n, std::memory_order_release);
    return n;
  }

  // Consumer only: blocks until the ring is non-empty or interrupt() is called. Waiting on
  // a counter bumped after every push means a push between the check and the wait is
  // never missed.
  void wait_for_data() const {
    const auto seen = signal_.load(std::memory_order_acquire);
    if (head_.load(std::memory_order_relaxed) != tail_.load(std::memory_order_acquire)) return;
    signal_.wait(seen, std::memory_order_acquire);
  }

  // Any thread: wakes a consumer blocked in wait_for_data() (shutdown).
  void interrupt() {
    signal_.fetch_add(1, std::memory_order_release);
    signal_.notify_all();
  }

  std::size_t size() const noexcept {
    return static_cast<std::size_t>(tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire));
  }
  std::size_t capacity() const noexcept { return capacity_; }
  // Any thread: items ever pushed and ever popped (a consumer can mark "everything pushed so far").
  std::uint64_t pushed() const noexcept { return tail_.load(std::memory_order_acquire); }
  std::uint64_t popped() const noexcept { return head_.load(std::memory_order_acquire); }

 private:
  const std::size_t capacity_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  mutable std::atomic<std::uint32_t> signal_{0};
};

}  // namespace meridian::core
