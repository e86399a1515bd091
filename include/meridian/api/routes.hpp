#pragma once
// Route tables, one per resource. Each adds its routes with their required roles.
#include "meridian/api/api_context.hpp"
#include "meridian/api/router.hpp"

namespace meridian::api {

void add_system_routes(Router& router, ApiContext& ctx);
void add_trading_routes(Router& router, ApiContext& ctx);
void add_market_routes(Router& router, ApiContext& ctx);
void add_signal_routes(Router& router, ApiContext& ctx);
void add_strategy_routes(Router& router, ApiContext& ctx);
void add_order_routes(Router& router, ApiContext& ctx);
void add_portfolio_routes(Router& router, ApiContext& ctx);
void add_risk_routes(Router& router, ApiContext& ctx);
void add_admin_routes(Router& router, ApiContext& ctx);
// GET /api/audit (admin): the audit trail (ApiContext::audit; without one, 404 audit_disabled).
void add_audit_routes(Router& router, ApiContext& ctx);
// Sign-in and the caller's account; user administration. Added whether or not auth is on, so
// the table is the same: without auth (ApiContext::identity null) they answer 404 auth_disabled.
void add_auth_routes(Router& router, ApiContext& ctx);
void add_user_routes(Router& router, ApiContext& ctx);
// The caller's own broker credentials (PUT/DELETE /api/auth/me/broker-keys/{broker}).
void add_broker_key_routes(Router& router, ApiContext& ctx);

// Every route of the daemon, in one table.
inline void add_all_routes(Router& router, ApiContext& ctx) {
  add_system_routes(router, ctx);
  add_trading_routes(router, ctx);
  add_market_routes(router, ctx);
  add_signal_routes(router, ctx);
  add_strategy_routes(router, ctx);
  add_order_routes(router, ctx);
  add_portfolio_routes(router, ctx);
  add_risk_routes(router, ctx);
  add_admin_routes(router, ctx);
  add_audit_routes(router, ctx);
  add_auth_routes(router, ctx);
  add_user_routes(router, ctx);
  add_broker_key_routes(router, ctx);
}

}  // namespace meridian::api
