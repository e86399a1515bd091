#pragma once
// Everything the Binance gateway checks before an order goes on the wire, in one pure step:
// what Binance spot cannot take, the client order id, the venue clock (measured, within the
// window), the symbol's exchange filters (fetched, the order on their grid: an order off it is
// refused naming the filter, never moved onto it, so the engine's order is what was sent), and
// the parameters to send. The gateway refuses the order with the first reason, or sends what this returns.
#include <optional>
#include <string>
#include <string_view>

#include "meridian/core/error.hpp"
#include "meridian/execution/binance/messages.hpp"

namespace meridian::execution::binance {

// What the gateway knows of the venue when the order comes.
struct VenueFacts {
  const ExchangeInfo* info = nullptr;  // null: exchangeInfo not fetched yet
  std::optional<ClockOffset> clock;    // nullopt: the venue's time not measured yet
  std::int64_t recv_window_ms = kRecvWindowMs;
};

struct PreparedOrder {
  std::string params;  // POST /api/v3/order's parameters, before timed() and signed_query()
};

// The order as it will be sent, or why not, as RequestError codes:
//   unsupported      - unsupported() says what
//   client_order_id  - the id does not fit Binance's ^[a-zA-Z0-9-_]{1,36}$
//   clock_skew       - our clock is off the venue's by more than the recvWindow (as measured,
//                      exchangeInfo known or not)
//   venue_not_ready  - exchangeInfo or the venue's time is not known yet
//   unknown_symbol   - the venue lists no such symbol
//   filter           - check() names the filter and the limit
// Every order is checked as it is, whoever placed it. `reference_price` prices market orders'
// notional.
// Why orders are refused while our clock is `clock` off the venue's: the clock_skew message,
// also the gateway's status when it is measured.
std::string clock_skew_message(const ClockOffset& clock, std::int64_t recv_window_ms);

core::Result<PreparedOrder, RequestError> prepare_order(const OrderRequest& request, std::string_view symbol,
                                                        std::string_view client_order_id, const VenueFacts& facts,
                                                        core::Price reference_price);

}  // namespace meridian::execution::binance
