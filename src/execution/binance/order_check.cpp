#include "meridian/execution/binance/order_check.hpp"

namespace meridian::execution::binance {

namespace {

template <class F>
void note_change(std::string& note, std::string_view what, F before, F after) {
  if (before == after) return;
  if (!note.empty()) note += ", ";
  note += std::string(what) + " " + before.to_string() + " -> " + after.to_string();
}

}  // namespace

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
  PreparedOrder out;
  out.request = request;
  if (request.strategy_id != 0 && request.placed_by == 0) {
    out.request = conform(*filters, request);
    note_change(out.note, "quantity", request.quantity, out.request.quantity);
    note_change(out.note, "price", request.limit_price, out.request.limit_price);
    note_change(out.note, "stopPrice", request.stop_price, out.request.stop_price);
  }
  if (auto why = check(*filters, out.request, reference_price)) return RequestError{"filter", std::move(*why)};
  out.params = order_params(out.request, symbol, client_order_id);
  return out;
}

}  // namespace meridian::execution::binance
