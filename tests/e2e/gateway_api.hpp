#pragma once
// What the live gateway suites (LiveGateway: Alpaca, BinanceGateway) ask of a daemon alike.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

namespace meridian::e2e {

// The default portfolio's gateway as GET /api/gateway/status shows it (null: none).
nlohmann::json gateway_of(std::uint16_t port);
// Waits until that gateway is connected and takes entries (reconciled since it connected).
void await_entries(std::uint16_t port);
// Waits until order `id` of the default portfolio has `status`; false at the deadline.
bool await_order_status(std::uint16_t port, long long id, std::string_view status);
// After one fill of `quantity` on a flat portfolio: one trade, one position of that quantity.
void expect_single_fill(std::uint16_t port, double quantity);

}  // namespace meridian::e2e
