#pragma once
// The symbols a feed delivers: all of them until some are unsubscribed. Used on the feed's
// executor only (not thread-safe); checking a symbol is one bit test, no allocation.
#include <span>
#include <vector>

#include "meridian/core/types.hpp"

namespace meridian::market {

class SymbolFilter {
 public:
  void subscribe(std::span<const core::SymbolId> symbols);
  void unsubscribe(std::span<const core::SymbolId> symbols);
  bool wants(core::SymbolId symbol) const noexcept { return symbol >= off_.size() || !off_[symbol]; }
  bool wants_all() const noexcept { return off_count_ == 0; }

 private:
  std::vector<bool> off_;  // by SymbolId: unsubscribed
  std::size_t off_count_ = 0;
};

}  // namespace meridian::market
