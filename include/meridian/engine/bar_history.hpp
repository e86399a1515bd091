#pragma once
// Closed bars of one symbol and timeframe, oldest first and bounded, shared with snapshot
// readers without copying.
//
// Bars sit in fixed-size chunks. The engine strand appends by writing the next free slot of
// the last chunk; a BarSeries counts only the slots written before it was made, and a slot
// is never written again (chunks are not reused: a reader may still hold one), so readers on
// any thread never read a slot being written. Appending allocates one chunk per kChunkBars
// bars, never per tick; a chunk is freed when the last series holding it goes.
#include <array>
#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::engine {

inline constexpr std::size_t kTimeframeCount = std::size(core::kAllTimeframes);

class BarSeries {
 public:
  static constexpr std::size_t kChunkBars = 256;
  struct Chunk {
    std::array<core::Bar, kChunkBars> bars{};
  };

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = core::Bar;
    using difference_type = std::ptrdiff_t;
    using pointer = const core::Bar*;
    using reference = const core::Bar&;

    const_iterator() = default;
    reference operator*() const noexcept { return (*series_)[index_]; }
    pointer operator->() const noexcept { return &(*series_)[index_]; }
    reference operator[](difference_type n) const noexcept { return (*series_)[advanced(n)]; }
    const_iterator& operator++() noexcept { return *this += 1; }
    const_iterator operator++(int) noexcept {
      auto old = *this;
      ++*this;
      return old;
    }
    const_iterator& operator--() noexcept { return *this -= 1; }
    const_iterator operator--(int) noexcept {
      auto old = *this;
      --*this;
      return old;
    }
    const_iterator& operator+=(difference_type n) noexcept {
      index_ = advanced(n);
      return *this;
    }
    const_iterator& operator-=(difference_type n) noexcept { return *this += -n; }
    friend const_iterator operator+(const_iterator it, difference_type n) noexcept { return it += n; }
    friend const_iterator operator+(difference_type n, const_iterator it) noexcept { return it += n; }
    friend const_iterator operator-(const_iterator it, difference_type n) noexcept { return it -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) noexcept {
      return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept { return a.index_ == b.index_; }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) noexcept { return a.index_ <=> b.index_; }

   private:
    friend class BarSeries;
    const_iterator(const BarSeries* series, std::size_t index) noexcept : series_(series), index_(index) {}
    std::size_t advanced(difference_type n) const noexcept {
      return static_cast<std::size_t>(static_cast<difference_type>(index_) + n);
    }
    const BarSeries* series_ = nullptr;
    std::size_t index_ = 0;
  };
  using iterator = const_iterator;
  using value_type = core::Bar;
  using size_type = std::size_t;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const core::Bar& operator[](std::size_t i) const noexcept {
    const std::size_t slot = first_ + i;
    return chunks_[slot / kChunkBars]->bars[slot % kChunkBars];
  }
  const core::Bar& front() const noexcept { return (*this)[0]; }
  const core::Bar& back() const noexcept { return (*this)[size_ - 1]; }
  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, size_}; }

 private:
  friend class BarHistory;
  std::vector<std::shared_ptr<const Chunk>> chunks_;
  std::size_t first_ = 0;  // slot of the oldest bar in chunks_.front()
  std::size_t size_ = 0;
};

// The writer side: owned by the engine strand.
class BarHistory {
 public:
  // Keeps the newest `capacity` bars (at least one).
  explicit BarHistory(std::size_t capacity);

  void push(const core::Bar& bar);
  // Everything pushed so far (within capacity), immutable; remade at most once per push.
  const std::shared_ptr<const BarSeries>& series();
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::size_t capacity_;
  std::vector<std::shared_ptr<BarSeries::Chunk>> chunks_;
  std::size_t first_ = 0;
  std::size_t size_ = 0;
  std::shared_ptr<const BarSeries> series_;
  bool stale_ = true;
};

}  // namespace meridian::engine
