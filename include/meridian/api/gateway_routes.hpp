#pragma once
// The gateway routes with their roles (routes_gateway.cpp; issue 15 item 2):
//   GET /api/gateway/status: every live gateway's state as it last published it to the board
//     (account hints only, never a key); `board` null or empty: every portfolio is on paper;
//   POST /api/gateway/connect {"gateway": "alpaca"|"paper", "portfolio_id"}: the portfolio's
//     orders go through that gateway from now on (its ledger and strategies stay as they are);
//   POST /api/gateway/disconnect {"portfolio_id"}: back to the paper executor.
// A switch needs the portfolio to have no open order (409 open_orders): an order lives and dies
// with the executor that took it.
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "meridian/api/api_context.hpp"
#include "meridian/api/router.hpp"
#include "meridian/engine/portfolio.hpp"
#include "meridian/execution/gateway_status.hpp"

namespace meridian::api {

// What connect and disconnect ask of the app's wiring (app/gateway_choice.hpp). Engine strand
// only, inside the portfolio's command, so the answer is final.
class GatewayControl {
 public:
  virtual ~GatewayControl() = default;
  // Binds `portfolio` to `gateway` ("paper" unbinds): nullopt, or why not (invalid_argument for
  // a gateway this daemon does not have; conflict: open_orders, not_configured).
  virtual engine::CommandResult connect(engine::PortfolioId portfolio, std::string_view gateway) = 0;
  // The gateway a portfolio trades through now ("paper" unless bound).
  virtual std::string_view bound(engine::PortfolioId portfolio) const = 0;
};

// A gateway's status as GET /api/gateway/status (an admin's) shows it.
nlohmann::json gateway_json(const execution::GatewayStatus& status);
// The /ws `gateway` message for its portfolio's clients: the state, without the venue or account.
std::shared_ptr<const std::string> gateway_message(const execution::GatewayStatus& status);

// `control` null: connect and disconnect answer 503 (a process that binds no gateways).
void add_gateway_routes(Router& router, std::shared_ptr<const execution::GatewayBoard> board, ApiContext& ctx,
                        GatewayControl* control);

}  // namespace meridian::api
