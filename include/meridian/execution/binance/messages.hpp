#pragma once
// Binance spot's API as data (issue 15): the HMAC-SHA256 signature of SIGNED endpoints, the
// queries of POST/GET/DELETE /api/v3/order, order objects and the user data stream's events
// (executionReport, listenKeyExpired) as venue-neutral updates, error bodies, open orders,
// balances, server time and the clock offset, the exchangeInfo filters (LOT_SIZE, PRICE_FILTER,
// MIN_NOTIONAL, NOTIONAL) checked before sending (never conformed: an order off the grid is
// refused, so what the engine holds is what was sent), and the rate-limit headers. Pure functions: no
// I/O, no clock. Shapes follow developers.binance.com (Spot API: "Request security", "Trading
// endpoints", "Filters", "User Data Stream").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/execution/gateway_orders.hpp"
#include "meridian/execution/reconciliation.hpp"
#include "meridian/transport/http_response.hpp"

namespace meridian::execution::binance {

// ---- Signing -------------------------------------------------------------------------------

// Lower-case hex HMAC-SHA256 of `payload` (the query string, or the query followed by the body)
// under the API secret: the `signature` parameter of a SIGNED request.
std::string sign(std::string_view secret, std::string_view payload);
// `query` with "&recvWindow=..&timestamp=.." appended (the venue's time, in ms: see ClockOffset).
std::string timed(std::string query, std::int64_t recv_window_ms, std::int64_t timestamp_ms);
// `query` with "&signature=<sign(secret, query)>" appended. The signature covers every
// parameter, so nothing may be added after it.
std::string signed_query(std::string_view secret, std::string query);

// Binance's default (and our) recvWindow: a request older than this at the venue is refused.
inline constexpr std::int64_t kRecvWindowMs = 5000;

// ---- Orders --------------------------------------------------------------------------------

// Binance's client order ids: ^[a-zA-Z0-9-_]{1,36}$.
inline constexpr std::size_t kMaxClientOrderId = 36;
// Why Binance would refuse `id` as newClientOrderId, or nullopt. GatewayOrders' ids
// ("mrd-<portfolio>-<order>[-r<revision>]") fit whenever portfolio and revision are small
// (portfolio <= 8191 and fewer than 1000 replaces leave 20 digits for the order id: any
// uint64); the gateway still checks every id and refuses an order whose id would not fit rather
// than sending a shortened one the book would not recognise.
std::optional<std::string> client_order_id_error(std::string_view id);

// An order status ("NEW", "FILLED", ...) as a venue state; nullopt for an undocumented one.
std::optional<VenueOrderState> order_state(std::string_view status) noexcept;

// Why Binance spot cannot take this request, or nullopt: DAY orders (spot has GTC/IOC/FOK
// only), trailing stops (Binance's trailingDelta trails in basis points from activation, not
// our amount or percentage from acceptance: not mapped yet), bracket legs (OCO: not mapped yet).
std::optional<std::string> unsupported(const OrderRequest& request);
// The parameters of POST /api/v3/order (before timed() and signed_query()): symbol, side, type
// (market -> MARKET, limit -> LIMIT, stop -> STOP_LOSS, stop_limit -> STOP_LOSS_LIMIT),
// timeInForce for the limit types, quantity, price, stopPrice, newClientOrderId and
// newOrderRespType=FULL. Decimals exact. `symbol` is Binance's ("BTCUSDT") and, like the client
// id, needs no URL encoding (letters, digits, '-', '_').
std::string order_params(const OrderRequest& request, std::string_view symbol, std::string_view client_order_id);
// "symbol=..&origClientOrderId=..": GET /api/v3/order (query) and DELETE /api/v3/order (cancel).
std::string client_id_params(std::string_view symbol, std::string_view client_order_id);

// An order object (an answer of POST with FULL, GET or DELETE /api/v3/order) as an update:
// totals (executedQty, average price from cummulativeQuoteQty), no execution: the stream's
// executionReport names each trade, and GatewayOrders books a total once either way. The
// client order id is origClientOrderId when present (a cancel's answer), else clientOrderId.
std::optional<VenueOrderUpdate> parse_order(std::string_view json, std::string& error);
// GET /api/v3/openOrders: the venue's open orders; nullopt (and `error`) when not an array of
// order objects.
std::optional<std::vector<VenueOpenOrder>> parse_open_orders(std::string_view json, std::string& error);

// Binance's error body {"code":-2010,"msg":"..."}.
struct VenueError {
  std::int64_t code = 0;
  std::string message;
};
inline constexpr std::int64_t kInvalidTimestamp = -1021;  // outside recvWindow, or ahead of the venue
inline constexpr std::int64_t kInvalidSignature = -1022;
inline constexpr std::int64_t kNewOrderRejected = -2010;  // "Duplicate order sent.", balance, ...
inline constexpr std::int64_t kCancelRejected = -2011;
inline constexpr std::int64_t kNoSuchOrder = -2013;
// nullopt when `body` is not such an object.
std::optional<VenueError> parse_error(std::string_view body);
// For people: "-2010 Duplicate order sent.", else the body itself, shortened.
std::string error_message(std::string_view body);

// GET /api/v3/account's balances, exact.
struct Balance {
  std::string asset;
  core::Quantity free{};
  core::Quantity locked{};
};
std::optional<std::vector<Balance>> parse_balances(std::string_view json, std::string& error);

// ---- Server time ---------------------------------------------------------------------------

// GET /api/v3/time: {"serverTime": ms}. nullopt when not that.
std::optional<std::int64_t> parse_server_time(std::string_view json);

// The venue's clock against ours, measured at connect (and again later) from one GET
// /api/v3/time: the server's time is taken to be read at the midpoint of the round trip.
struct ClockOffset {
  std::int64_t offset_ms = 0;      // server - local midpoint
  std::int64_t round_trip_ms = 0;  // the measurement's uncertainty is half of it

  static ClockOffset measure(std::int64_t sent_local_ms, std::int64_t server_ms,
                             std::int64_t received_local_ms) noexcept;
  // The timestamp to send for a request made at `local_ms`.
  std::int64_t venue_time(std::int64_t local_ms) const noexcept { return local_ms + offset_ms; }
  // Whether our clock is off by more than the window (or the measurement is too uncertain to
  // tell): issue 15 wants that reported and orders refused until a new measurement is within
  // it, not timestamps corrected by a figure that large (a clock that far off is broken and
  // drifts; the venue would reject what the correction gets wrong with -1021).
  bool skew_exceeds(std::int64_t recv_window_ms) const noexcept;
};

// ---- Rate limits ---------------------------------------------------------------------------

// The account's limits (exchangeInfo's rateLimits; Binance's documented defaults until read).
struct RateLimits {
  std::int64_t weight_1m = 6000;
  std::int64_t orders_10s = 100;
  std::int64_t orders_1d = 200000;
};
// What the last answer's headers say is left: limit - X-MBX-USED-WEIGHT-1M,
// limit - X-MBX-ORDER-COUNT-10S, limit - X-MBX-ORDER-COUNT-1D (never negative); nullopt for a
// header the answer did not carry or that is not a count.
struct RateHeadroom {
  std::optional<std::int64_t> weight_1m;
  std::optional<std::int64_t> orders_10s;
  std::optional<std::int64_t> orders_1d;
};
RateHeadroom rate_headroom(const transport::HttpResponse& response, const RateLimits& limits);

// ---- Exchange filters ----------------------------------------------------------------------

// LOT_SIZE (minQty, maxQty, stepSize) and PRICE_FILTER (minPrice, maxPrice, tickSize): a range
// and a grid from the minimum. Zero min, max or step: that rule is off (Binance's convention).
template <class F>
struct GridFilter {
  F min{}, max{}, step{};
};
using LotSize = GridFilter<core::Quantity>;
using PriceFilter = GridFilter<core::Price>;
struct MinNotional {
  core::Money min{};
  bool apply_to_market = true;
};
struct Notional {
  core::Money min{}, max{};  // max zero: none
  bool apply_min_to_market = true;
  bool apply_max_to_market = false;
};
struct SymbolFilters {
  std::string symbol;  // Binance's ("BTCUSDT")
  std::string status;  // "TRADING", "BREAK", ...
  std::string base_asset;
  std::string quote_asset;
  std::optional<LotSize> lot_size;
  std::optional<PriceFilter> price;
  std::optional<MinNotional> min_notional;
  std::optional<Notional> notional;
};
struct ExchangeInfo {
  std::vector<SymbolFilters> symbols;
  RateLimits limits;
  const SymbolFilters* find(std::string_view symbol) const noexcept;
};
// GET /api/v3/exchangeInfo. Filters this gateway does not check are skipped; a filter it
// checks with a missing or malformed field fails the whole parse (and `error` names it): a
// filter half read would let orders through that the venue refuses.
std::optional<ExchangeInfo> parse_exchange_info(std::string_view json, std::string& error);

// Why the venue's filters refuse `request`, naming the filter and the limit ("LOT_SIZE:
// quantity 0.00015 is not a multiple of stepSize 0.0001"), or nullopt. Prices are checked
// where the type has them (a market order's zero price is not); notional is quantity times the
// limit price, or for market and stop orders times `reference_price` (the venue uses its
// average price) and only as the filter's apply*ToMarket says; with no reference price (zero)
// a market order's notional is not checked here and the venue's own check stands. A symbol not
// in status TRADING is refused.
std::optional<std::string> check(const SymbolFilters& filters, const OrderRequest& request,
                                 core::Price reference_price);

// ---- User data stream ----------------------------------------------------------------------

// POST /api/v3/userDataStream: {"listenKey": ".."}; nullopt when not that.
std::optional<std::string> parse_listen_key(std::string_view json);

struct StreamEvent {
  enum class Kind : std::uint8_t {
    execution_report,    // `update`; a trade carries its execution
    listen_key_expired,  // the stream ends: a new key, a new stream, a read-back of what was missed
    account,             // outboundAccountPosition, balanceUpdate: balances changed
    other,               // an event not ours to read
    invalid,             // `error` says why
  };
  Kind kind = Kind::other;
  VenueOrderUpdate update;
  std::string execution_type;  // "x": NEW, TRADE, CANCELED, EXPIRED, REJECTED, TRADE_PREVENTION, ...
  // The execution's fee ("n") is in this asset ("N"); the gateway books it as the order's fee
  // only when it is the symbol's quote asset (BNB or base-asset fees are accounted elsewhere).
  std::string commission_asset;
  std::string symbol;
  std::string error;
};
// One user-data-stream frame: the event itself, or wrapped as {"stream":..,"data":{..}} or
// {"subscriptionId":..,"event":{..}}.
StreamEvent parse_stream_event(std::string_view text);

}  // namespace meridian::execution::binance
