#pragma once
// Query-string parsing for handlers: each parser yields the value or the 4xx response
// that names the parameter.
#include <charconv>
#include <limits>
#include <optional>
#include <variant>

#include "meridian/api/http_types.hpp"
#include "meridian/core/instrument.hpp"
#include "meridian/core/time.hpp"

namespace meridian::api {

template <class T>
using Parsed = std::variant<T, HttpResponse>;

inline Parsed<long long> int_param(const Request& req, std::string_view name, long long lo, long long hi,
                                   long long fallback) {
  auto text = req.query_value(name);
  if (!text) return fallback;
  long long v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || p != text->data() + text->size() || v < lo || v > hi) {
    nlohmann::json details{{"field", name}, {"value", *text}, {"min", lo}, {"max", hi}};
    return error_response(
        req, http::status::bad_request, "invalid_parameter",
        std::string(name) + " must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi),
        &details);
  }
  return v;
}

inline Parsed<std::optional<core::Timestamp>> time_param(const Request& req, std::string_view name) {
  auto text = req.query_value(name);
  if (!text) return std::optional<core::Timestamp>{};
  auto t = core::parse_time(*text);
  if (!t) {
    nlohmann::json details{
        {"field", name}, {"value", *text}, {"min", "1684-10-19T08:00:00Z"}, {"max", "2255-03-14T16:00:00Z"}};
    return error_response(req, http::status::bad_request, "invalid_parameter",
                          std::string(name) +
                              " must be an ISO-8601 UTC time or epoch milliseconds between 1684-10-19T08:00:00Z and "
                              "2255-03-14T16:00:00Z",
                          &details);
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

HttpResponse unknown_symbol(const Request& req, std::string_view symbol);

inline Parsed<PageQuery> page_query(const Request& req, const core::InstrumentTable& instruments) {
  PageQuery q;
  auto limit = int_param(req, "limit", 1, 5000, 100);
  if (auto* err = std::get_if<HttpResponse>(&limit)) return std::move(*err);
  auto before = int_param(req, "before", 1, std::numeric_limits<long long>::max(), 0);
  if (auto* err = std::get_if<HttpResponse>(&before)) return std::move(*err);
  auto since = time_param(req, "since");
  if (auto* err = std::get_if<HttpResponse>(&since)) return std::move(*err);
  q.limit = static_cast<std::size_t>(std::get<long long>(limit));
  q.before = static_cast<std::uint64_t>(std::get<long long>(before));
  q.since = std::get<std::optional<core::Timestamp>>(since);
  if (auto name = req.query_value("symbol")) {
    q.symbol = instruments.find(*name);
    if (!q.symbol) return unknown_symbol(req, *name);
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

inline HttpResponse unknown_symbol(const Request& req, std::string_view symbol) {
  nlohmann::json details{{"field", "symbol"}, {"value", symbol}};
  return error_response(req, http::status::not_found, "unknown_symbol",
                        "unknown symbol '" + std::string(symbol) + "'; see /api/symbols", &details);
}

}  // namespace meridian::api
