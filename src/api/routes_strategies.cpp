#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <tuple>

#include "meridian/api/json_body.hpp"
#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/session_commands.hpp"
#include "meridian/engine/strategy_params.hpp"
#include "meridian/strategies/registry.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

nlohmann::json param_schema_json(const strategies::ParamSpec& p) {
  const bool integer = p.kind == strategies::ParamKind::integer;
  auto num = [integer](double v) { return integer ? nlohmann::json(static_cast<long long>(v)) : nlohmann::json(v); };
  return {{"type", integer ? "integer" : "number"},
          {"default", num(p.default_value)},
          {"minimum", num(p.min)},
          {"maximum", num(p.max)},
          {"description", p.description}};
}

// Every class with a JSON Schema of its parameters (seed 004's strategy-classes).
nlohmann::json classes_json() {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& cls : strategies::strategy_classes()) {
    nlohmann::json properties = nlohmann::json::object();
    nlohmann::json defaults = nlohmann::json::object();
    for (const auto& p : cls.params) {
      properties[std::string(p.name)] = param_schema_json(p);
      defaults[std::string(p.name)] = properties[std::string(p.name)]["default"];
    }
    items.push_back(
        {{"class", cls.name},
         {"title", cls.title},
         {"description", cls.description},
         {"timeframe", core::to_string(cls.default_timeframe)},
         {"defaults", std::move(defaults)},
         {"schema", {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}}}});
  }
  return items;
}

// Replies with the named (or numbered) instance from the portfolio's snapshot published after
// the command.
void reply_instance(ApiContext& ctx, const PortfolioRef& pf, unsigned version, bool keep_alive, const Reply& reply,
                    std::optional<CommandFailure> failure, std::function<bool(const engine::InstanceView&)> which,
                    http::status status = http::status::ok) {
  if (failure) return reply(error_response(version, keep_alive, *failure));
  auto snap = ctx.snapshot(pf.id);
  if (!snap) snap = pf.snap;  // the portfolio is gone by now
  nlohmann::json body = nullptr;
  for (const auto& v : *snap->instances)
    if (which(v)) body = instance_json(v, *snap, pf.entry->name);
  reply(json_response(version, keep_alive, status, body));
}

std::optional<nlohmann::json> parse_body(const Request& req, const Reply& reply) {
  auto body = object_body(req);
  if (!body) {
    reply(error_response(req, body.error()));
    return std::nullopt;
  }
  return std::move(*body);
}

HttpResponse field_failure(const Request& req, const std::string& field, const std::string& message,
                           std::string_view code = "invalid_field") {
  return error_response(req, field_error(field, message, http::status::unprocessable_entity, code));
}

// {"class", ...params} over `base`, via the one decoder of strategy configurations.
std::optional<engine::StrategyConfig> parse_strategy(const Request& req, const Reply& reply, const nlohmann::json& body,
                                                     const engine::StrategyConfig& base) {
  nlohmann::json merged = nlohmann::json::object();
  if (auto it = body.find("class"); it != body.end()) merged["class"] = *it;
  if (auto it = body.find("params"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      reply(field_failure(req, "params", "params must be an object"));
      return std::nullopt;
    }
    for (auto p = it->begin(); p != it->end(); ++p) {
      if (p.key() == "class" || p.key() == "position_fraction" || p.key() == "timeframe") {
        reply(field_failure(req, "params." + p.key(), p.key() + " is not a parameter"));
        return std::nullopt;
      }
      merged[p.key()] = p.value();
    }
  }
  for (const char* key : {"position_fraction", "timeframe"})
    if (auto it = body.find(key); it != body.end()) merged[key] = *it;
  auto cfg = engine::decode_strategy(merged, base);
  if (!cfg) {
    const auto& error = cfg.error();
    const bool top = error.field == "class" || error.field == "position_fraction" || error.field == "timeframe";
    reply(field_failure(req, top ? error.field : "params." + error.field, error.message, error.code));
    return std::nullopt;
  }
  return std::move(*cfg);
}

void add_instance(ApiContext& ctx, const Request& req, Reply reply) {
  auto body = parse_body(req, reply);
  if (!body) return;
  auto name = body->find("name");
  if (name == body->end() || !name->is_string()) return reply(field_failure(req, "name", "name must be a string"));
  auto cls_it = body->find("class");
  if (cls_it == body->end() || !cls_it->is_string())
    return reply(
        field_failure(req, "class", "class must be a strategy class name; see /api/strategies/meta/strategy-classes"));
  const auto* cls = strategies::find_strategy_class(cls_it->get<std::string>());
  if (!cls)
    return reply(field_failure(req, "class", "unknown strategy class; see /api/strategies/meta/strategy-classes"));
  engine::StrategyConfig base;
  base.class_name = cls->name;
  base.params = strategies::ParamValues(cls->params);
  auto strategy = parse_strategy(req, reply, *body, base);
  if (!strategy) return;
  // `portfolio` (or `portfolio_id`, or ?portfolio=): the portfolio the instance trades for.
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_body(&*body)));
  engine::InstanceConfig config;
  config.name = name->get<std::string>();
  config.strategy = *strategy;
  config.portfolio = pf.entry->name;
  if (auto it = body->find("symbols"); it != body->end()) {
    if (auto failure = parse_symbols(ctx, *it, "symbols", config.symbols)) return reply(error_response(req, *failure));
  } else {
    for (const auto& inst : ctx.instruments.all()) config.symbols.push_back(inst.id);
  }
  const unsigned version = req.raw.version();
  const bool keep_alive = req.raw.keep_alive();
  auto id = std::make_shared<std::uint64_t>(0);
  run_engine_command(
      ctx, pf.id,
      [config = std::move(config), id](engine::Portfolio& e) mutable { return e.add_instance(std::move(config), *id); },
      "name",
      [&ctx, pf, version, keep_alive, reply, id](std::optional<CommandFailure> failure) {
        reply_instance(
            ctx, pf, version, keep_alive, reply, std::move(failure),
            [id](const engine::InstanceView& v) { return v.config.id == *id; }, http::status::created);
      });
}

void patch_instance(ApiContext& ctx, const Request& req, Reply reply) {
  const auto id_text = std::string(req.param("id"));
  char* end = nullptr;
  const auto id = std::strtoull(id_text.c_str(), &end, 10);
  if (id_text.empty() || *end != '\0') {
    return reply(error_response(req, field_error("id", "id must be a strategy id", http::status::bad_request,
                                                 "invalid_parameter", {{"value", id_text}})));
  }
  auto body = parse_body(req, reply);
  if (!body) return;
  // Unknown fields are refused, as /api/risk/limits refuses them: a misspelt field is never
  // silently not applied.
  static const nlohmann::json kKnown = {"active",    "params",  "position_fraction", "class",
                                        "timeframe", "symbols", "portfolio",         "portfolio_id"};
  for (const auto& [key, value] : body->items())
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      return reply(
          error_response(req, field_error(key, "unknown field '" + key + "'", http::status::unprocessable_entity,
                                          "invalid_field", {{"allowed", kKnown}})));
    }
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_body(&*body)));
  const engine::InstanceView* current = nullptr;
  for (const auto& v : *pf.snap->instances)
    if (v.config.id == id) current = &v;
  if (!current)
    return reply(error_response(req, http::status::not_found, "not_found",
                                "portfolio " + std::to_string(pf.id) + " has no strategy with id " + id_text));
  std::optional<bool> active;
  if (auto it = body->find("active"); it != body->end()) {
    if (!it->is_boolean()) return reply(field_failure(req, "active", "active must be true or false"));
    active = it->get<bool>();
  }
  std::optional<engine::StrategyConfig> strategy;
  if (body->contains("params") || body->contains("position_fraction") || body->contains("class") ||
      body->contains("timeframe")) {
    strategy = parse_strategy(req, reply, *body, current->config.strategy);
    if (!strategy) return;
  }
  std::optional<std::vector<core::SymbolId>> symbols;
  if (auto it = body->find("symbols"); it != body->end()) {
    symbols.emplace();
    if (auto failure = parse_symbols(ctx, *it, "symbols", *symbols)) return reply(error_response(req, *failure));
  }
  const unsigned version = req.raw.version();
  const bool keep_alive = req.raw.keep_alive();
  run_engine_command(
      ctx, pf.id,
      [id, active, strategy, symbols](engine::Portfolio& e) { return e.patch_instance(id, active, strategy, symbols); },
      "params",
      [&ctx, pf, version, keep_alive, reply, id](std::optional<CommandFailure> failure) {
        reply_instance(ctx, pf, version, keep_alive, reply, std::move(failure),
                       [id](const engine::InstanceView& v) { return v.config.id == id; });
      });
}

void lifecycle(ApiContext& ctx, const PortfolioRef& pf, engine::Portfolio::InstanceCommand command, std::string name,
               const Request& req, Reply reply) {
  const unsigned version = req.raw.version();
  const bool keep_alive = req.raw.keep_alive();
  const bool erased = command == engine::Portfolio::InstanceCommand::erase;
  run_engine_command(
      ctx, pf.id, [command, name](engine::Portfolio& e) { return e.instance_command(name, command); }, "name",
      [&ctx, pf, version, keep_alive, reply, name, erased](std::optional<CommandFailure> failure) {
        if (erased && !failure) {
          return reply(json_response(version, keep_alive, http::status::ok, nlohmann::json{{"deleted", name}}));
        }
        reply_instance(ctx, pf, version, keep_alive, reply, std::move(failure),
                       [name](const engine::InstanceView& v) { return v.config.name == name; });
      });
}

// Whether the request names a portfolio in its query (a list without one covers them all).
bool names_portfolio(const Request& req) {
  return req.query_value("portfolio") || req.query_value("portfolio_id");
}

// Calls `f(snapshot, entry)` for the portfolio the query names, or for every portfolio the
// caller may see (in directory order) when it names none.
template <class F>
std::optional<ApiError> for_each_named(ApiContext& ctx, const Request& req, F&& f) {
  if (names_portfolio(req)) {
    auto pf = resolve_portfolio(ctx, req);
    if (!pf) return std::move(pf).error();
    f(*pf->snap, *pf->entry);
    return std::nullopt;
  }
  auto visible = visible_portfolios(ctx, req);
  if (!visible) return std::move(visible).error();
  for (const auto& e : *visible)
    if (auto snap = e->store->load()) f(*snap, *e);
  return std::nullopt;
}

void list(ApiContext& ctx, const Request& req, const Reply& reply, bool removed) {
  nlohmann::json items = nlohmann::json::array();
  auto err = for_each_named(ctx, req, [&](const engine::Snapshot& s, const engine::PortfolioEntry& e) {
    for (const auto& v : *s.instances)
      if ((v.state == engine::InstanceState::removed) == removed) items.push_back(instance_json(v, s, e.name));
  });
  if (err) return reply(error_response(req, *err));
  reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", nullptr}}));
}

// The instance commands name their portfolio in the query (restore: or in its body).
void instance_command(ApiContext& ctx, engine::Portfolio::InstanceCommand command, std::string name, const Request& req,
                      Reply reply, const nlohmann::json* body = nullptr) {
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_body(body)));
  lifecycle(ctx, pf, command, std::move(name), req, std::move(reply));
}

}  // namespace

void add_strategy_routes(Router& router, ApiContext& ctx) {
  router.add(per_snapshot(
      {http::verb::get, "/api/strategies/meta/strategy-classes", Role::viewer,
       "Strategy classes with parameter schemas and defaults", [](const Request& req, Reply reply) {
         static const std::string body = nlohmann::json{{"items", classes_json()}, {"next", nullptr}}.dump();
         reply(json_response(req, http::status::ok, std::string(body)));
       }}));
  auto portfolios = [&ctx](const Request& req, Reply reply) {
    MERIDIAN_TRY_REPLY(visible, visible_portfolios(ctx, req));
    nlohmann::json names = nlohmann::json::array();
    for (const auto& e : visible) names.push_back(e->name);
    reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(names)}, {"next", nullptr}}));
  };
  router.add(per_snapshot({http::verb::get, "/api/strategies/meta/portfolios", Role::viewer,
                           "The caller's portfolios' names", portfolios}));
  router.add(per_snapshot(
      {http::verb::get, "/api/data/portfolios", Role::viewer, "The caller's portfolios' names", portfolios}));
  router.add(
      per_snapshot({http::verb::get, "/api/strategies", Role::viewer,
                    "Strategy instances (not removed): the ?portfolio='s, or every portfolio's the caller may see",
                    [&ctx](const Request& req, Reply reply) { list(ctx, req, reply, false); }}));
  router.add(per_snapshot(
      {http::verb::get, "/api/strategies/meta/removed-strategies", Role::viewer,
       "Removed instances that can be restored: the ?portfolio='s, or every portfolio's the caller may see",
       [&ctx](const Request& req, Reply reply) { list(ctx, req, reply, true); }}));
  router.add(per_snapshot(
      {http::verb::get, "/api/strategies/updates", Role::viewer, "Instances changed since a cursor",
       [&ctx](const Request& req, Reply reply) {
         MERIDIAN_TRY_REPLY(since, int_param(req, "since", 0, std::numeric_limits<long long>::max(), 0));
         // The cursor is a portfolio's instance version: one portfolio (?portfolio=, else the default).
         MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
         const auto cursor = static_cast<std::uint64_t>(since);
         nlohmann::json items = nlohmann::json::array();
         std::uint64_t latest = cursor;
         for (const auto& v : *pf.snap->instances) {
           latest = std::max(latest, v.version);
           if (v.version > cursor) items.push_back(instance_json(v, *pf.snap, pf.entry->name));
         }
         reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"cursor", latest}}));
       }}));
  router.add(per_snapshot(
      {http::verb::get, "/api/strategies/holdings", Role::viewer, "Positions and P&L per strategy",
       [&ctx](const Request& req, Reply reply) {
         nlohmann::json items = nlohmann::json::array();
         auto err = for_each_named(ctx, req, [&](const engine::Snapshot& s, const engine::PortfolioEntry&) {
           for (const auto& v : *s.instances)
             if (v.state != engine::InstanceState::removed) items.push_back(holdings_json(v, s));
         });
         if (err) return reply(error_response(req, *err));
         reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", nullptr}}));
       }}));
  router.add({http::verb::post, "/api/strategies", Role::trader, "Add a strategy instance",
              [&ctx](const Request& req, Reply reply) { add_instance(ctx, req, std::move(reply)); }});
  router.add({http::verb::patch, "/api/strategies/{id}", Role::trader, "Toggle active, change params or symbols",
              [&ctx](const Request& req, Reply reply) { patch_instance(ctx, req, std::move(reply)); }});
  router.add({http::verb::post, "/api/strategies/restore", Role::trader, "Restore a removed instance",
              [&ctx](const Request& req, Reply reply) {
                auto body = parse_body(req, reply);
                if (!body) return;
                auto name = body->find("name");
                if (name == body->end() || !name->is_string())
                  return reply(field_failure(req, "name", "name must be a string"));
                instance_command(ctx, engine::Portfolio::InstanceCommand::restore, name->get<std::string>(), req,
                                 std::move(reply), &*body);
              }});
  using Cmd = engine::Portfolio::InstanceCommand;
  const std::tuple<http::verb, const char*, Cmd, const char*> commands[] = {
      {http::verb::post, "init", Cmd::init, "Warm the indicators from stored bars"},
      {http::verb::post, "start", Cmd::start, "Start emitting signals and trading"},
      {http::verb::post, "stop", Cmd::stop, "Stop emitting signals"},
      {http::verb::delete_, "remove", Cmd::remove, "Remove (restorable)"},
      {http::verb::delete_, "delete", Cmd::erase, "Delete for good"}};
  for (const auto& [method, action, command, summary] : commands) {
    router.add({method, std::string("/api/strategies/{name}/") + action, Role::trader, summary,
                [&ctx, command = command](const Request& req, Reply reply) {
                  instance_command(ctx, command, std::string(req.param("name")), req, std::move(reply));
                }});
  }
}

}  // namespace meridian::api
