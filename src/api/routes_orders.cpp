// Orders: placing them (POST /api/trade, seed 002), listing, cancelling and replacing them,
// trades recorded by hand (POST /api/trades, seed 001) and seed 004's orders-and-trades view.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>
#include <tuple>

#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/session_commands.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "order_path.hpp"
#include "query.hpp"
#include "request_util.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Checked<core::SymbolId> symbol_field(const ApiContext& ctx, const json& body) {
  MERIDIAN_TRY(name, string_field(body, {"symbol"}));
  if (!name) return field_error("symbol", "symbol is required");
  auto id = core::resolve_symbol(ctx.instruments, *name);
  if (!id)
    return field_error("symbol", "unknown symbol '" + *name + "'; see /api/symbols", http::status::unprocessable_entity,
                       "unknown_symbol", {{"value", *name}});
  return *id;
}

Checked<core::Side> side_field(const json& body) {
  MERIDIAN_TRY(text, string_field(body, {"side"}));
  if (!text) return field_error("side", "side is required (buy or sell)");
  auto side = core::parse_side(lower(*text));
  if (!side)
    return field_error("side", "side must be buy or sell", http::status::unprocessable_entity, "invalid_field",
                       {{"value", *text}});
  return *side;
}

// An enum field given by name (case-insensitive), `fallback` when absent.
template <class Enum, class Parse>
Checked<Enum> enum_field(const json& body, std::initializer_list<std::string_view> names, Parse parse, Enum fallback,
                         const json& allowed) {
  MERIDIAN_TRY(text, string_field(body, names));
  if (!text) return fallback;
  auto value = parse(lower(*text));
  if (!value)
    return field_error(*names.begin(), std::string(*names.begin()) + " must be one of " + allowed.dump(),
                       http::status::unprocessable_entity, "invalid_field", {{"value", *text}, {"allowed", allowed}});
  return *value;
}

// The request field a validation failure is about: execution::validate() starts its
// messages with the field's name ("limit_price is required for limit orders").
std::string_view failing_field(const execution::RequestError& e) {
  static constexpr std::string_view kFields[] = {
      "quantity",    "limit_price", "stop_price",      "trail_amount",         "trail_percent",
      "take_profit", "stop_loss",   "client_order_id", "bracket_trail_amount", "bracket_trail_percent"};
  for (auto f : kFields)
    if (e.message.starts_with(f)) return f;
  if (e.code.find("trail") != std::string_view::npos) return "trail_amount";
  return "body";
}

ApiError validation_error(const execution::RequestError& e) {
  return field_error(failing_field(e), e.message, http::status::unprocessable_entity, "invalid_field",
                     {{"reason", e.code}});
}

// The optional price fields an order request shares with a replace.
std::optional<ApiError> read_prices(const json& body, execution::OrderRequest& r) {
  const std::pair<std::string_view, core::Price*> prices[] = {
      {"limit_price", &r.limit_price},   {"stop_price", &r.stop_price},
      {"trail_amount", &r.trail_amount}, {"take_profit", &r.take_profit},
      {"stop_loss", &r.stop_loss},       {"bracket_trail_amount", &r.bracket_trail_amount}};
  for (const auto& [name, out] : prices) {
    auto value = decimal_field<core::Price>(body, {name});
    if (!value) return value.error();
    if (*value) *out = **value;
  }
  const std::pair<std::string_view, double*> percents[] = {{"trail_percent", &r.trail_percent},
                                                           {"bracket_trail_percent", &r.bracket_trail_percent}};
  for (const auto& [name, out] : percents) {
    auto percent = number_field(body, {name}, 0.0, 100.0);
    if (!percent) return percent.error();
    if (*percent) *out = **percent;
  }
  return std::nullopt;
}

// Every price the order may fill (or leave a bracket leg) at, times its quantity, must fit the
// ledger; a market order's price is the engine's to check (risk denies it out_of_range).
std::optional<ApiError> check_order_notional(const execution::OrderRequest& r) {
  for (const core::Price p : {r.limit_price, r.stop_price, r.take_profit, r.stop_loss})
    if (auto err = check_notional(p, r.quantity)) return err;
  return std::nullopt;
}

// POST /api/trade's body as an order request, every field checked for its type (the
// combination: submit_order).
Checked<execution::OrderRequest> parse_order(const ApiContext& ctx, const json& body) {
  execution::OrderRequest r;
  MERIDIAN_TRY(symbol, symbol_field(ctx, body));
  MERIDIAN_TRY(side, side_field(body));
  MERIDIAN_TRY(quantity, decimal_field<core::Quantity>(body, {"quantity", "qty"}));
  if (!quantity) return field_error("quantity", "quantity is required");
  MERIDIAN_TRY(type, enum_field(body, {"type", "order_type"}, execution::parse_order_type, execution::OrderType::market,
                                json{"market", "limit", "stop", "stop_limit"}));
  MERIDIAN_TRY(tif, enum_field(body, {"time_in_force", "tif"}, execution::parse_time_in_force,
                               execution::TimeInForce::gtc, json{"gtc", "ioc", "fok", "day"}));
  MERIDIAN_TRY(client_id, string_field(body, {"client_order_id"}));
  r.symbol = symbol;
  r.side = side;
  r.quantity = *quantity;
  r.type = type;
  r.tif = tif;
  r.client_order_id = client_id.value_or("");
  if (auto err = read_prices(body, r)) return std::move(*err);
  return r;  // the combination: submit_order validates it
}

// An {id} path parameter: 400 when it is not a number (unknown ids are the engine's 404).
Checked<execution::OrderId> order_id(const Request& req) {
  const auto text = req.param("id");
  execution::OrderId id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || p != text.data() + text.size() || id == 0)
    return field_error("id", "id must be an order id", http::status::bad_request, "invalid_parameter",
                       {{"value", text}});
  return id;
}

// An order the named portfolio does not have (another portfolio's id included): 404.
ApiError no_order(execution::OrderId id, const PortfolioRef& pf) {
  return field_error("id",
                     "portfolio " + std::to_string(pf.id) + " has no order " + std::to_string(id) +
                         " (open, or among the last 1000 finished)",
                     http::status::not_found, "not_found", {{"value", id}, {"portfolio_id", pf.id}});
}

// How long an order answer waits for its journal record to be durable before it answers
// "durable": false (the database is down or far behind; a commit takes a few ms).
constexpr auto kDurableWait = std::chrono::seconds(1);

// Runs an order command, then `done` with the order as it stands afterwards, once the journal
// records the command made are durable ("durable": true), or after kDurableWait (or at once in
// memory-only mode) with "durable": false: a crash may then lose the order.
void run_order_command(ApiContext& ctx, engine::PortfolioId portfolio,
                       std::function<engine::CommandResult(engine::Portfolio&, engine::OrderTicket&)> fn,
                       std::string field, std::function<void(ApiResult<PlacedOrder>)> done) {
  auto ticket = std::make_shared<engine::OrderTicket>();
  auto seq = std::make_shared<std::uint64_t>(0);
  run_engine_command(
      ctx, portfolio,
      [fn = std::move(fn), ticket, seq](engine::Portfolio& e) {
        auto result = fn(e, *ticket);
        *seq = e.last_seq();
        return result;
      },
      std::move(field),
      [&ctx, portfolio, ticket, seq, done = std::move(done)](std::optional<CommandFailure> failure) mutable {
        if (failure) return done(std::move(*failure));
        ctx.runner.after_durable(
            portfolio, *seq, kDurableWait, [&ctx, portfolio, ticket, done = std::move(done)](bool durable) {
              PlacedOrder placed{ticket->order, order_json(ticket->order, ctx.instruments, portfolio),
                                 ticket->duplicate};
              placed.body["duplicate"] = ticket->duplicate;
              placed.body["durable"] = durable;
              done(std::move(placed));
            });
      });
}

// run_order_command answered to the client: `created` for a new order, 200 for a duplicate.
void order_command(ApiContext& ctx, engine::PortfolioId portfolio, const Request& req, Reply reply,
                   std::function<engine::CommandResult(engine::Portfolio&, engine::OrderTicket&)> fn, std::string field,
                   http::status created) {
  run_order_command(ctx, portfolio, std::move(fn), std::move(field),
                    [answer = DeferredReply(req, std::move(reply)), created](ApiResult<PlacedOrder> placed) {
                      if (!placed) return answer.failure(placed.error());
                      answer.json(placed->duplicate ? http::status::ok : created, placed->body);
                    });
}

void place_order(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_body(&body)));
  MERIDIAN_TRY_REPLY(request, parse_order(ctx, body));
  request.placed_by = req.principal.user_id;  // who, on the order itself (0: auth off)
  submit_order(ctx, pf.id, std::move(request),
               [answer = DeferredReply(req, std::move(reply))](ApiResult<PlacedOrder> placed) {
                 if (!placed) return answer.failure(placed.error());
                 answer.json(placed->duplicate ? http::status::ok : http::status::created, placed->body);
               });
}

void replace_order(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(id, order_id(req));
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_body(&body)));
  const execution::Order* current = pf.snap->find_order(id);
  if (!current) return reply(error_response(req, no_order(id, pf)));
  // The changes over the order as it is: only quantity and prices may change.
  auto changes = current->request;
  MERIDIAN_TRY_REPLY(quantity, decimal_field<core::Quantity>(body, {"quantity", "qty"}));
  if (quantity) changes.quantity = *quantity;
  for (const char* name : {"limit_price", "stop_price"}) {
    MERIDIAN_TRY_REPLY(price, decimal_field<core::Price>(body, {name}));
    if (price) (std::string_view(name) == "limit_price" ? changes.limit_price : changes.stop_price) = *price;
  }
  if (auto valid = execution::validate(changes); !valid)
    return reply(error_response(req, validation_error(valid.error())));
  if (auto err = check_order_notional(changes)) return reply(error_response(req, *err));
  order_command(
      ctx, pf.id, req, std::move(reply),
      [id, changes](engine::Portfolio& e, engine::OrderTicket& t) { return e.replace_order(id, changes, t); },
      "quantity", http::status::ok);
}

// POST /api/trades: {"symbol","side","quantity","price","fee"?,"force"?,"reason"?}. Ranges here
// (each number, price * quantity + fee); the engine checks the rest (price band unless forced
// with a reason, risk state, limits, cash, position) on its strand.
void record_trade(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(body, object_body(req));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_body(&body)));
  engine::ManualTrade m;
  MERIDIAN_TRY_REPLY(symbol, symbol_field(ctx, body));
  MERIDIAN_TRY_REPLY(side, side_field(body));
  MERIDIAN_TRY_REPLY(quantity, decimal_field<core::Quantity>(body, {"quantity", "qty"}));
  if (!quantity) return reply(error_response(req, field_error("quantity", "quantity is required")));
  MERIDIAN_TRY_REPLY(price, decimal_field<core::Price>(body, {"price"}));
  if (!price) return reply(error_response(req, field_error("price", "price is required")));
  MERIDIAN_TRY_REPLY(fee, decimal_field<core::Money>(body, {"fee", "fees"}));
  MERIDIAN_TRY_REPLY(reason, string_field(body, {"reason"}));
  if (auto it = body.find("force"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return reply(error_response(req, field_error("force", "force must be true or false")));
    m.force = it->get<bool>();
  }
  m.symbol = symbol;
  m.side = side;
  m.quantity = *quantity;
  m.price = *price;
  m.fee = fee.value_or(core::Money{});
  m.reason = reason.value_or("");
  m.placed_by = req.principal.user_id;
  if (auto err = check_notional(m.price, m.quantity, m.fee)) return reply(error_response(req, *err));
  order_command(
      ctx, pf.id, req, std::move(reply),
      [m = std::move(m)](engine::Portfolio& e, engine::OrderTicket& t) { return e.record_trade(m, t); }, "quantity",
      http::status::created);
}

// DELETE /api/orders/{id}: the portfolio from the query, or from an optional JSON body.
void cancel_order(ApiContext& ctx, const Request& req, Reply reply) {
  MERIDIAN_TRY_REPLY(id, order_id(req));
  MERIDIAN_TRY_REPLY(body, object_body(req, true));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req, PortfolioFrom::in_body(&body)));
  order_command(
      ctx, pf.id, req, std::move(reply),
      [id](engine::Portfolio& e, engine::OrderTicket& t) { return e.cancel_order(id, t); }, "id", http::status::ok);
}

// `status`: a comma-separated list of order statuses, or "open" for every status that is
// not terminal; absent = all.
Checked<std::function<bool(const execution::Order&)>> status_filter(const Request& req) {
  auto text = req.query_value("status");
  if (!text) return std::function<bool(const execution::Order&)>([](const execution::Order&) { return true; });
  std::vector<execution::OrderStatus> wanted;
  bool open = false;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item == "open") {
      open = true;
    } else if (auto s = execution::parse_order_status(item)) {
      wanted.push_back(*s);
    } else {
      return field_error("status",
                         "status must be open or a list of new, accepted, partially_filled, filled, cancelled, "
                         "rejected, expired",
                         http::status::bad_request, "invalid_parameter", {{"value", *text}});
    }
  }
  return std::function<bool(const execution::Order&)>([wanted, open](const execution::Order& o) {
    return (open && !execution::is_terminal(o.status)) ||
           std::find(wanted.begin(), wanted.end(), o.status) != wanted.end();
  });
}

json orders_page(const engine::Snapshot& s, const PageQuery& q,
                 const std::function<bool(const execution::Order&)>& keep) {
  std::vector<const execution::Order*> orders;
  s.for_each_order([&](const execution::Order& o) {
    if (keep(o)) orders.push_back(&o);
  });
  // Id order, which paging walks newest first (finished orders are kept in finishing order).
  std::sort(orders.begin(), orders.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  return newest_first_page(
      orders, q, [](const execution::Order* o) { return std::tuple(o->id, o->request.symbol, o->created); },
      [&s](const execution::Order* o) { return order_json(*o, *s.instruments, s.portfolio_id); });
}

void list_orders(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(query, page_query(req, ctx.instruments));
  MERIDIAN_TRY_REPLY(keep, status_filter(req));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  reply(json_response(req, http::status::ok, orders_page(*pf.snap, query, keep)));
}

void get_order(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(id, order_id(req));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  if (const auto* o = pf.snap->find_order(id))
    return reply(json_response(req, http::status::ok, order_json(*o, ctx.instruments, pf.id)));
  reply(error_response(req, no_order(id, pf)));
}

// Seed 004: orders and trades side by side, each newest first (limit, symbol, since apply to both).
void orders_and_trades(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(query, page_query(req, ctx.instruments));
  MERIDIAN_TRY_REPLY(pf, resolve_portfolio(ctx, req));
  const auto& snap = pf.snap;
  auto orders = orders_page(*snap, query, [](const execution::Order&) { return true; });
  auto trades = newest_first_page(
      *snap->trades, query, [](const engine::Trade& t) { return std::tuple(t.id, t.symbol, t.ts); },
      [&ctx](const engine::Trade& t) { return trade_json(t, ctx.instruments); });
  reply(json_response(req, http::status::ok,
                      json{{"orders", std::move(orders["items"])}, {"trades", std::move(trades["items"])}}));
}

}  // namespace

void submit_order(ApiContext& ctx, engine::PortfolioId portfolio, execution::OrderRequest request,
                  std::function<void(ApiResult<PlacedOrder>)> done) {
  if (auto valid = execution::validate(request); !valid) return done(validation_error(valid.error()));
  if (auto err = check_order_notional(request)) return done(std::move(*err));
  run_order_command(
      ctx, portfolio,
      [request = std::move(request)](engine::Portfolio& e, engine::OrderTicket& t) {
        return e.submit_order(request, t);
      },
      "body", std::move(done));
}

void add_order_routes(Router& router, ApiContext& ctx) {
  router.add({http::verb::post, "/api/trade", Role::trader, "Place an order (passes the risk checks)",
              [&ctx](const Request& req, Reply reply) { place_order(ctx, req, std::move(reply)); }});
  router.add({http::verb::get, "/api/orders", Role::viewer, "Open and recent orders, newest first",
              [&ctx](const Request& req, Reply reply) { list_orders(ctx, req, reply); }});
  router.add({http::verb::get, "/api/orders/{id}", Role::viewer, "One order",
              [&ctx](const Request& req, Reply reply) { get_order(ctx, req, reply); }});
  router.add({http::verb::delete_, "/api/orders/{id}", Role::trader, "Cancel an open order",
              [&ctx](const Request& req, Reply reply) { cancel_order(ctx, req, std::move(reply)); }});
  router.add({http::verb::patch, "/api/orders/{id}", Role::trader, "Replace an open order's quantity or prices",
              [&ctx](const Request& req, Reply reply) { replace_order(ctx, req, std::move(reply)); }});
  // An admin action: it books a trade the executor never made (enforced with auth, from this table).
  router.add({http::verb::post, "/api/trades", Role::admin,
              "Record a trade done elsewhere (paper portfolios; within the price band unless forced with a reason)",
              [&ctx](const Request& req, Reply reply) { record_trade(ctx, req, std::move(reply)); }});
  router.add({http::verb::get, "/api/orders-trades", Role::viewer, "Orders and trades together, newest first",
              [&ctx](const Request& req, Reply reply) { orders_and_trades(ctx, req, reply); }});
}

}  // namespace meridian::api
