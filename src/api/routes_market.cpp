#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "meridian/api/json_types.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "meridian/indicators/regime.hpp"
#include "query.hpp"

namespace meridian::api {

namespace {

constexpr long long kMaxCandles = 5000;

void symbols(ApiContext& ctx, const Request& req, const Reply& reply) {
  auto snap = ctx.snapshot();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& inst : ctx.instruments.all()) {
    const auto& view = snap->symbols[inst.id];
    items.push_back(
        {{"symbol", inst.symbol},
         {"venue", inst.venue},
         {"asset_class", core::to_string(inst.asset_class)},
         {"currency", inst.currency},
         {"price_decimals", inst.price_decimals},
         {"qty_decimals", inst.qty_decimals},
         {"last_price", view.has_tick ? nlohmann::json(view.last.last.to_double()) : nlohmann::json(nullptr)}});
  }
  reply(json_response(req, http::status::ok, nlohmann::json{{"items", std::move(items)}, {"next", nullptr}}));
}

// What every candle route takes: the symbol (path), `timeframe`, `limit`, and an inclusive
// `start`/`end` window on the bars' open times.
struct CandleQuery {
  core::SymbolId symbol = 0;
  core::Timeframe timeframe = core::Timeframe::m1;
  std::size_t limit = 0;
  std::optional<core::Timestamp> start;
  std::optional<core::Timestamp> end;
};

// The `timeframe` query parameter (default when absent); 400 naming the allowed ones.
Parsed<core::Timeframe> timeframe_param(const Request& req, core::Timeframe default_timeframe) {
  auto text = req.query_value("timeframe");
  if (!text) return default_timeframe;
  auto tf = core::parse_timeframe(*text);
  if (tf) return *tf;
  nlohmann::json allowed = nlohmann::json::array();
  for (auto t : core::kAllTimeframes) allowed.push_back(core::to_string(t));
  return field_error("timeframe", "timeframe must be one of 1m, 5m, 15m, 1h, 4h, 1d", http::status::bad_request,
                     "invalid_parameter", {{"value", *text}, {"allowed", allowed}});
}

Parsed<CandleQuery> candle_query(ApiContext& ctx, const Request& req, core::Timeframe default_timeframe,
                                 long long default_limit) {
  CandleQuery q;
  const auto name = req.param("symbol");
  auto id = core::resolve_symbol(ctx.instruments, name);
  if (!id) return unknown_symbol(name);
  q.symbol = *id;
  auto timeframe = timeframe_param(req, default_timeframe);
  if (!timeframe) return timeframe.error();
  q.timeframe = *timeframe;
  auto limit = int_param(req, "limit", 1, kMaxCandles, default_limit);
  if (!limit) return limit.error();
  q.limit = static_cast<std::size_t>(*limit);
  for (auto [field, bound] : {std::pair{"start", &q.start}, std::pair{"end", &q.end}}) {
    auto t = time_param(req, field);
    if (!t) return t.error();
    *bound = *t;
  }
  if (q.start && q.end && *q.start > *q.end) {
    return field_error("start", "start must not be after end", http::status::unprocessable_entity, "invalid_range",
                       {{"start", core::to_iso8601(*q.start)}, {"end", core::to_iso8601(*q.end)}});
  }
  return q;
}

// One page of a symbol's candles, oldest first. With `start`, the oldest `limit` bars from
// it on (`next`: the open time, epoch ms, to pass as the next `start`); otherwise the newest
// `limit` bars up to `end` or now (`next`: the open time to pass as the next `end`). The
// forming bar is `partial` when it lies in the window and the page reaches it; with
// `forming_in_items` it is also the last item (and counts against `limit`), as a kline list
// from a venue has it.
nlohmann::json candle_page(const engine::Snapshot& snap, const CandleQuery& q, bool forming_in_items) {
  const auto& bars = snap.series(q.timeframe, q.symbol);
  const auto by_time = [](const core::Bar& b, core::Timestamp t) { return b.open_time < t; };
  const auto lo = q.start ? std::lower_bound(bars.begin(), bars.end(), *q.start, by_time) : bars.begin();
  const auto hi = q.end ? std::upper_bound(bars.begin(), bars.end(), *q.end,
                                           [](core::Timestamp t, const core::Bar& b) { return t < b.open_time; })
                        : bars.end();
  auto forming = snap.forming(q.timeframe, q.symbol);
  if (forming && ((q.start && forming->open_time < *q.start) || (q.end && forming->open_time > *q.end)))
    forming.reset();

  const auto available = static_cast<std::size_t>(std::max<std::ptrdiff_t>(hi - lo, 0));
  auto first = lo;
  auto last = hi;
  nlohmann::json next = nullptr;
  if (q.start) {
    last = lo + static_cast<std::ptrdiff_t>(std::min(available, q.limit));
    if (last != hi) {
      next = core::epoch_ms(last->open_time);
      forming.reset();
    } else if (forming && forming_in_items && available >= q.limit) {
      next = core::epoch_ms(forming->open_time);
      forming.reset();
    }
  } else {
    const std::size_t room = q.limit - (forming && forming_in_items ? 1 : 0);
    first = hi - static_cast<std::ptrdiff_t>(std::min(available, room));
    if (first != lo) next = core::epoch_ms((first - 1)->open_time);
  }
  nlohmann::json items = nlohmann::json::array();
  for (auto it = first; it != last; ++it) items.push_back(candle_json(*it));
  if (forming && forming_in_items) items.push_back(candle_json(*forming));
  return nlohmann::json{{"symbol", snap.instruments->at(q.symbol).symbol},
                        {"timeframe", core::to_string(q.timeframe)},
                        {"items", std::move(items)},
                        {"partial", forming ? candle_json(*forming) : nlohmann::json(nullptr)},
                        {"next", std::move(next)}};
}

// GET /api/market/{symbol}: 1m by default, closed bars in `items`, the forming bar apart.
void candles(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(q, candle_query(ctx, req, core::Timeframe::m1, 100));
  reply(json_response(req, http::status::ok, candle_page(*ctx.snapshot(), q, false)));
}

// GET /api/market/history/{symbol}, /ws/history/{symbol}: 15m and 400 bars by default, the
// forming bar last (seed 003's client reads venue klines, where the open kline is last).
void history(ApiContext& ctx, const Request& req, const Reply& reply) {
  MERIDIAN_TRY_REPLY(q, candle_query(ctx, req, core::Timeframe::m15, 400));
  reply(json_response(req, http::status::ok, candle_page(*ctx.snapshot(), q, true)));
}

// GET /api/market/price/{symbol} (seed 002): the last trade, bid/ask and their time.
void price(ApiContext& ctx, const Request& req, const Reply& reply) {
  const auto name = req.param("symbol");
  const auto id = core::resolve_symbol(ctx.instruments, name);
  if (!id) return reply(error_response(req, unknown_symbol(name)));
  auto snap = ctx.snapshot();
  const auto& view = snap->symbols[*id];
  if (!view.has_tick)
    return reply(
        error_response(req, http::status::not_found, "no_price", "no market data for " + std::string(name) + " yet"));
  reply(json_response(req, http::status::ok, quote_json(view, ctx.instruments.at(*id))));
}

// GET /api/market/regime/{symbol}: the regime of the symbol's closed bars (1m by default,
// where the classifier's thresholds were chosen), replayed from the in-memory history through
// the streaming classifier (indicators/regime.hpp) and read at the newest bar.
void regime(ApiContext& ctx, const Request& req, const Reply& reply) {
  const auto name = req.param("symbol");
  const auto id = core::resolve_symbol(ctx.instruments, name);
  if (!id) return reply(error_response(req, unknown_symbol(name)));
  MERIDIAN_TRY_REPLY(timeframe, timeframe_param(req, core::Timeframe::m1));
  auto snap = ctx.snapshot();
  const auto& bars = snap->series(timeframe, *id);
  indicators::RegimeClassifier classifier;
  for (std::size_t i = 0; i + 1 < bars.size(); ++i) classifier.warm(bars[i]);
  if (!bars.empty()) classifier.update(bars.back());
  reply(json_response(req, http::status::ok,
                      regime_json(classifier.reading(), ctx.instruments.at(*id).symbol, timeframe,
                                  bars.empty() ? std::nullopt : std::optional(bars.back().open_time))));
}

}  // namespace

void add_market_routes(Router& router, ApiContext& ctx) {
  router.add(per_snapshot({http::verb::get, "/api/market/regime/{symbol}", Role::viewer,
                           "Market regime (trending up/down, ranging, volatile) with its inputs",
                           [&ctx](const Request& req, Reply reply) { regime(ctx, req, reply); }}));
  router.add(per_snapshot({http::verb::get, "/api/market/price/{symbol}", Role::viewer, "Last price, bid/ask and time",
                           [&ctx](const Request& req, Reply reply) { price(ctx, req, reply); }}));
  router.add(per_snapshot({http::verb::get, "/api/symbols", Role::viewer, "Configured symbols",
                           [&ctx](const Request& req, Reply reply) { symbols(ctx, req, reply); }}));
  router.add(per_snapshot({http::verb::get, "/api/market/{symbol}", Role::viewer, "OHLCV candles (1m by default)",
                           [&ctx](const Request& req, Reply reply) { candles(ctx, req, reply); }}));
  for (const char* path : {"/api/market/history/{symbol}", "/ws/history/{symbol}"})
    router.add(per_snapshot({http::verb::get, path, Role::viewer, "Candle history (15m by default), forming bar last",
                             [&ctx](const Request& req, Reply reply) { history(ctx, req, reply); }}));
}

}  // namespace meridian::api
