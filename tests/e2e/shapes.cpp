#include "shapes.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace meridian::e2e {

using nlohmann::json;

namespace {
const char* kind_name(Kind k) {
  switch (k) {
    case Kind::string: return "string";
    case Kind::number: return "number";
    case Kind::integer: return "integer";
    case Kind::boolean: return "boolean";
    case Kind::object: return "object";
    case Kind::array: return "array";
    case Kind::null: return "null";
    case Kind::time: return "ISO-8601 time";
  }
  return "?";
}

std::string describe(std::initializer_list<Kind> kinds) {
  std::string out;
  for (auto k : kinds) out += (out.empty() ? "" : " or ") + std::string(kind_name(k));
  return out;
}

std::string at(std::string_view where, std::string_view field) {
  return std::string(where) + "." + std::string(field);
}

void expect_number_map(const json& j, std::string_view where) {
  if (!j.is_object()) return;  // the kind check has reported it
  for (const auto& [k, v] : j.items())
    EXPECT_TRUE(v.is_number()) << at(where, k) << " should be a number, is " << v.dump();
}
}  // namespace

bool is_iso_time(const json& j) {
  static const std::regex iso(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  return j.is_string() && std::regex_match(j.get_ref<const std::string&>(), iso);
}

bool is_kind(const json& j, Kind kind) {
  switch (kind) {
    case Kind::string: return j.is_string();
    case Kind::number: return j.is_number();
    case Kind::integer: return j.is_number_integer();
    case Kind::boolean: return j.is_boolean();
    case Kind::object: return j.is_object();
    case Kind::array: return j.is_array();
    case Kind::null: return j.is_null();
    case Kind::time: return is_iso_time(j);
  }
  return false;
}

void expect_fields(const json& j, std::string_view where, std::initializer_list<Field> fields) {
  if (!j.is_object()) {
    ADD_FAILURE() << where << " should be a JSON object, is " << j.dump();
    return;
  }
  for (const auto& f : fields) {
    auto it = j.find(f.name);
    if (it == j.end()) {
      ADD_FAILURE() << at(where, f.name) << " is missing in " << j.dump();
      continue;
    }
    bool ok = false;
    for (auto k : f.kinds) ok = ok || is_kind(*it, k);
    EXPECT_TRUE(ok) << at(where, f.name) << " should be " << describe(f.kinds) << ", is " << it->dump();
  }
}

void expect_trade(const json& t, std::string_view where) {
  using K = Kind;
  expect_fields(t, where,
                {{"id", {K::integer}},
                 {"order_id", {K::integer}},
                 {"portfolio_id", {K::integer}},
                 {"symbol", {K::string}},
                 {"side", {K::string}},
                 {"quantity", {K::number}},
                 {"price", {K::number}},
                 {"fee", {K::number}},
                 {"notional", {K::number}},
                 {"realized_pnl", {K::number}},
                 {"strategy", {K::string}},
                 {"time", {K::time}},
                 {"ts", {K::integer}}});
  if (t.is_object() && t.contains("side") && t["side"].is_string()) {
    EXPECT_TRUE(t["side"] == "buy" || t["side"] == "sell") << at(where, "side") << " is " << t["side"];
  }
}

void expect_position(const json& p, std::string_view where) {
  using K = Kind;
  expect_fields(p, where,
                {{"symbol", {K::string}},
                 {"side", {K::string}},
                 {"quantity", {K::number}},
                 {"avg_price", {K::number}},
                 {"cost_basis", {K::number}},
                 {"last_price", {K::number}},
                 {"market_value", {K::number}},
                 {"unrealized_pnl", {K::number}},
                 {"realized_pnl", {K::number}},
                 {"updated_at", {K::time}}});
  if (p.is_object() && p.contains("side") && p["side"].is_string()) {
    EXPECT_TRUE(p["side"] == "long" || p["side"] == "short") << at(where, "side") << " is " << p["side"];
  }
}

void expect_candle(const json& c, std::string_view where) {
  using K = Kind;
  expect_fields(c, where,
                {{"time", {K::time}},
                 {"ts", {K::integer}},
                 {"open", {K::number}},
                 {"high", {K::number}},
                 {"low", {K::number}},
                 {"close", {K::number}},
                 {"volume", {K::number}}});
}

void expect_quote(const json& q, std::string_view where) {
  using K = Kind;
  expect_fields(q, where,
                {{"symbol", {K::string}},
                 {"price", {K::number}},
                 {"bid", {K::number}},
                 {"ask", {K::number}},
                 {"time", {K::time}},
                 {"candle", {K::object, K::null}}});
  if (q.is_object() && q.contains("candle") && q["candle"].is_object()) expect_candle(q["candle"], at(where, "candle"));
}

void expect_trading_status(const json& s, std::string_view where) {
  using K = Kind;
  expect_fields(s, where,
                {{"state", {K::string}},
                 {"is_running", {K::boolean}},
                 {"is_paused", {K::boolean}},
                 {"mode", {K::string}},
                 {"strategy", {K::object}},
                 {"symbols", {K::array}},
                 {"last_prices", {K::object}},
                 {"cash", {K::number}},
                 {"equity", {K::number}},
                 {"initial_capital", {K::number}},
                 {"pnl", {K::object}},
                 {"open_positions", {K::integer}},
                 {"trades_count", {K::integer}},
                 {"started_at", {K::time}},
                 {"updated_at", {K::time}},
                 {"changed_by", {K::integer, K::null}}});
  if (!s.is_object()) return;
  if (s.contains("state") && s["state"].is_string()) {
    const auto state = s["state"].get<std::string>();
    EXPECT_TRUE(state == "running" || state == "paused" || state == "stopped") << at(where, "state") << " is " << state;
    if (s.contains("is_running")) {
      EXPECT_EQ(s["is_running"], state == "running") << at(where, "is_running");
    }
    if (s.contains("is_paused")) {
      EXPECT_EQ(s["is_paused"], state == "paused") << at(where, "is_paused");
    }
  }
  if (s.contains("mode")) {
    EXPECT_EQ(s["mode"], "simulation") << at(where, "mode");
  }
  if (s.contains("strategy"))
    expect_fields(s["strategy"], at(where, "strategy"),
                  {{"class", {K::string}},
                   {"fast_period", {K::integer}},
                   {"slow_period", {K::integer}},
                   {"position_fraction", {K::number}},
                   {"timeframe", {K::string}}});
  if (s.contains("symbols") && s["symbols"].is_array()) {
    for (const auto& sym : s["symbols"]) EXPECT_TRUE(sym.is_string()) << at(where, "symbols") << " has " << sym.dump();
  }
  if (s.contains("last_prices")) expect_number_map(s["last_prices"], at(where, "last_prices"));
  if (s.contains("pnl"))
    expect_fields(
        s["pnl"], at(where, "pnl"),
        {{"realized", {K::number}}, {"unrealized", {K::number}}, {"fees", {K::number}}, {"total", {K::number}}});
}

void expect_list(const json& j, std::string_view where, void (*item)(const json&, std::string_view)) {
  expect_fields(j, where, {{"items", {Kind::array}}, {"next", {Kind::integer, Kind::string, Kind::null}}});
  if (!j.is_object() || !j.contains("items") || !j["items"].is_array()) return;
  for (std::size_t i = 0; i < j["items"].size(); ++i)
    item(j["items"][i], std::string(where) + ".items[" + std::to_string(i) + "]");
}

nlohmann::json expect_json_response(const HttpResponse& r, int status, std::string_view where) {
  EXPECT_EQ(r.status, status) << where << ": body " << r.body;
  EXPECT_TRUE(r.header("Content-Type").starts_with("application/json"))
      << where << ": Content-Type is '" << r.header("Content-Type") << "'";
  auto body = r.json();
  EXPECT_FALSE(body.is_discarded()) << where << ": the body is not JSON: " << r.body;
  return body;
}

nlohmann::json expect_error(const HttpResponse& r, int status, std::string_view code, std::string_view where) {
  auto body = expect_json_response(r, status, where);
  if (body.is_discarded()) return body;
  expect_fields(body, where, {{"error", {Kind::object}}});
  if (!body.contains("error") || !body["error"].is_object()) return body;
  const auto& err = body["error"];
  const std::string w = std::string(where) + ".error";
  expect_fields(err, w, {{"code", {Kind::string}}, {"message", {Kind::string}}, {"details", {Kind::object}}});
  if (!code.empty() && err.contains("code")) {
    EXPECT_EQ(err["code"], code) << w << ".code in " << r.body;
  }
  if (err.contains("message") && err["message"].is_string()) {
    EXPECT_FALSE(err["message"].get<std::string>().empty()) << w << ".message is empty";
  }
  return body;
}

std::string type_of(const json& message) {
  if (!message.is_object()) return {};
  auto it = message.find("type");
  return it != message.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace meridian::e2e
