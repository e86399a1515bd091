#pragma once
// Orders and fills as the executor sees them. Plain data.
#include <cstdint>
#include <string_view>

#include "meridian/core/types.hpp"

namespace meridian::execution {

enum class OrderType : std::uint8_t { market };
std::string_view to_string(OrderType t) noexcept;

struct Order {
  std::uint64_t id = 0;
  core::SymbolId symbol = 0;
  core::Side side = core::Side::buy;
  core::Quantity quantity{};
  OrderType type = OrderType::market;
  core::Timestamp created{};
};

struct Fill {
  std::uint64_t order_id = 0;
  core::SymbolId symbol = 0;
  core::Side side = core::Side::buy;
  core::Quantity quantity{};
  core::Price price{};
  core::Money fee{};
  core::Timestamp ts{};
};

}  // namespace meridian::execution
