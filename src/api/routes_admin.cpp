// Operator routes (role admin). GET /api/admin/dead-letters: the journal records the
// database refused, pending replay or discard (storage/dead_letters.hpp), as the journal
// writer last read them; `meridiand journal dead-letters replay|discard ID` resolves them.
// This route shows the database's error text: it is for operators, unlike /health.
#include <nlohmann/json.hpp>

#include "meridian/api/routes.hpp"

namespace meridian::api {

namespace {

void dead_letters(ApiContext& ctx, const Request& req, const Reply& reply) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& d : ctx.writer.dead_letters()) {
    auto payload = nlohmann::json::parse(d.payload, nullptr, false);
    items.push_back({{"id", d.id},
                     {"portfolio_id", d.portfolio_id},
                     {"kind", d.kind},
                     {"journal_seq", d.journal_seq},
                     {"payload", payload.is_discarded() ? nlohmann::json(d.payload) : payload},
                     {"error", d.error},
                     {"sqlstate", d.sqlstate.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.sqlstate)},
                     {"depends_on", d.depends_on ? nlohmann::json(*d.depends_on) : nlohmann::json(nullptr)},
                     {"first_seen", core::to_iso8601(d.first_seen)},
                     {"state", d.state}});
  }
  const auto h = ctx.writer.health();
  reply(json_response(req, http::status::ok,
                      nlohmann::json{{"items", std::move(items)},
                                     {"pending", h.dead_letters_pending},
                                     {"dead_lettered_this_run", h.dead_lettered}}));
}

}  // namespace

void add_admin_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get, "/api/admin/dead-letters", Role::admin,
              "Journal records the database refused, pending replay or discard",
              [&ctx](const Request& req, Reply reply) { dead_letters(ctx, req, reply); }});
}

}  // namespace meridian::api
