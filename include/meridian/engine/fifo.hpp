#pragma once
// A first-in, first-out queue that keeps its storage: a vector and the index of its front.
// Popping frees nothing; once the queue is empty the vector is cleared (capacity kept), and
// before it would grow the space in front of the first element is reused (the elements still
// queued move down), so a queue that fills and drains in steady state allocates nothing once
// it has reached its working size. std::deque allocates and frees a block every few elements
// of traffic. A popped element lives on until the queue empties or compacts. Single-threaded.
#include <cstddef>
#include <utility>
#include <vector>

namespace meridian::engine {

template <class T>
class Fifo {
 public:
  bool empty() const noexcept { return head_ == items_.size(); }
  std::size_t size() const noexcept { return items_.size() - head_; }
  // Precondition for both: not empty().
  T& front() noexcept { return items_[head_]; }
  const T& front() const noexcept { return items_[head_]; }

  void push_back(T item) {
    if (head_ > 0 && items_.size() == items_.capacity()) compact();
    items_.push_back(std::move(item));
  }
  // Precondition: not empty().
  void pop_front() noexcept {
    if (++head_ == items_.size()) clear();
  }
  void clear() noexcept {
    items_.clear();
    head_ = 0;
  }

 private:
  void compact() {
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }

  std::vector<T> items_;
  std::size_t head_ = 0;  // the first element still queued
};

}  // namespace meridian::engine
