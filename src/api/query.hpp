#pragma once
// Query-string parsing for handlers: each parser yields the value or the 4xx response
// that names the parameter.
#include <charconv>
#include <variant>

#include "meridian/api/http_types.hpp"
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
    nlohmann::json details{{"field", name}, {"value", *text}};
    return error_response(req, http::status::bad_request, "invalid_parameter",
                          std::string(name) + " must be an ISO-8601 UTC time or epoch milliseconds", &details);
  }
  return std::optional<core::Timestamp>{*t};
}

inline HttpResponse unknown_symbol(const Request& req, std::string_view symbol) {
  nlohmann::json details{{"field", "symbol"}, {"value", symbol}};
  return error_response(req, http::status::not_found, "unknown_symbol",
                        "unknown symbol '" + std::string(symbol) + "'; see /api/symbols", &details);
}

}  // namespace meridian::api
