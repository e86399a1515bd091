#pragma once
// Which portfolio a request means: the one resolver every per-portfolio route goes through.
// A portfolio is named by its id (1, "2"), "default", or its name, in (first found):
//   the path ({id} / {portfolio_id}: PortfolioFrom::path_param),
//   the query (`portfolio` or `portfolio_id`),
//   the body (`portfolio_id` or `portfolio`, a number or a string: PortfolioFrom::body).
// Named nowhere (or "default"): the caller's default portfolio (ownership.hpp's default_for:
// the daemon's default one with auth off or for an admin, else the caller's first own one).
// Named but unknown, or not the caller's to see (ownership.hpp's may_see): the same 404
// not_found naming the field, so another user's ids do not leak.
// An admin's `user_id` query parameter narrows what they see to that user's portfolios; anyone
// else's is ignored (they see only their own anyway).
// The answer carries the portfolio's directory entry and its snapshot, loaded once.
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string_view>
#include <vector>

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

// The `user_id` filter of an admin's request (auth enforced): nullopt when there is none, or
// the caller is not an admin; 400 invalid_parameter when it is not a positive integer.
ApiResult<std::optional<std::int64_t>> owner_filter(const ApiContext& ctx, const Request& req);

// Every portfolio the request may see (and its owner_filter admits), in directory order: what
// a list across portfolios shows.
ApiResult<std::vector<std::shared_ptr<const engine::PortfolioEntry>>> visible_portfolios(const ApiContext& ctx,
                                                                                         const Request& req);

// The entry a client's text names (an id, "default", or a name), or null. No request needed:
// also for the WebSocket's messages. Not an access decision: a caller's use of it is checked
// with may_see (ownership.hpp).
std::shared_ptr<const engine::PortfolioEntry> find_portfolio(const engine::EngineRunner& runner,
                                                             std::string_view given);

}  // namespace meridian::api
