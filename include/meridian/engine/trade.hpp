#pragma once
// An executed trade as the ledger, journal and API see it.
#include <cstdint>
#include <string>
#include <string_view>

#include "meridian/core/types.hpp"

namespace meridian::engine {

struct Trade {
  std::uint64_t id = 0;
  std::uint64_t order_id = 0;
  std::int64_t portfolio_id = 1;
  core::SymbolId symbol = 0;
  core::Side side = core::Side::buy;
  core::Quantity quantity{};
  core::Price price{};
  core::Money fee{};
  core::Money realized_pnl{};
  core::Timestamp ts{};
  std::string_view strategy;      // static class name
  std::uint64_t strategy_id = 0;  // the instance that traded (0: none, e.g. recorded by hand)
  // Recorded by hand (POST /api/trades), not filled by the executor; `note` says why when the
  // caller forced a price outside the risk band ("forced: <reason>"), else it is empty.
  bool manual = false;
  std::string note;
  bool operator==(const Trade&) const = default;
};

}  // namespace meridian::engine
