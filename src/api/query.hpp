#pragma once
// Query-string parsing for handlers: each parser yields the value or the ApiError (400
// invalid_parameter) that names the parameter.
#include <charconv>
#include <limits>
#include <optional>

#include "meridian/api/api_error.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/core/symbol_alias.hpp"
#include "meridian/core/time.hpp"

namespace meridian::api {

template <class T>
using Parsed = ApiResult<T>;

inline Parsed<long long> int_param(const Request& req, std::string_view name, long long lo, long long hi,
                                   long long fallback) {
  auto text = req.query_value(name);
  if (!text) return fallback;
  long long v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || p != text->data() + text->size() || v < lo || v > hi) {
    return field_error(
        name, std::string(name) + " must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi),
        http::status::bad_request, "invalid_parameter", {{"value", *text}, {"min", lo}, {"max", hi}});
  }
  return v;
}

inline Parsed<std::optional<core::Timestamp>> time_param(const Request& req, std::string_view name) {
  auto text = req.query_value(name);
  if (!text) return std::optional<core::Timestamp>{};
  auto t = core::parse_time(*text);
  if (!t) {
    return field_error(name,
                       std::string(name) +
                           " must be an ISO-8601 UTC time or epoch milliseconds between 1684-10-19T08:00:00Z and "
                           "2255-03-14T16:00:00Z",
                       http::status::bad_request, "invalid_parameter",
                       {{"value", *text}, {"min", "1684-10-19T08:00:00Z"}, {"max", "2255-03-14T16:00:00Z"}});
  }
  return std::optional<core::Timestamp>{*t};
}

// The paging and filters every log route takes: limit (1..5000, default 100), before (an
// id cursor), symbol, since.
struct PageQuery {
  std::size_t limit = 100;
  std::uint64_t before = 0;
  std::optional<core::SymbolId> symbol;
  std::optional<core::Timestamp> since;
};

ApiError unknown_symbol(std::string_view symbol);

inline Parsed<PageQuery> page_query(const Request& req, const core::InstrumentTable& instruments) {
  PageQuery q;
  auto limit = int_param(req, "limit", 1, 5000, 100);
  if (!limit) return limit.error();
  auto before = int_param(req, "before", 1, std::numeric_limits<long long>::max(), 0);
  if (!before) return before.error();
  auto since = time_param(req, "since");
  if (!since) return since.error();
  q.limit = static_cast<std::size_t>(*limit);
  q.before = static_cast<std::uint64_t>(*before);
  q.since = *since;
  if (auto name = req.query_value("symbol")) {
    q.symbol = core::resolve_symbol(instruments, *name);
    if (!q.symbol) return unknown_symbol(*name);
  }
  return q;
}

// {"items": [...newest first...], "next": id cursor or null} over a log kept oldest first.
// `view(entry)` gives {id, symbol, time} of an entry; `to_json` renders one.
template <class Log, class View, class ToJson>
nlohmann::json newest_first_page(const Log& log, const PageQuery& q, View view, ToJson to_json) {
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json next = nullptr;
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    const auto [id, symbol, time] = view(*it);
    if ((q.before && id >= q.before) || (q.symbol && symbol != *q.symbol)) continue;
    if (q.since && time < *q.since) break;  // everything further is older
    if (items.size() == q.limit) {
      next = items.back()["id"];
      break;
    }
    items.push_back(to_json(*it));
  }
  return nlohmann::json{{"items", std::move(items)}, {"next", std::move(next)}};
}

inline ApiError unknown_symbol(std::string_view symbol) {
  return field_error("symbol", "unknown symbol '" + std::string(symbol) + "'; see /api/symbols",
                     http::status::not_found, "unknown_symbol", {{"value", symbol}});
}

}  // namespace meridian::api
