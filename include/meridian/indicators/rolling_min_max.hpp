#pragma once
// Minimum and maximum of the last `period` values in O(1) amortised per push: two monotonic
// deques. Each deque is a ring of `period` slots allocated at construction (a deque over a
// window never holds more entries than the window), so a push never allocates.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace meridian::indicators {

class RollingMinMax {
 public:
  explicit RollingMinMax(std::size_t period);

  void push(double x) noexcept {
    ++seq_;
    // Entries pushed before `oldest` are outside the window [seq - period + 1, seq].
    const std::uint64_t oldest = seq_ > period_ ? seq_ - period_ + 1 : 1;
    min_.push(x, seq_, oldest);
    max_.push(x, seq_, oldest);
  }

  // Ready once `period` values have been pushed; before that min/max cover what was pushed.
  bool full() const noexcept { return seq_ >= period_; }
  double min() const noexcept { return min_.front(); }
  double max() const noexcept { return max_.front(); }
  std::size_t period() const noexcept { return period_; }
  void reset() noexcept;

 private:
  // Candidates for the extreme, oldest first, values strictly improving towards the front. A
  // value that a newer value beats (or ties) can never be the extreme again and is dropped.
  template <bool kMax>
  class Candidates {
   public:
    explicit Candidates(std::size_t capacity) : slots_(capacity) {}
    void push(double x, std::uint64_t seq, std::uint64_t oldest) noexcept {
      // The window moves by one per push, so at most the front entry expires.
      if (size_ != 0 && slots_[front_].seq < oldest) {
        if (++front_ == slots_.size()) front_ = 0;
        --size_;
      }
      while (size_ != 0 && beaten(slots_[index(size_ - 1)].value, x)) --size_;
      slots_[index(size_)] = {x, seq};
      ++size_;
    }
    double front() const noexcept { return slots_[front_].value; }
    void clear() noexcept { front_ = size_ = 0; }

   private:
    struct Slot {
      double value = 0.0;
      std::uint64_t seq = 0;
    };
    static bool beaten(double old, double x) noexcept { return kMax ? old <= x : old >= x; }
    std::size_t index(std::size_t offset) const noexcept {
      const std::size_t i = front_ + offset;
      return i >= slots_.size() ? i - slots_.size() : i;
    }

    std::vector<Slot> slots_;
    std::size_t front_ = 0;
    std::size_t size_ = 0;
  };

  std::size_t period_;
  std::uint64_t seq_ = 0;
  Candidates<false> min_;
  Candidates<true> max_;
};

}  // namespace meridian::indicators
