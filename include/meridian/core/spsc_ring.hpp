#pragma once
// Bounded single-producer single-consumer ring. The producer never locks or allocates;
// the consumer may block in wait_for_data() on C++20 atomic wait (a futex), which the
// producer wakes with one notify per push (a futex wake only when someone waits).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>

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

  // Consumer only.
  std::optional<T> try_pop() {
    const auto head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return std::nullopt;
    T item = std::move(slots_[head % capacity_]);
    head_.store(head + 1, std::memory_order_release);
    return item;
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

 private:
  const std::size_t capacity_;
  std::unique_ptr<T[]> slots_;
  alignas(64) std::atomic<std::uint64_t> head_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  mutable std::atomic<std::uint32_t> signal_{0};
};

}  // namespace meridian::core
