#pragma once
// Request-body helpers of the order, portfolio and risk handlers (the portfolio a request
// means: portfolio_ref.hpp): each parser yields the value or the ApiError (api_error.hpp)
// that names the field, so handlers stay a line per field.
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "meridian/api/api_context.hpp"
#include "meridian/api/api_error.hpp"
#include "meridian/api/http_types.hpp"
#include "meridian/api/json_body.hpp"
#include "meridian/api/portfolio_ref.hpp"
#include "meridian/api/session_commands.hpp"
#include "meridian/core/fixed.hpp"

namespace meridian::api {

template <class T>
using Checked = ApiResult<T>;

// The body as a JSON object, through parse_json_body (too deep or malformed: 400); anything
// but an object is 422. An empty body is an empty object when `empty_ok`.
// (A JSON value converts to almost anything, ApiError included: the value is placed explicitly.)
inline Checked<nlohmann::json> object_body(const Request& req, bool empty_ok = false) {
  if (req.raw.body().empty() && empty_ok) return {boost::system::in_place_value, nlohmann::json::object()};
  auto parsed = parse_json_body(req);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return field_error("body", "the request body must be a JSON object");
  return parsed;
}

// The first present of `names` in `body` (aliases: "quantity", "qty"), with the name used.
inline std::pair<const nlohmann::json*, std::string_view> find_field(const nlohmann::json& body,
                                                                     std::initializer_list<std::string_view> names) {
  for (auto name : names)
    if (auto it = body.find(name); it != body.end() && !it->is_null()) return {&*it, name};
  return {nullptr, names.size() ? *names.begin() : std::string_view{}};
}

// A number beyond what the ledger holds: 422 out_of_range naming the field, with the bound.
inline ApiError out_of_range(std::string_view field, std::string message) {
  return field_error(field, std::move(message), http::status::unprocessable_entity, "out_of_range",
                     {{"max", std::string(core::kMaxFixedText)}});
}

// A non-negative decimal field (a price, quantity or amount), absent = nullopt. Fixed-point
// values enter as JSON numbers; one whose 1e-8 raw value does not fit the ledger's int64
// (above 92233720368.54775807) is refused with out_of_range, never saturated or wrapped.
template <class Fixed>
Checked<std::optional<Fixed>> decimal_field(const nlohmann::json& body, std::initializer_list<std::string_view> names) {
  auto [value, name] = find_field(body, names);
  if (!value) return std::optional<Fixed>{};
  if (!value->is_number())
    return field_error(name, std::string(name) + " must be a number", http::status::unprocessable_entity,
                       "invalid_field", {{"value", *value}});
  const double v = value->get<double>();
  if (!std::isfinite(v) || v < 0)
    return field_error(name, std::string(name) + " must be a number of at least 0", http::status::unprocessable_entity,
                       "invalid_field", {{"value", *value}});
  auto fixed = Fixed::checked_from_double(v);
  if (!fixed) return out_of_range(name, std::string(name) + " must be at most " + std::string(core::kMaxFixedText));
  return std::optional<Fixed>{*fixed};
}

// price * quantity (+ fee) must fit the ledger: refused naming `field` (the quantity, which is
// what a client scales) when it does not.
inline std::optional<ApiError> check_notional(core::Price price, core::Quantity quantity, core::Money fee = {},
                                              std::string_view field = "quantity") {
  const auto value = core::checked_notional(price, quantity);
  if (!value)
    return out_of_range(field, "price * quantity must be at most " + std::string(core::kMaxFixedText) + "; lower " +
                                   std::string(field));
  if (!core::checked_add(*value, fee))
    return out_of_range("fee", "price * quantity + fee must be at most " + std::string(core::kMaxFixedText));
  return std::nullopt;
}

// A double field within [lo, hi], absent = nullopt.
inline Checked<std::optional<double>> number_field(const nlohmann::json& body,
                                                   std::initializer_list<std::string_view> names, double lo,
                                                   double hi) {
  auto [value, name] = find_field(body, names);
  if (!value) return std::optional<double>{};
  if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() < lo ||
      value->get<double>() > hi)
    return field_error(name,
                       std::string(name) + " must be a number between " + nlohmann::json(lo).dump() + " and " +
                           nlohmann::json(hi).dump(),
                       http::status::unprocessable_entity, "invalid_field", {{"value", *value}});
  return std::optional<double>{value->get<double>()};
}

// A non-negative integer field up to `hi`, absent = nullopt.
inline Checked<std::optional<std::uint64_t>> count_field(const nlohmann::json& body,
                                                         std::initializer_list<std::string_view> names,
                                                         std::uint64_t hi) {
  auto [value, name] = find_field(body, names);
  if (!value) return std::optional<std::uint64_t>{};
  const bool integral = value->is_number_unsigned() || (value->is_number_integer() && value->get<long long>() >= 0) ||
                        (value->is_number_float() && value->get<double>() >= 0 &&
                         value->get<double>() == std::floor(value->get<double>()) && value->get<double>() <= 1e18);
  const auto v = integral ? value->get<std::uint64_t>() : 0;
  if (!integral || v > hi)
    return field_error(name, std::string(name) + " must be an integer between 0 and " + std::to_string(hi),
                       http::status::unprocessable_entity, "invalid_field", {{"value", *value}});
  return std::optional<std::uint64_t>{v};
}

// A string field, absent = nullopt.
inline Checked<std::optional<std::string>> string_field(const nlohmann::json& body,
                                                        std::initializer_list<std::string_view> names) {
  auto [value, name] = find_field(body, names);
  if (!value) return std::optional<std::string>{};
  if (!value->is_string())
    return field_error(name, std::string(name) + " must be a string", http::status::unprocessable_entity,
                       "invalid_field", {{"value", *value}});
  return std::optional<std::string>{value->get<std::string>()};
}

// A query parameter as a double within [lo, hi], or `fallback` when absent.
inline Checked<double> double_query(const Request& req, std::string_view name, double lo, double hi, double fallback) {
  auto text = req.query_value(name);
  if (!text) return fallback;
  char* end = nullptr;
  const double v = std::strtod(text->c_str(), &end);
  if (text->empty() || end != text->c_str() + text->size() || !std::isfinite(v) || v < lo || v > hi)
    return field_error(name,
                       std::string(name) + " must be a number between " + nlohmann::json(lo).dump() + " and " +
                           nlohmann::json(hi).dump(),
                       http::status::bad_request, "invalid_parameter", {{"value", *text}});
  return v;
}

// A partial update of risk limits over `limits`: each field given replaces its value, 0 turns
// a limit off, an unknown field is 422 (POST /api/risk/limits/{id}, POST /api/portfolios's
// `limits`; in routes_risk.cpp).
Checked<risk::Limits> parse_limits(const nlohmann::json& body, risk::Limits limits);

// Answers an engine command from its completion (which runs on the engine strand, after the
// request object is gone): keeps only what the response needs.
class DeferredReply {
 public:
  DeferredReply(const Request& req, Reply reply)
      : version_(req.raw.version()), keep_alive_(req.raw.keep_alive()), reply_(std::move(reply)) {}

  // `location`: non-empty, a Location header (a created resource's address).
  void json(http::status status, const nlohmann::json& body, std::string_view location = {}) const {
    reply_(json_response(version_, keep_alive_, status, body, location));
  }
  // A response without a body (204).
  void empty(http::status status) const { reply_(empty_response(version_, keep_alive_, status)); }
  void failure(const ApiError& f) const { reply_(error_response(version_, keep_alive_, f)); }

 private:
  unsigned version_;
  bool keep_alive_;
  Reply reply_;
};

}  // namespace meridian::api
