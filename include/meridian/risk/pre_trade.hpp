#pragma once
// Pre-trade checks that deny with a reason code. Pure: the caller passes the state.
#include <string_view>

#include "meridian/core/fixed.hpp"
#include "meridian/core/types.hpp"

namespace meridian::risk {

enum class Denial : std::uint8_t { none, zero_quantity, insufficient_cash, insufficient_position, max_notional };
std::string_view to_string(Denial d) noexcept;

struct Limits {
  core::Money max_order_notional = core::Money::from_units(1'000'000);
};

struct OrderIntent {
  core::Side side = core::Side::buy;
  core::Quantity quantity{};
  core::Price price{};  // expected fill price
  core::Money fee{};    // expected fee
};

struct AccountView {
  core::Money cash{};
  core::Quantity position{};  // long-only for now: sells may not exceed it
};

Denial check_order(const OrderIntent& order, const AccountView& account, const Limits& limits) noexcept;

}  // namespace meridian::risk
