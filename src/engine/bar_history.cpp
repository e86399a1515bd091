#include "meridian/engine/bar_history.hpp"

#include <algorithm>

namespace meridian::engine {

BarHistory::BarHistory(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void BarHistory::push(const core::Bar& bar) {
  constexpr std::size_t kChunk = BarSeries::kChunkBars;
  const std::size_t slot = first_ + size_;
  if (slot == chunks_.size() * kChunk) chunks_.push_back(std::make_shared<BarSeries::Chunk>());
  chunks_[slot / kChunk]->bars[slot % kChunk] = bar;
  if (size_ < capacity_) {
    ++size_;
  } else if (++first_ == kChunk) {
    // The oldest chunk holds no kept bar any more: let it go (readers may still hold it).
    chunks_.erase(chunks_.begin());
    first_ = 0;
  }
  stale_ = true;
}

const std::shared_ptr<const BarSeries>& BarHistory::series() {
  if (stale_) {
    auto s = std::make_shared<BarSeries>();
    s->chunks_.assign(chunks_.begin(), chunks_.end());
    s->first_ = first_;
    s->size_ = size_;
    series_ = std::move(s);
    stale_ = false;
  }
  return series_;
}

}  // namespace meridian::engine
