#pragma once
// The one reader of venue JSON (Coinbase, Binance, Alpaca): without exceptions, the parse reports
// failure instead of throwing, and every field read checks presence and type, so a hostile or
// cut-short frame is an error value; decimals are exact (decimal_of). Internal to the market
// module (nlohmann stays out of the public headers).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "meridian/core/decimal_text.hpp"
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

inline std::optional<bool> bool_of(const Json* j) {
  if (j == nullptr || !j->is_boolean()) return std::nullopt;
  return j->get<bool>();
}

// A decimal, sent as a string ("42283.58000000", Binance and Coinbase) or a JSON number
// (133.32, Alpaca), exact: the string through core::parse_decimal_raw, a number through its
// shortest round-trip text (what nlohmann's dump writes: the venue's own digits for any decimal
// of up to 15 significant digits), so no value passes through arithmetic on a double. nullopt for
// anything else, a nonzero digit past the 8th decimal, or a value the fixed-point range cannot hold.
// Callers that insist on one JSON type check it first.
inline std::optional<std::int64_t> decimal_raw_of(const Json* j) {
  if (j == nullptr) return std::nullopt;
  if (j->is_string()) return core::parse_decimal_raw(j->get_ref<const std::string&>());
  if (j->is_number()) return core::parse_decimal_raw(j->dump());
  return std::nullopt;
}

template <class F>
std::optional<F> decimal_of(const Json* j) {
  const auto raw = decimal_raw_of(j);
  if (!raw) return std::nullopt;
  return F::from_raw(*raw);
}

}  // namespace meridian::market::venue_json
