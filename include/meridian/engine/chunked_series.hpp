#pragma once
// An append-only history, oldest first and bounded, shared with snapshot readers without
// copying (bars, trades, signals, the equity curve).
//
// Items sit in fixed-size chunks. The engine strand appends by writing the next free slot of
// the last chunk; a ChunkedSeries counts only the slots written before it was made, and a
// slot is never written again (chunks are not reused: a reader may still hold one), so
// readers on any thread never read a slot being written. Appending allocates one chunk per
// N items, never per item; a chunk is freed when the last series holding it goes. Making a
// series copies the chunk pointers only, so publishing costs the same for 10 or 10,000 items.
#include <algorithm>
#include <array>
#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

namespace meridian::engine {

template <class T, std::size_t N>
class ChunkedSeries {
 public:
  static constexpr std::size_t kChunkItems = N;
  struct Chunk {
    std::array<T, N> items{};
  };

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

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
    friend class ChunkedSeries;
    const_iterator(const ChunkedSeries* series, std::size_t index) noexcept : series_(series), index_(index) {}
    std::size_t advanced(difference_type n) const noexcept {
      return static_cast<std::size_t>(static_cast<difference_type>(index_) + n);
    }
    const ChunkedSeries* series_ = nullptr;
    std::size_t index_ = 0;
  };
  using iterator = const_iterator;
  using reverse_iterator = std::reverse_iterator<const_iterator>;
  using const_reverse_iterator = reverse_iterator;
  using value_type = T;
  using size_type = std::size_t;

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const T& operator[](std::size_t i) const noexcept {
    const std::size_t slot = first_ + i;
    return chunks_[slot / N]->items[slot % N];
  }
  const T& front() const noexcept { return (*this)[0]; }
  const T& back() const noexcept { return (*this)[size_ - 1]; }
  const_iterator begin() const noexcept { return {this, 0}; }
  const_iterator end() const noexcept { return {this, size_}; }
  reverse_iterator rbegin() const noexcept { return reverse_iterator(end()); }
  reverse_iterator rend() const noexcept { return reverse_iterator(begin()); }
  // The same items in the same order (however they are chunked).
  friend bool operator==(const ChunkedSeries& a, const ChunkedSeries& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  template <class, std::size_t>
  friend class ChunkedHistory;
  std::vector<std::shared_ptr<const Chunk>> chunks_;
  std::size_t first_ = 0;  // slot of the oldest item in chunks_.front()
  std::size_t size_ = 0;
};

// The writer side: owned by the engine strand.
template <class T, std::size_t N>
class ChunkedHistory {
 public:
  using Series = ChunkedSeries<T, N>;

  // Keeps the newest `capacity` items (at least one).
  explicit ChunkedHistory(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  void push(const T& item) {
    const std::size_t slot = first_ + size_;
    if (slot == chunks_.size() * N) chunks_.push_back(std::make_shared<typename Series::Chunk>());
    chunks_[slot / N]->items[slot % N] = item;
    if (size_ < capacity_) {
      ++size_;
    } else if (++first_ == N) {
      // The oldest chunk holds no kept item any more: let it go (readers may still hold it).
      chunks_.erase(chunks_.begin());
      first_ = 0;
    }
    stale_ = true;
  }
  // Forgets everything (readers keep what they hold).
  void clear() {
    chunks_.clear();
    first_ = size_ = 0;
    stale_ = true;
  }
  // Everything pushed so far (within capacity), immutable; remade at most once per push.
  // Logically const: the cached series is only a view of what was pushed.
  const std::shared_ptr<const Series>& series() const {
    if (stale_ || !series_) {
      auto s = std::make_shared<Series>();
      s->chunks_.assign(chunks_.begin(), chunks_.end());
      s->first_ = first_;
      s->size_ = size_;
      series_ = std::move(s);
      stale_ = false;
    }
    return series_;
  }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::size_t capacity_;
  std::vector<std::shared_ptr<typename Series::Chunk>> chunks_;
  std::size_t first_ = 0;
  std::size_t size_ = 0;
  mutable std::shared_ptr<const Series> series_;
  mutable bool stale_ = true;
};

}  // namespace meridian::engine
