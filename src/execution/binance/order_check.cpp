#include "meridian/execution/binance/order_check.hpp"

namespace meridian::execution::binance {

core::Result<PreparedOrder, RequestError> prepare_order(const OrderRequest& request, std::string_view symbol,
                                                        std::string_view client_order_id, const VenueFacts& facts,
                                                        core::Price reference_price) {
  if (auto why = unsupported(request)) return RequestError{"unsupported", std::move(*why)};
  if (auto why = client_order_id_error(client_order_id)) return RequestError{"client_order_id", std::move(*why)};
  if (facts.info == nullptr || !facts.clock)
    return RequestError{"venue_not_ready", "Binance's filters and time are not known yet (connecting)"};
  if (facts.clock->skew_exceeds(facts.recv_window_ms))
    return RequestError{"clock_skew", "our clock is " + std::to_string(facts.clock->offset_ms) +
                                          " ms off Binance's (round trip " +
                                          std::to_string(facts.clock->round_trip_ms) + " ms), beyond the " +
                                          std::to_string(facts.recv_window_ms) + " ms recvWindow: fix the clock (NTP)"};
  const auto* filters = facts.info->find(symbol);
  if (filters == nullptr) return RequestError{"unknown_symbol", "Binance lists no symbol " + std::string(symbol)};
  if (auto why = check(*filters, request, reference_price)) return RequestError{"filter", std::move(*why)};
  return PreparedOrder{order_params(request, symbol, client_order_id)};
}

}  // namespace meridian::execution::binance
