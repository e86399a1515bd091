#include <nlohmann/json.hpp>

#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/strategies/registry.hpp"

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
    items.push_back({{"class", cls.name},
                     {"title", cls.title},
                     {"description", cls.description},
                     {"timeframe", core::to_string(cls.default_timeframe)},
                     {"defaults", std::move(defaults)},
                     {"schema",
                      {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}}}});
  }
  return items;
}

}  // namespace

void add_strategy_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::get, "/api/strategies/meta/strategy-classes", Role::viewer,
              "Strategy classes with parameter schemas and defaults", [](const Request& req, Reply reply) {
                static const std::string body = nlohmann::json{{"items", classes_json()}, {"next", nullptr}}.dump();
                reply(json_response(req, http::status::ok, std::string(body)));
              }});
  auto portfolios = [](const Request& req, Reply reply) {
    reply(json_response(req, http::status::ok, nlohmann::json{{"items", {"default"}}, {"next", nullptr}}));
  };
  router.add({http::verb::get, "/api/strategies/meta/portfolios", Role::viewer, "Portfolio names", portfolios});
  router.add({http::verb::get, "/api/data/portfolios", Role::viewer, "Portfolio names", portfolios});
  router.add({http::verb::get, "/api/strategies", Role::viewer, "Strategy instances",
              [&ctx](const Request& req, Reply reply) {
                // One instance for now: the trading session's strategy.
                auto snap = ctx.snapshot();
                nlohmann::json symbols = nlohmann::json::array();
                for (auto id : snap->session.symbols) symbols.push_back(ctx.instruments.at(id).symbol);
                const bool running = snap->session.state == engine::SessionState::running;
                nlohmann::json item{{"id", 1},
                                    {"name", "sma_crossover"},
                                    {"class", "sma_crossover"},
                                    {"params", strategy_json(snap->session.strategy)},
                                    {"symbols", std::move(symbols)},
                                    {"timeframe", core::to_string(snap->session.strategy.timeframe)},
                                    {"portfolio", "default"},
                                    {"state", running ? "running" : "stopped"},
                                    {"active", true}};
                reply(json_response(req, http::status::ok,
                                    nlohmann::json{{"items", nlohmann::json::array({std::move(item)})}, {"next", nullptr}}));
              }});
}

}  // namespace meridian::api
