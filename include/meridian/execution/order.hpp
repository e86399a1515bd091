#pragma once
// Orders and fills as executors and the engine see them. Plain data; an order's strings are
// short (client ids are at most 64 bytes) and orders are created per decision, never
// per tick.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "meridian/core/error.hpp"
#include "meridian/core/types.hpp"

namespace meridian::execution {

using OrderId = std::uint64_t;

// Names match the orders table's CHECK constraints (sql/003_full_schema.sql).
enum class OrderType : std::uint8_t { market, limit, stop, stop_limit };
enum class TimeInForce : std::uint8_t { gtc, ioc, fok, day };
enum class OrderStatus : std::uint8_t { new_order, accepted, partially_filled, filled, cancelled, rejected, expired };
enum class Liquidity : std::uint8_t { taker, maker };

std::string_view to_string(OrderType t) noexcept;
std::string_view to_string(TimeInForce t) noexcept;
std::string_view to_string(OrderStatus s) noexcept;  // new_order -> "new"
std::string_view to_string(Liquidity l) noexcept;
std::optional<OrderType> parse_order_type(std::string_view s) noexcept;
std::optional<TimeInForce> parse_time_in_force(std::string_view s) noexcept;
std::optional<OrderStatus> parse_order_status(std::string_view s) noexcept;
// filled, cancelled, rejected, expired: nothing will happen to the order again.
bool is_terminal(OrderStatus s) noexcept;

// What a caller asks for. Validated by validate() before an executor sees it.
struct OrderRequest {
  core::SymbolId symbol = 0;
  core::Side side = core::Side::buy;
  core::Quantity quantity{};
  OrderType type = OrderType::market;
  TimeInForce tif = TimeInForce::gtc;
  core::Price limit_price{};  // limit, stop_limit
  core::Price stop_price{};   // stop, stop_limit (a trailing stop may leave it zero: derived)
  // Trailing stop (type stop or stop_limit): the stop follows the best price since acceptance
  // by an amount or a percentage (0 < percent < 100), never both; zero means not trailing.
  core::Price trail_amount{};
  double trail_percent = 0.0;
  // Bracket: when this entry fills, a take-profit limit and a stop-loss stop (trailing when
  // bracket_trail_* is set) are placed for the filled quantity on the other side, one
  // cancelling the other. Zero means no such leg.
  core::Price take_profit{};
  core::Price stop_loss{};
  core::Price bracket_trail_amount{};
  double bracket_trail_percent = 0.0;
  // Exits may only reduce the position that placed them (the sink says how much is left).
  bool reduce_only = false;
  std::string client_order_id;    // idempotency key, unique per portfolio; empty = none
  std::uint64_t strategy_id = 0;  // the strategy instance that decided (0: manual)
  // The user who placed it by hand (the audit trail's user id; 0: a strategy, a bracket leg, or
  // a caller without an account, as with auth off). Kept through replaces.
  std::int64_t placed_by = 0;
};

struct Order {
  OrderId id = 0;
  OrderRequest request;
  OrderStatus status = OrderStatus::new_order;
  core::Quantity filled_quantity{};
  core::Money filled_notional{};  // sum of price * quantity over fills: average = notional / qty
  core::Money fees{};
  core::Timestamp created{};      // when the decision was made (the market time of the touch)
  core::Timestamp eligible_at{};  // created + latency: no fill from data before this
  core::Timestamp updated{};
  // DAY orders: when they expire (the engine sets the venue's session end; zero = never).
  core::Timestamp expires_at{};
  OrderId parent_id = 0;  // bracket legs: the entry order
  OrderId oco_id = 0;     // bracket legs: the sibling cancelled when this one fills
  // Trailing stops: the best price seen since acceptance (highest for a sell stop, lowest
  // for a buy stop); the stop is derived from it and only ever moves in the order's favour.
  core::Price trail_anchor{};
  bool triggered = false;  // a stop or stop_limit whose stop has traded through
  std::string reason;      // why rejected, cancelled or expired
  // When the engine took the ticks a strategy decided this order on (steady clock; the epoch
  // for orders from elsewhere): where tick-to-fill starts. Carried, never interpreted, by
  // executors; not journaled (a restart ends the measurement).
  std::chrono::steady_clock::time_point decided_wall{};

  core::Quantity remaining() const noexcept { return request.quantity - filled_quantity; }
  core::Price average_price() const noexcept { return core::per_unit(filled_notional, filled_quantity); }
};

struct Fill {
  OrderId order_id = 0;
  core::SymbolId symbol = 0;
  core::Side side = core::Side::buy;
  core::Quantity quantity{};
  core::Price price{};
  core::Money fee{};
  Liquidity liquidity = Liquidity::taker;
  core::Timestamp ts{};  // the market data that allowed it
  std::uint64_t strategy_id = 0;
};

// Why an order request is malformed: a snake_case code and a sentence that starts with the
// field at fault.
struct RequestError {
  std::string_view code;  // a literal: static storage
  std::string message;
};

// Lets core::Result<T, RequestError>::value() throw (std::invalid_argument naming the code);
// callers test the result instead.
[[noreturn]] void throw_exception_from_error(const RequestError& e, const boost::source_location& loc);

// A value when the request is well formed (positive quantity, prices the type needs and only
// those, trail amount xor percent on stops, bracket legs on the right side of the limit price,
// client id at most 64 bytes of UTF-8, not characters), else the first reason it is not.
core::Result<void, RequestError> validate(const OrderRequest& request);

}  // namespace meridian::execution
