#pragma once
// Which portfolio a request means: the one resolver every per-portfolio route goes through.
// A portfolio is named by its id (1, "2"), "default", or its name, in (first found):
//   the path ({id} / {portfolio_id}: PortfolioFrom::path_param),
//   the query (`portfolio` or `portfolio_id`),
//   the body (`portfolio_id` or `portfolio`, a number or a string: PortfolioFrom::body).
// Named nowhere: the default portfolio. Named but unknown: 404 not_found naming the field.
// The answer carries the portfolio's directory entry and its snapshot, loaded once.
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "meridian/api/api_context.hpp"
#include "meridian/api/api_error.hpp"
#include "meridian/api/http_types.hpp"

namespace meridian::api {

struct PortfolioRef {
  engine::PortfolioId id = engine::kDefaultPortfolioId;
  std::shared_ptr<const engine::Snapshot> snap;
  std::shared_ptr<const engine::PortfolioEntry> entry;  // name, currency, created_at (shares the directory)
  bool is_default = true;
};

struct PortfolioFrom {
  std::string_view path_param;           // non-empty: this {param} of the path names it
  const nlohmann::json* body = nullptr;  // an object: its `portfolio_id` / `portfolio` field names it

  static constexpr PortfolioFrom in_path(std::string_view param) noexcept { return {param, nullptr}; }
  static constexpr PortfolioFrom in_body(const nlohmann::json* body) noexcept { return {{}, body}; }
};

// The portfolio (id and snapshot) a request names, or the ApiError that says why not: 404
// not_found (details: field, value) for an unknown one, 422 invalid_field for a body value
// that is neither a number nor a string, or when the query and the body name different ones.
ApiResult<PortfolioRef> resolve_portfolio(const ApiContext& ctx, const Request& req, PortfolioFrom from = {});

// The entry a client's text names (an id, "default", or a name), or null. No request needed:
// also for the WebSocket's messages.
std::shared_ptr<const engine::PortfolioEntry> find_portfolio(const engine::EngineRunner& runner,
                                                             std::string_view given);

}  // namespace meridian::api
