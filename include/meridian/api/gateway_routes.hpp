#pragma once
// GET /api/gateway/status (admin: every portfolio's gateway, with account hints) with its role
// (routes_gateway.cpp; issue 15 item 2, read side). The statuses come from the board the live
// gateways publish to; `board` null or empty: no live gateway, every portfolio trades on paper.
#include <memory>

#include "meridian/api/router.hpp"
#include "meridian/execution/gateway_status.hpp"

namespace meridian::api {

void add_gateway_routes(Router& router, std::shared_ptr<const execution::GatewayBoard> board);

}  // namespace meridian::api
