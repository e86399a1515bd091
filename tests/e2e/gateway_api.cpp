#include "gateway_api.hpp"

#include <gtest/gtest.h>

#include <string>

#include "fixture.hpp"
#include "trading_api.hpp"

namespace meridian::e2e {

using nlohmann::json;

json gateway_of(std::uint16_t port) {
  for (const auto& g : get_json(port, "/api/gateway/status").value("gateways", json::array()))
    if (g.value("portfolio_id", 0LL) == portfolio_id(port)) return g;
  return nullptr;
}

void await_entries(std::uint16_t port) {
  ASSERT_TRUE(poll_until(
      [&] {
        const auto g = gateway_of(port);
        return g.is_object() && g.value("state", "") == "connected" && g.value("accepting_entries", false);
      },
      kDeadline))
      << get_json(port, "/api/gateway/status").dump();
}

bool await_order_status(std::uint16_t port, long long id, std::string_view status) {
  return poll_until([&] { return get_json(port, "/api/orders/" + std::to_string(id)).value("status", "") == status; },
                    kDeadline);
}

void expect_single_fill(std::uint16_t port, double quantity) {
  ASSERT_TRUE(
      poll_until([&] { return get_json(port, "/api/trading/status").value("trades_count", 0LL) == 1; }, kDeadline));
  const auto positions = get_json(port, "/api/trading/positions").value("items", json::array());
  ASSERT_EQ(positions.size(), 1u) << positions.dump();
  EXPECT_DOUBLE_EQ(positions[0].value("quantity", 0.0), quantity);
}

}  // namespace meridian::e2e
