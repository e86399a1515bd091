#pragma once
// Alpaca's trading API as data: the order request body (POST /v2/orders), the replace body
// (PATCH /v2/orders/{id}), the order object of REST answers, the trade_updates stream's frames
// (authorization, listening, trade updates), and Alpaca's statuses and events mapped onto the
// venue-neutral VenueOrderState. Pure functions: no I/O. Shapes follow
// docs.alpaca.markets (Orders, Websocket Streaming).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/execution/gateway_orders.hpp"
#include "meridian/execution/reconciliation.hpp"

namespace meridian::execution::alpaca {

// An order's status (the order object's "status") as a venue state; nullopt for a status Alpaca
// does not document (the update is then not applied, and counted).
std::optional<VenueOrderState> order_state(std::string_view status) noexcept;
// A trade_updates event ("fill", "canceled", ...) as a venue state; nullopt when undocumented.
std::optional<VenueOrderState> event_state(std::string_view event) noexcept;

// Alpaca's symbol for one of ours: equities as they are ("AAPL"), crypto pairs with a slash
// ("BTC-USD" -> "BTC/USD").
std::string venue_symbol(std::string_view symbol);

// Why Alpaca cannot take this request as it stands, or nullopt. Bracket legs are refused for
// now: Alpaca's legs are venue orders of their own whose fills this gateway would not know
// (order_class "bracket" needs the legs mapped onto our leg orders first); so is a trailing
// stop_limit (Alpaca trails stop orders only).
std::optional<std::string> unsupported(const OrderRequest& request);
// The JSON body of POST /v2/orders: symbol, qty, side, type (market, limit, stop, stop_limit,
// trailing_stop), time_in_force, limit_price/stop_price/trail_price/trail_percent as the type
// needs, and client_order_id. Quantities and prices as decimal strings (exact).
std::string order_body(const OrderRequest& request, std::string_view symbol, std::string_view client_order_id);
// The JSON body of PATCH /v2/orders/{id}: the replacement's qty (what is left to fill: Alpaca's
// replacement is a new order), its prices, and its client order id.
std::string replace_body(const Order& order, const OrderRequest& changes, std::string_view client_order_id);

// An order object (a REST answer) as an update: totals, no execution. nullopt (and `error`
// says what) when it is not one.
std::optional<VenueOrderUpdate> parse_order(std::string_view json, std::string& error);
// GET /v2/orders?status=open: the venue's open orders (for reconciliation). nullopt (and
// `error` says why) when the answer is not an array of order objects.
std::optional<std::vector<VenueOpenOrder>> parse_open_orders(std::string_view json, std::string& error);
// GET /v2/positions: the venue's positions; nullopt (and `error`) when not an array of them.
std::optional<std::vector<VenuePosition>> parse_positions(std::string_view json, std::string& error);
// Alpaca's error body {"code":..,"message":".."}: the message, else the body itself, shortened.
std::string error_message(std::string_view body);

// The trade_updates stream's messages.
std::string auth_message(std::string_view key_id, std::string_view secret);
std::string listen_message();

struct StreamFrame {
  enum class Kind : std::uint8_t { authorized, unauthorized, listening, trade_update, other, invalid };
  Kind kind = Kind::other;
  VenueOrderUpdate update;  // trade_update
  std::string event;        // trade_update: Alpaca's event name
  std::string error;        // unauthorized, invalid: why
};
StreamFrame parse_stream_frame(std::string_view text);

}  // namespace meridian::execution::alpaca
