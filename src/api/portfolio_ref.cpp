#include "meridian/api/portfolio_ref.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "meridian/api/ownership.hpp"
#include "query.hpp"

namespace meridian::api {

namespace {

using Directory = std::shared_ptr<const engine::PortfolioDirectory>;

// What a request may see of the directory (ownership.hpp): the entries it may see, and what
// "default" (or naming none) means for it.
struct View {
  Directory dir;
  engine::PortfolioId default_id;
  const auth::Principal& who;
  bool enforce;
  std::optional<std::int64_t> owner;

  bool sees(const engine::PortfolioEntry& e) const noexcept { return may_see(who, e, enforce, owner); }
  std::shared_ptr<const engine::PortfolioEntry> shared(const engine::PortfolioEntry* e) const {
    if (!e) return nullptr;
    return {dir, e};  // aliasing: the entry lives as long as the directory
  }
  std::shared_ptr<const engine::PortfolioEntry> fallback() const {
    return shared(default_for(who, *dir, default_id, enforce, owner));
  }
};

std::shared_ptr<const engine::PortfolioEntry> by_id(const Directory& dir, engine::PortfolioId id) {
  for (const auto& e : *dir)
    if (e.id == id) return {dir, &e};  // aliasing: the entry lives as long as the directory
  return nullptr;
}

std::shared_ptr<const engine::PortfolioEntry> by_text(const Directory& dir, engine::PortfolioId default_id,
                                                      std::string_view given) {
  if (given == "default") return by_id(dir, default_id);
  engine::PortfolioId id = 0;
  auto [p, ec] = std::from_chars(given.data(), given.data() + given.size(), id);
  if (!given.empty() && ec == std::errc{} && p == given.data() + given.size()) return by_id(dir, id);
  for (const auto& e : *dir)
    if (e.name == given) return {dir, &e};
  return nullptr;
}

ApiError unknown(std::string_view field, const nlohmann::json& value) {
  const std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
  return field_error(field, "no portfolio '" + shown + "'; see /api/portfolios", http::status::not_found, "not_found",
                     {{"value", value}});
}

// One place a request names a portfolio: the entry, or the error.
struct Named {
  std::string_view field;
  std::shared_ptr<const engine::PortfolioEntry> entry;
};

// A portfolio the caller may not see is unknown to them, with the very same answer.
ApiResult<Named> from_text(const View& view, std::string_view field, std::string_view given) {
  auto entry = given == "default" ? view.fallback() : by_text(view.dir, view.default_id, given);
  if (!entry || !view.sees(*entry)) return unknown(field, given);
  return Named{field, std::move(entry)};
}

ApiResult<Named> from_json(const View& view, std::string_view field, const nlohmann::json& value) {
  if (value.is_string()) return from_text(view, field, value.get_ref<const std::string&>());
  std::optional<engine::PortfolioId> id;
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    id = value.get<std::int64_t>();
  } else if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    id = v > static_cast<std::uint64_t>(engine::kMaxPortfolioId) ? engine::PortfolioId{-1}
                                                                 : static_cast<engine::PortfolioId>(v);
  } else if (value.is_number_float()) {
    const double v = value.get<double>();
    if (std::isfinite(v) && v == std::floor(v))
      id = (v < 1 || v > static_cast<double>(engine::kMaxPortfolioId)) ? engine::PortfolioId{-1}
                                                                       : static_cast<engine::PortfolioId>(v);
  }
  if (!id) {
    return field_error(field, std::string(field) + " must be a portfolio id, \"default\" or a portfolio's name",
                       http::status::unprocessable_entity, "invalid_field", {{"value", value}});
  }
  auto entry = by_id(view.dir, *id);
  if (!entry || !view.sees(*entry)) return unknown(field, value);
  return Named{field, std::move(entry)};
}

// Naming none, and the caller may see no portfolio that could be meant.
ApiError none_to_default(const View& view) {
  if (!view.enforce)  // never: the default portfolio is never removed
    return field_error("portfolio_id", "no default portfolio", http::status::service_unavailable, "unavailable");
  std::string message = view.owner             ? "user " + std::to_string(*view.owner) + " has no portfolio"
                        : view.who.anonymous() ? std::string("portfolios are seen only by their owners: sign in")
                                               : std::string(
                                                     "you have no portfolio: create one with POST "
                                                     "/api/portfolios, or name one with ?portfolio=");
  return field_error("portfolio_id", std::move(message), http::status::not_found, "not_found");
}

}  // namespace

ApiResult<std::optional<std::int64_t>> owner_filter(const ApiContext& ctx, const Request& req) {
  if (!may_filter_by_owner(req.principal, ctx.enforce_auth)) return std::optional<std::int64_t>{};
  if (!req.query_value("user_id")) return std::optional<std::int64_t>{};
  auto user = int_param(req, "user_id", 1, std::numeric_limits<long long>::max(), 0);
  if (!user) return user.error();
  return std::optional<std::int64_t>{*user};
}

ApiResult<std::vector<std::shared_ptr<const engine::PortfolioEntry>>> visible_portfolios(const ApiContext& ctx,
                                                                                         const Request& req) {
  auto owner = owner_filter(ctx, req);
  if (!owner) return owner.error();
  const View view{ctx.runner.portfolios(), ctx.runner.default_portfolio(), req.principal, ctx.enforce_auth, *owner};
  std::vector<std::shared_ptr<const engine::PortfolioEntry>> out;
  for (const auto& e : *view.dir)
    if (view.sees(e)) out.push_back(view.shared(&e));
  return out;
}

std::shared_ptr<const engine::PortfolioEntry> find_portfolio(const engine::EngineRunner& runner,
                                                             std::string_view given) {
  return by_text(runner.portfolios(), runner.default_portfolio(), given);
}

ApiResult<PortfolioRef> resolve_portfolio(const ApiContext& ctx, const Request& req, PortfolioFrom from) {
  auto owner = owner_filter(ctx, req);
  if (!owner) return std::move(owner).error();
  const View view{ctx.runner.portfolios(), ctx.runner.default_portfolio(), req.principal, ctx.enforce_auth, *owner};
  std::optional<Named> first;
  // Each place that names one must name the same one.
  auto take = [&](ApiResult<Named> named) -> std::optional<ApiError> {
    if (!named) return std::move(named).error();
    auto& n = *named;
    if (!first) {
      first = std::move(n);
      return std::nullopt;
    }
    if (first->entry->id == n.entry->id) return std::nullopt;
    return field_error(n.field,
                       std::string(n.field) + " names portfolio " + std::to_string(n.entry->id) + " but " +
                           std::string(first->field) + " names portfolio " + std::to_string(first->entry->id),
                       http::status::unprocessable_entity, "invalid_field",
                       {{"value", n.entry->id}, {"conflicts_with", first->field}});
  };
  if (!from.path_param.empty()) {
    // The path's segment is the portfolio; details name it portfolio_id as they always have.
    if (auto err = take(from_text(view, "portfolio_id", req.param(from.path_param)))) return std::move(*err);
  }
  for (std::string_view name : {"portfolio", "portfolio_id"}) {
    if (auto given = req.query_value(name)) {
      if (auto err = take(from_text(view, name, *given))) return std::move(*err);
      break;
    }
  }
  if (from.body && from.body->is_object()) {
    for (std::string_view name : {"portfolio_id", "portfolio"}) {
      auto it = from.body->find(name);
      if (it == from.body->end() || it->is_null()) continue;
      if (auto err = take(from_json(view, name, *it))) return std::move(*err);
      break;
    }
  }
  if (!first) {
    auto entry = view.fallback();
    if (!entry) return none_to_default(view);
    first = Named{"portfolio_id", std::move(entry)};
  }
  PortfolioRef ref;
  ref.id = first->entry->id;
  ref.snap = first->entry->store->load();
  ref.entry = std::move(first->entry);
  ref.is_default = ref.id == view.default_id;
  if (!ref.snap) return unknown(first->field, ref.id);
  return ref;
}

}  // namespace meridian::api
