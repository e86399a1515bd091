#include "meridian/execution/binance/order_check.hpp"

namespace meridian::execution::binance {

std::string clock_skew_message(const ClockOffset& clock, std::int64_t recv_window_ms) {
  return "our clock is " + std::to_string(clock.offset_ms) + " ms off Binance's (round trip " +
         std::to_string(clock.round_trip_ms) + " ms), beyond the " + std::to_string(recv_window_ms) +
         " ms recvWindow: orders are refused until it is fixed (NTP)";
}

core::Result<PreparedOrder, RequestError> prepare_order(const OrderRequest& request, std::string_view symbol,
                                                        std::string_view client_order_id, const VenueFacts& facts,
                                                        core::Price reference_price) {
  if (auto why = unsupported(request)) return RequestError{"unsupported", std::move(*why)};
  if (auto why = client_order_id_error(client_order_id)) return RequestError{"client_order_id", std::move(*why)};
  // A skewed clock is said as soon as it is measured, filters known or not.
  if (facts.clock && facts.clock->skew_exceeds(facts.recv_window_ms))
    return RequestError{"clock_skew", clock_skew_message(*facts.clock, facts.recv_window_ms)};
  if (facts.info == nullptr || !facts.clock)
    return RequestError{"venue_not_ready", "Binance's filters and time are not known yet (connecting)"};
  const auto* filters = facts.info->find(symbol);
  if (filters == nullptr) return RequestError{"unknown_symbol", "Binance lists no symbol " + std::string(symbol)};
  if (auto why = check(*filters, request, reference_price)) return RequestError{"filter", std::move(*why)};
  return PreparedOrder{order_params(request, symbol, client_order_id)};
}

}  // namespace meridian::execution::binance
