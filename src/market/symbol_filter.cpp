#include "meridian/market/symbol_filter.hpp"

namespace meridian::market {

void SymbolFilter::subscribe(std::span<const core::SymbolId> symbols) {
  for (auto s : symbols) {
    if (s < off_.size() && off_[s]) {
      off_[s] = false;
      --off_count_;
    }
  }
}

void SymbolFilter::unsubscribe(std::span<const core::SymbolId> symbols) {
  for (auto s : symbols) {
    if (s >= off_.size()) off_.resize(static_cast<std::size_t>(s) + 1, false);
    if (!off_[s]) {
      off_[s] = true;
      ++off_count_;
    }
  }
}

}  // namespace meridian::market
