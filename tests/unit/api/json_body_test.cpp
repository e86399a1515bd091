// The one parse of request bodies (depth-bounded) and the bound on what error details echo.
#include "meridian/api/json_body.hpp"

#include <gtest/gtest.h>

#include "meridian/core/json_limits.hpp"

using namespace meridian;
using nlohmann::json;

namespace {

struct Body {
  api::HttpRequest raw;
  api::Request req;
  explicit Body(std::string text) : raw{api::http::verb::post, "/api/trade", 11}, req{raw, "/api/trade", {}, {}} {
    raw.body() = std::move(text);
  }
};

std::string nested(std::size_t depth) {
  return R"({"symbol":"BTC-USD","side":"buy","quantity":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

json error_of(const api::HttpResponse& res) {
  return json::parse(res.body())["error"];
}

}  // namespace

TEST(JsonBody, ParsesAnyJsonValue) {
  Body b(R"({"a":[1,{"b":2}]})");
  auto parsed = api::parse_json_body(b.req);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ((*parsed)["a"][1]["b"], 2);
}

TEST(JsonBody, MalformedIs400InvalidJson) {
  for (const char* text : {"", "{", "not json", R"({"a":1,})"}) {
    Body b(text);
    auto parsed = api::parse_json_body(b.req);
    ASSERT_TRUE(parsed.has_error()) << text;
    EXPECT_EQ(parsed.error().errc, core::Errc::parse_error);
    const auto res = api::error_response(b.req, parsed.error());
    EXPECT_EQ(res.result(), api::http::status::bad_request);
    EXPECT_EQ(error_of(res)["code"], "invalid_json");
  }
}

// The remote crash of issue 11: 100,000 nested arrays in a 200 KB body.
TEST(JsonBody, DeepNestingIs400TooDeepWithoutBuildingTheValue) {
  Body b(nested(100'000));
  auto parsed = api::parse_json_body(b.req);
  ASSERT_TRUE(parsed.has_error());
  EXPECT_EQ(parsed.error().errc, core::Errc::parse_error);
  const auto res = api::error_response(b.req, parsed.error());
  EXPECT_EQ(res.result(), api::http::status::bad_request);
  EXPECT_EQ(error_of(res)["code"], "too_deep");
  EXPECT_EQ(error_of(res)["details"]["field"], "body");
  EXPECT_EQ(error_of(res)["details"]["max_depth"], core::kMaxJsonDepth);
}

TEST(JsonBody, TheLimitItselfIsAccepted) {
  // The body object is one level; the value inside it the rest.
  Body ok(nested(core::kMaxJsonDepth - 1));
  EXPECT_TRUE(api::parse_json_body(ok.req).has_value());
  Body deep(nested(core::kMaxJsonDepth));
  EXPECT_TRUE(api::parse_json_body(deep.req).has_error());
}

TEST(ErrorDetails, StructuredValuesAreReplacedByTheirTypeName) {
  json deep = json::array();
  json* at = &deep;
  for (int i = 0; i < 2'000; ++i) at = &(at->emplace_back(json::array()));
  const json details{{"field", "quantity"}, {"value", deep}, {"object", {{"a", 1}}}};
  auto res = api::error_response(11, true, api::http::status::unprocessable_entity, "invalid_field", "bad", &details);
  const auto out = error_of(res)["details"];
  EXPECT_EQ(out["field"], "quantity");
  EXPECT_EQ(out["value"], "array");
  EXPECT_EQ(out["object"], "object");
  EXPECT_LT(res.body().size(), 2048u);
}

TEST(ErrorDetails, ShortScalarListsAreKept) {
  const json details{{"field", "timeframe"}, {"allowed", {"1m", "5m", "15m", "1h", "4h", "1d"}}, {"min", 1}};
  auto res = api::error_response(11, true, api::http::status::bad_request, "invalid_parameter", "bad", &details);
  EXPECT_EQ(error_of(res)["details"], details);
}

TEST(ErrorDetails, LongStringsAreCutAndTheTotalIsBounded) {
  json details{{"field", "symbol"}, {"value", std::string(1 << 20, 'x')}};
  for (int i = 0; i < 100; ++i) details["k" + std::to_string(i) + std::string(200, 'k')] = std::string(300, 'v');
  auto res = api::error_response(11, true, api::http::status::bad_request, "invalid_field", std::string(100'000, 'm'),
                                 &details);
  EXPECT_LT(res.body().size(), 2048u);
  const auto err = error_of(res);
  EXPECT_EQ(err["details"]["field"], "symbol");
  EXPECT_LE(err["details"]["value"].get<std::string>().size(), 64u + 3u);
  EXPECT_EQ(err["details"]["truncated"], true);
  EXPECT_LE(err["message"].get<std::string>().size(), 512u + 3u);
}

TEST(ErrorDetails, CutsNeverSplitAUtf8Sequence) {
  std::string text = "a";  // so that byte 64 falls inside a two-byte sequence
  for (int i = 0; i < 100; ++i) text += "\xc3\xa9";
  const json details{{"value", text}};
  auto res = api::error_response(11, true, api::http::status::bad_request, "x", "m", &details);
  EXPECT_EQ(error_of(res)["details"]["value"], text.substr(0, 63) + "...");
}

TEST(ErrorDetails, NonObjectDetailsAreWrapped) {
  const json details = "just a string";
  auto res = api::error_response(11, true, api::http::status::bad_request, "x", "m", &details);
  EXPECT_EQ(error_of(res)["details"]["value"], "just a string");
}

// The one ApiError → reply rendering: status, code, message and details as given, the Errc
// derived from the status (what a log or the WebSocket reports).
TEST(ApiError, FieldErrorRendersTheErrorShape) {
  const auto e = api::field_error("quantity", "quantity must be a number", api::http::status::unprocessable_entity,
                                  "invalid_field", {{"value", "x"}});
  EXPECT_EQ(e.errc, core::Errc::invalid_argument);
  auto res = api::error_response(11, false, e);
  EXPECT_EQ(res.result(), api::http::status::unprocessable_entity);
  EXPECT_EQ(res[api::http::field::cache_control], "no-store");
  EXPECT_EQ(json::parse(res.body()), (json{{"error",
                                            {{"code", "invalid_field"},
                                             {"message", "quantity must be a number"},
                                             {"details", {{"field", "quantity"}, {"value", "x"}}}}}}));
}

TEST(ApiError, ErrcFollowsTheStatusAndCode) {
  using api::http::status;
  EXPECT_EQ(api::errc_of(status::not_found, "unknown_symbol"), core::Errc::not_found);
  EXPECT_EQ(api::errc_of(status::conflict, "name_taken"), core::Errc::conflict);
  EXPECT_EQ(api::errc_of(status::service_unavailable, "read_only"), core::Errc::unavailable);
  EXPECT_EQ(api::errc_of(status::unprocessable_entity, "out_of_range"), core::Errc::out_of_range);
  EXPECT_EQ(api::errc_of(status::unauthorized, "unauthenticated"), core::Errc::unauthenticated);
  EXPECT_EQ(api::errc_of(status::forbidden, "forbidden"), core::Errc::forbidden);
  EXPECT_EQ(api::errc_of(status::too_many_requests, "rate_limited"), core::Errc::rate_limited);
  EXPECT_EQ(api::errc_of(status::unprocessable_entity, "risk_denied"), core::Errc::rejected);
  EXPECT_EQ(api::errc_of(status::bad_request, "invalid_parameter"), core::Errc::invalid_argument);
  EXPECT_EQ(api::api_error(status::bad_request, "invalid_json", "m").errc, core::Errc::parse_error);
}

TEST(ApiError, ResultCarriesTheValueOrTheError) {
  api::ApiResult<int> ok = 3;
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 3);
  api::ApiResult<int> bad = api::field_error("limit", "limit must be an integer");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().details["field"], "limit");
  EXPECT_THROW((void)bad.value(), std::runtime_error);
}
