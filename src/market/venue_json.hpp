#pragma once
// Reading venue JSON without exceptions: the parse reports failure instead of throwing, and
// every field read checks presence and type, so a hostile or cut-short frame is an error value.
// Internal to the market module (nlohmann stays out of the public headers).
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "meridian/core/fixed.hpp"

namespace meridian::market::venue_json {

using Json = nlohmann::json;

// nullopt for anything that is not one complete JSON value (truncated text included).
inline std::optional<Json> parse(std::string_view text) {
  try {
    auto j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return std::nullopt;
    return j;
  } catch (...) {  // allocation failure; the parser itself does not throw with exceptions off
    return std::nullopt;
  }
}

inline const Json* field(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

inline std::optional<std::string_view> string_of(const Json* j) {
  if (j == nullptr || !j->is_string()) return std::nullopt;
  return std::string_view(j->get_ref<const std::string&>());
}

inline std::optional<std::int64_t> integer_of(const Json* j) {
  if (j == nullptr) return std::nullopt;
  if (j->is_number_integer() && !j->is_number_unsigned()) return j->get<std::int64_t>();
  if (j->is_number_unsigned()) {
    const auto u = j->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  return std::nullopt;
}

inline std::optional<double> number_of(const Json* j) {
  if (j == nullptr || !j->is_number()) return std::nullopt;
  const double v = j->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

inline std::optional<bool> bool_of(const Json* j) {
  if (j == nullptr || !j->is_boolean()) return std::nullopt;
  return j->get<bool>();
}

// A decimal sent as a string ("42283.58000000"), exact: no double on the way.
template <class F>
std::optional<F> decimal_string_of(const Json* j) {
  const auto s = string_of(j);
  if (!s) return std::nullopt;
  return F::parse(*s);
}

// A decimal sent as a JSON number: to fixed point through the double, then to the instrument's
// decimals, which removes the binary noise (133.32 -> 133.31999999... -> 133.32). Values a
// fixed-point int64 cannot hold are refused.
template <class F>
std::optional<F> decimal_number_of(const Json* j, int decimals) {
  const auto v = number_of(j);
  if (!v) return std::nullopt;
  const auto fixed = F::checked_from_double(*v);
  if (!fixed) return std::nullopt;
  return fixed->rounded(decimals);
}

}  // namespace meridian::market::venue_json
