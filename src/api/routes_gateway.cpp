// GET /api/gateway/status: each live gateway's state as it last published it (never a key: the
// board holds only the key id's last 4 characters).
#include <nlohmann/json.hpp>

#include "meridian/api/gateway_routes.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/core/time.hpp"

namespace meridian::api {

namespace {

nlohmann::json time_or_null(core::Timestamp t) {
  return t != core::Timestamp{} ? nlohmann::json(core::to_iso8601(t)) : nlohmann::json(nullptr);
}

// Null until the first reconciliation.
nlohmann::json reconciliation_json(const execution::Reconciliation& r) {
  if (r.at == core::Timestamp{}) return nullptr;
  return {{"at", time_or_null(r.at)},
          {"differences", r.differences},
          {"details", r.details},
          {"venue_open_orders", r.venue_open_orders},
          {"venue_positions", r.venue_positions},
          {"positions", r.positions}};
}

nlohmann::json gateway_json(const execution::GatewayStatus& s) {
  return {{"gateway", s.gateway},
          {"portfolio_id", s.portfolio_id},
          {"venue", s.venue},
          {"state", execution::to_string(s.state)},
          {"account_hint", s.account_hint},
          {"stream_connects", s.stream_connects},
          {"last_message", time_or_null(s.last_message)},
          {"last_error", s.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_error)},
          {"open_orders", s.open_orders},
          {"orders_sent", s.orders_sent},
          {"lost_answers", s.lost_answers},
          {"rejects", s.rejects},
          {"fills", s.fills},
          {"unknown_updates", s.unknown_updates},
          {"rate_limited", s.rate_limited},
          {"rate_limit_hold", s.rate_limit_hold},
          {"reconciliations", s.reconciliations},
          {"last_reconciliation", reconciliation_json(s.last_reconciliation)}};
}

}  // namespace

void add_gateway_routes(Router& router, std::shared_ptr<const execution::GatewayBoard> board) {
  router.add({http::verb::get, "/api/gateway/status", Role::admin,
              "Live broker gateways: state, venue, account hint, last message, order and fill counts, rate limits",
              [board](const Request& req, Reply reply) {
                auto list = nlohmann::json::array();
                if (board)
                  for (const auto& s : board->read()) list.push_back(gateway_json(s));
                const bool live = !list.empty();
                reply(json_response(req, http::status::ok,
                                    nlohmann::json{{"gateways", std::move(list)}, {"paper", !live}}.dump()));
              }});
}

}  // namespace meridian::api
