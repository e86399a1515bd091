// POST /api/admin/reload (role admin): the configuration file read again, what can change live
// applied (ApiContext::reload, app/reload.hpp), the answer naming what was applied and which
// differing keys need a restart. A configuration that does not parse or check is 422 naming
// the problem, and changes nothing.
#include "meridian/api/routes.hpp"

namespace meridian::api {

void add_reload_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::post, "/api/admin/reload", Role::admin,
              "Re-read the configuration: risk limits, log level, holidays and early closes change live",
              [&ctx](const Request& req, Reply reply) {
                if (!ctx.reload)
                  return reply(error_response(req, http::status::not_found, "reload_disabled",
                                              "this daemon has no configuration to reload"));
                auto outcome = ctx.reload();
                if (!outcome) return reply(error_response(req, outcome.error()));
                reply(json_response(req, http::status::ok, *outcome));
              }});
}

}  // namespace meridian::api
