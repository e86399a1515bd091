#include "meridian/indicators/rolling_min_max.hpp"

#include <algorithm>

namespace meridian::indicators {

void RollingMinMax::end_block() noexcept {
  double lo = kInfinity;
  double hi = -kInfinity;
  for (std::size_t j = block_.size(); j-- > 0;) {
    lo = block_[j] < lo ? block_[j] : lo;
    hi = block_[j] > hi ? block_[j] : hi;
    suffix_min_[j] = lo;
    suffix_max_[j] = hi;
  }
  pos_ = 0;
  prefix_min_ = kInfinity;
  prefix_max_ = -kInfinity;
  full_ = true;
}

void RollingMinMax::reset() noexcept {
  // Before the first block completes there is no previous block: its suffixes are neutral.
  std::fill(suffix_min_.begin(), suffix_min_.end(), kInfinity);
  std::fill(suffix_max_.begin(), suffix_max_.end(), -kInfinity);
  pos_ = 0;
  prefix_min_ = kInfinity;
  prefix_max_ = -kInfinity;
  min_ = max_ = 0.0;
  full_ = false;
}

}  // namespace meridian::indicators
