#pragma once
// Checks of the documented response shapes (docs/api-shapes.md): field names and JSON types.
// Each check adds a non-fatal failure per problem, naming where the value came from; fields
// beyond the documented ones are allowed.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/http_client.hpp"

namespace meridian::e2e {

enum class Kind { string, number, integer, boolean, object, array, null, time };  // time: ISO-8601 UTC with ms

struct Field {
  const char* name;
  std::initializer_list<Kind> kinds;  // any of these
};

// True when `j` has the documented kind.
bool is_kind(const nlohmann::json& j, Kind kind);
// ISO-8601 UTC with milliseconds: 2026-11-21T04:36:53.930Z.
bool is_iso_time(const nlohmann::json& j);

void expect_fields(const nlohmann::json& j, std::string_view where, std::initializer_list<Field> fields);

void expect_trade(const nlohmann::json& t, std::string_view where);
void expect_position(const nlohmann::json& p, std::string_view where);
void expect_candle(const nlohmann::json& c, std::string_view where);
void expect_quote(const nlohmann::json& q, std::string_view where);  // priceUpdate data
void expect_trading_status(const nlohmann::json& s, std::string_view where);
// `{"items":[...],"next":...}` with each item checked by `item`.
void expect_list(const nlohmann::json& j, std::string_view where,
                 void (*item)(const nlohmann::json&, std::string_view));

// A JSON response: the status, Content-Type application/json, a body that parses. Returns the body.
nlohmann::json expect_json_response(const HttpResponse& r, int status, std::string_view where);
// The error shape of API.md: {"error":{"code","message","details"}} with the status (and code, if not empty).
nlohmann::json expect_error(const HttpResponse& r, int status, std::string_view code, std::string_view where);

// "type" of a message, or "" when there is none.
std::string type_of(const nlohmann::json& message);

}  // namespace meridian::e2e
