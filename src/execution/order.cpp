#include "meridian/execution/order.hpp"

#include <array>
#include <boost/throw_exception.hpp>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace meridian::execution {
namespace {

// One table per enum so to_string and parse cannot disagree.
constexpr std::array<std::pair<OrderType, std::string_view>, 4> kTypes{{
    {OrderType::market, "market"},
    {OrderType::limit, "limit"},
    {OrderType::stop, "stop"},
    {OrderType::stop_limit, "stop_limit"},
}};
constexpr std::array<std::pair<TimeInForce, std::string_view>, 4> kTifs{{
    {TimeInForce::gtc, "gtc"},
    {TimeInForce::ioc, "ioc"},
    {TimeInForce::fok, "fok"},
    {TimeInForce::day, "day"},
}};
constexpr std::array<std::pair<OrderStatus, std::string_view>, 7> kStatuses{{
    {OrderStatus::new_order, "new"},
    {OrderStatus::accepted, "accepted"},
    {OrderStatus::partially_filled, "partially_filled"},
    {OrderStatus::filled, "filled"},
    {OrderStatus::cancelled, "cancelled"},
    {OrderStatus::rejected, "rejected"},
    {OrderStatus::expired, "expired"},
}};

template <class Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) noexcept {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                             std::string_view name) noexcept {
  for (const auto& [e, text] : table)
    if (text == name) return e;
  return std::nullopt;
}

// Counted in bytes of its UTF-8 text (what is stored and compared), and said so.
constexpr std::size_t kMaxClientOrderId = 64;

bool valid_percent(double p) noexcept {
  return std::isfinite(p) && p >= 0.0 && p < 100.0;
}

RequestError error(std::string_view code, std::string message) {
  return RequestError{code, std::move(message)};
}

core::Result<void, RequestError> validate_prices(const OrderRequest& r) {
  const bool needs_limit = r.type == OrderType::limit || r.type == OrderType::stop_limit;
  const bool is_stop = r.type == OrderType::stop || r.type == OrderType::stop_limit;
  const std::string type{to_string(r.type)};
  if (r.limit_price.raw() < 0) return error("invalid_limit_price", "limit_price must be positive");
  if (needs_limit && r.limit_price.is_zero())
    return error("missing_limit_price", "limit_price is required for " + type + " orders");
  if (!needs_limit && !r.limit_price.is_zero())
    return error("unexpected_limit_price", "limit_price applies only to limit and stop_limit orders, not " + type);

  if (r.trail_amount.raw() < 0) return error("invalid_trail", "trail_amount must not be negative");
  if (!valid_percent(r.trail_percent)) return error("invalid_trail", "trail_percent must be at least 0 and below 100");
  const bool trailing = r.trail_amount.raw() > 0 || r.trail_percent > 0.0;
  if (r.trail_amount.raw() > 0 && r.trail_percent > 0.0)
    return error("invalid_trail", "set trail_amount or trail_percent, not both");
  if (trailing && !is_stop)
    return error("invalid_trail", "trail_amount and trail_percent apply only to stop and stop_limit orders");

  if (r.stop_price.raw() < 0) return error("invalid_stop_price", "stop_price must be positive");
  if (is_stop && r.stop_price.is_zero() && !trailing)
    return error("missing_stop_price",
                 "stop_price (or trail_amount / trail_percent) is required for " + type + " orders");
  if (!is_stop && !r.stop_price.is_zero())
    return error("unexpected_stop_price", "stop_price applies only to stop and stop_limit orders, not " + type);
  return {};
}

// Legs sit on the profitable and the losing side of where the entry executes: the limit price
// for limit entries, the stop for stop entries; a market entry only orders the two legs.
core::Result<void, RequestError> validate_bracket(const OrderRequest& r) {
  if (r.take_profit.raw() < 0) return error("invalid_bracket", "take_profit must not be negative");
  if (r.stop_loss.raw() < 0) return error("invalid_bracket", "stop_loss must not be negative");
  if (r.bracket_trail_amount.raw() < 0) return error("invalid_bracket", "bracket_trail_amount must not be negative");
  if (!valid_percent(r.bracket_trail_percent))
    return error("invalid_bracket", "bracket_trail_percent must be at least 0 and below 100");
  if (r.bracket_trail_amount.raw() > 0 && r.bracket_trail_percent > 0.0)
    return error("invalid_bracket", "set bracket_trail_amount or bracket_trail_percent, not both");
  const bool trailing_leg = r.bracket_trail_amount.raw() > 0 || r.bracket_trail_percent > 0.0;
  const bool any_leg = r.take_profit.raw() > 0 || r.stop_loss.raw() > 0 || trailing_leg;
  if (!any_leg) return {};
  if (r.reduce_only) return error("invalid_bracket", "a reduce_only order cannot carry a bracket");

  const bool buy = r.side == core::Side::buy;
  const core::Price tp = r.take_profit;
  const core::Price sl = r.stop_loss;
  if (!tp.is_zero() && !sl.is_zero() && (buy ? tp <= sl : tp >= sl))
    return error("invalid_bracket", buy ? "take_profit must be above stop_loss for a buy"
                                        : "take_profit must be below stop_loss for a sell");
  core::Price entry{};
  std::string_view entry_field;
  if (r.type == OrderType::limit || r.type == OrderType::stop_limit) {
    entry = r.limit_price;
    entry_field = "limit_price";
  } else if (r.type == OrderType::stop) {
    entry = r.stop_price;
    entry_field = "stop_price";
  }
  if (entry.is_zero()) return {};
  const std::string field{entry_field};
  if (!tp.is_zero() && (buy ? tp <= entry : tp >= entry))
    return error("invalid_bracket", "take_profit must be " + std::string(buy ? "above " : "below ") + field +
                                        " for a " + std::string(core::to_string(r.side)));
  if (!sl.is_zero() && (buy ? sl >= entry : sl <= entry))
    return error("invalid_bracket", "stop_loss must be " + std::string(buy ? "below " : "above ") + field + " for a " +
                                        std::string(core::to_string(r.side)));
  return {};
}

}  // namespace

std::string_view to_string(OrderType t) noexcept {
  return name_of(kTypes, t);
}
std::string_view to_string(TimeInForce t) noexcept {
  return name_of(kTifs, t);
}
std::string_view to_string(OrderStatus s) noexcept {
  return name_of(kStatuses, s);
}
std::string_view to_string(Liquidity l) noexcept {
  return l == Liquidity::maker ? "maker" : "taker";
}
std::optional<OrderType> parse_order_type(std::string_view s) noexcept {
  return value_of(kTypes, s);
}
std::optional<TimeInForce> parse_time_in_force(std::string_view s) noexcept {
  return value_of(kTifs, s);
}
std::optional<OrderStatus> parse_order_status(std::string_view s) noexcept {
  return value_of(kStatuses, s);
}

bool is_terminal(OrderStatus s) noexcept {
  return s == OrderStatus::filled || s == OrderStatus::cancelled || s == OrderStatus::rejected ||
         s == OrderStatus::expired;
}

void throw_exception_from_error(const RequestError& e, const boost::source_location& loc) {
  boost::throw_exception(std::invalid_argument(std::string(e.code) + ": " + e.message), loc);
}

core::Result<void, RequestError> validate(const OrderRequest& request) {
  if (request.quantity.raw() <= 0)
    return error("invalid_quantity", "quantity must be positive, got " + request.quantity.to_string());
  if (auto prices = validate_prices(request); !prices) return prices;
  if (auto bracket = validate_bracket(request); !bracket) return bracket;
  if (request.client_order_id.size() > kMaxClientOrderId)
    return error("client_order_id_too_long", "client_order_id has " + std::to_string(request.client_order_id.size()) +
                                                 " bytes; at most 64 bytes (UTF-8) are allowed");
  // The journal stores it as PostgreSQL text, which holds no NUL: a control character would be
  // a row the database refuses.
  for (const char c : request.client_order_id)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return error("invalid_client_order_id", "client_order_id must not contain control characters");
  return {};
}

}  // namespace meridian::execution
