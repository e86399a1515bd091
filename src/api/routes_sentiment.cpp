// Sentiment over REST (#14 item 9; the input: sentiment_input.hpp, the rows:
// storage/sentiment_store.hpp). POST /api/sentiment (admin: the rows are one set for every user
// and portfolio, owned by no one and not deletable through the API, and the decision model of
// every portfolio may weigh them; so, like `meridiand data import`, writing them is the
// operator's; an ingestion script uses an admin's API key) takes JSON (all or nothing) or CSV
// (good rows kept, bad rows listed): 201 with the ids. GET /api/sentiment/{symbol} (viewer):
// the summary of a window and its newest items; {symbol} "market" means the market-wide items.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "csv_body.hpp"
#include "meridian/api/sentiment_routes.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "query.hpp"
#include "request_util.hpp"
#include "sentiment_input.hpp"

namespace meridian::api {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kDefaultWindow = 24h;
constexpr auto kMaxWindow = std::chrono::hours(24 * 366);
constexpr auto kDefaultHalfLife = 6h;
constexpr long long kMaxLimit = 500;
constexpr std::string_view kMarketWide = "market";

HttpResponse no_database(const Request& req) {
  return error_response(req, http::status::service_unavailable, "unavailable",
                        "sentiment needs a database (DATABASE_URL): its items are kept in sentiment_data");
}

ApiError store_down() {
  return api_error(http::status::service_unavailable, "unavailable",
                   "sentiment cannot be read or stored: the database is unavailable");
}

// Runs `job` on the backend's worker, or answers 503 busy when its queue is full.
template <class Job>
void on_worker(SentimentBackend& backend, const Request& req, const Reply& reply, Job job) {
  if (backend.workers.try_post(std::move(job))) return;
  auto res = error_response(req, http::status::service_unavailable, "busy",
                            "too many sentiment requests are waiting; retry in a moment");
  res.set(http::field::retry_after, "1");
  reply(std::move(res));
}

json time_or_null(const std::optional<core::Timestamp>& t) {
  return t ? json(core::to_iso8601(*t)) : json(nullptr);
}

json symbol_json(const std::string& symbol) {
  return symbol.empty() ? json(nullptr) : json(symbol);
}

json item_json(const storage::SentimentItem& item) {
  return {{"id", item.id},
          {"symbol", symbol_json(item.symbol)},
          {"source", item.source},
          {"score", item.score},
          {"confidence", item.confidence ? json(*item.confidence) : json(nullptr)},
          {"mentions", item.mentions},
          {"headline", item.headline},
          {"url", item.url.empty() ? json(nullptr) : json(item.url)},
          {"observed_at", core::to_iso8601(item.observed_at)},
          {"created_at", core::to_iso8601(item.created_at)}};
}

void post(ApiContext& ctx, SentimentBackend* backend, const Request& req, Reply reply) {
  if (!backend) return reply(no_database(req));
  if (!backend->writable)
    return reply(error_response(req, http::status::service_unavailable, "read_only",
                                "this daemon is read-only (another one holds the database): sentiment is not stored"));
  const SentimentInput in{ctx.instruments, core::now()};
  std::vector<storage::SentimentItem> items;
  json report = json::object();
  if (csv_body(req.raw)) {
    MERIDIAN_TRY_REPLY(csv, decode_sentiment_csv(req.raw.body(), in));
    json bad = json::array();
    for (const auto& row : csv.listed)
      bad.push_back({{"line", row.line}, {"field", row.field}, {"message", row.message}});
    report = {{"rows", csv.rows}, {"imported", csv.items.size()}, {"skipped", csv.bad}, {"bad_rows", std::move(bad)}};
    if (csv.items.empty())
      return reply(error_response(req, field_error("body", "no row of the CSV body could be imported",
                                                   http::status::unprocessable_entity, "no_valid_rows", report)));
    items = std::move(csv.items);
  } else {
    MERIDIAN_TRY_REPLY(body, parse_json_body(req));
    MERIDIAN_TRY_REPLY(decoded, decode_sentiment_json(body, in));
    items = std::move(decoded);
    report = {{"imported", items.size()}};
  }
  const auto* store = &backend->store;
  on_worker(
      *backend, req, reply,
      [answer = DeferredReply(req, reply), store, items = std::move(items), report = std::move(report)]() mutable {
        auto ids = store->insert(items);
        if (!ids) return answer.failure(store_down());
        report["ids"] = *ids;
        answer.json(http::status::created, report);
      });
}

// half_life: seconds, or a number with a unit (90s, 30m, 6h, 2d), 1 minute to 30 days.
Checked<core::Duration> half_life_param(const Request& req) {
  const auto text = req.query_value("half_life");
  if (!text) return core::Duration(kDefaultHalfLife);
  double value = 0;
  const auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  const std::string_view unit(p, static_cast<std::size_t>(text->data() + text->size() - p));
  double seconds_per = 0;
  if (unit.empty() || unit == "s")
    seconds_per = 1;
  else if (unit == "m")
    seconds_per = 60;
  else if (unit == "h")
    seconds_per = 3600;
  else if (unit == "d")
    seconds_per = 86400;
  const double seconds = value * seconds_per;
  if (ec != std::errc{} || seconds_per == 0 || !(seconds >= 60 && seconds <= 30 * 86400))
    return field_error("half_life", "half_life must be 1 minute to 30 days: seconds, or a number with s, m, h or d",
                       http::status::bad_request, "invalid_parameter", {{"value", *text}});
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(seconds));
}

struct Window {
  std::string symbol;  // empty: market-wide
  core::Timestamp since, until;
  core::Duration half_life;
  std::size_t limit;
};

Checked<Window> window_of(ApiContext& ctx, const Request& req) {
  Window w;
  const auto name = req.param("symbol");
  if (const auto id = core::resolve_symbol(ctx.instruments, name))
    w.symbol = ctx.instruments.at(*id).symbol;
  else if (name != kMarketWide)
    return unknown_symbol(name);
  MERIDIAN_TRY(since, time_param(req, "since"));
  MERIDIAN_TRY(until, time_param(req, "until"));
  MERIDIAN_TRY(half_life, half_life_param(req));
  MERIDIAN_TRY(limit, int_param(req, "limit", 0, kMaxLimit, 50));
  w.until = until.value_or(core::now());
  w.since = since.value_or(w.until - kDefaultWindow);
  // Compared as since < until - 366 days: until - since could overflow (both may be centuries apart).
  if (w.since > w.until || w.since < w.until - kMaxWindow)
    return field_error("since", "since must not be after until, and the window at most 366 days",
                       http::status::bad_request, "invalid_parameter",
                       {{"since", core::to_iso8601(w.since)}, {"until", core::to_iso8601(w.until)}});
  w.half_life = half_life;
  w.limit = static_cast<std::size_t>(limit);
  return w;
}

void get(ApiContext& ctx, SentimentBackend* backend, const Request& req, Reply reply) {
  if (!backend) return reply(no_database(req));
  MERIDIAN_TRY_REPLY(w, window_of(ctx, req));
  const auto* store = &backend->store;
  on_worker(*backend, req, reply, [answer = DeferredReply(req, reply), store, w]() {
    auto summary = store->aggregate(w.symbol, w.since, w.until, w.half_life);
    auto recent = w.limit ? store->recent(w.symbol, w.since, w.until, w.limit)
                          : core::Result<std::vector<storage::SentimentItem>>(std::vector<storage::SentimentItem>{});
    if (!summary || !recent) return answer.failure(store_down());
    json sources = json::array();
    for (const auto& s : summary->sources)
      sources.push_back({{"source", s.source}, {"count", s.items}, {"score", s.score}});
    json items = json::array();
    for (const auto& item : *recent) items.push_back(item_json(item));
    answer.json(http::status::ok, {{"symbol", symbol_json(w.symbol)},
                                   {"since", core::to_iso8601(w.since)},
                                   {"until", core::to_iso8601(w.until)},
                                   {"half_life_s", std::chrono::duration<double>(w.half_life).count()},
                                   {"count", summary->items},
                                   {"score", summary->score},
                                   {"mean_score", summary->mean_score},
                                   {"first", time_or_null(summary->first)},
                                   {"last", time_or_null(summary->last)},
                                   {"sources", std::move(sources)},
                                   {"items", std::move(items)}});
  });
}

}  // namespace

void add_sentiment_routes(Router& router, ApiContext& ctx, SentimentBackend* backend) {
  router.add(
      takes_csv({http::verb::post, "/api/sentiment", Role::admin,
                 "Store scored sentiment items (JSON: one or {items}, all or nothing; text/csv: good rows "
                 "kept, bad rows listed): 201 with their ids",
                 [&ctx, backend](const Request& req, Reply reply) { post(ctx, backend, req, std::move(reply)); }}));
  router.add({http::verb::get, "/api/sentiment/{symbol}", Role::viewer,
              "A symbol's sentiment (market: the market-wide items) over a window: decayed, confidence-weighted "
              "score by source, and the newest items",
              [&ctx, backend](const Request& req, Reply reply) { get(ctx, backend, req, std::move(reply)); }});
}

}  // namespace meridian::api
