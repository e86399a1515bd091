// What a state-changing request becomes in the audit trail (api/audit.hpp): secrets redacted at
// any depth, the caller from the checked credentials, the portfolio named by id, the result code
// from the answer.
#include "meridian/api/audit.hpp"

#include <gtest/gtest.h>

#include <boost/url/parse.hpp>

using namespace meridian;
using api::Role;
using nlohmann::json;

namespace {

// A request with its parsed target, as HttpSession::dispatch has them.
struct Call {
  Call(api::http::verb method, std::string target, std::string body = {}) : raw(method, target, 11) {
    raw.body() = std::move(body);
    raw.prepare_payload();
    url = boost::urls::parse_origin_form(raw.target()).value();
  }
  api::HttpRequest raw;
  boost::urls::url_view url;
};

api::Route route(std::string pattern, Role role = Role::trader) {
  return {api::http::verb::post, std::move(pattern), role, "", {}};
}

api::Credentials as(Role role, std::int64_t user, std::int64_t key = 0) {
  auth::Principal p;
  p.user_id = user;
  p.role = role;
  p.api_key_id = key;
  return p;
}

const core::Timestamp kAt = *core::parse_time("2025-03-01T12:00:00Z");

api::AuditEntry begin(const Call& c, const api::Route& r, const api::PathParams& params = {},
                      const api::Credentials& credentials = api::AuthFailure{api::AuthFailure::kMissing}) {
  return api::begin_audit(c.raw, r, c.url.encoded_path(), params, c.url.params(), credentials, "10.1.2.3", kAt);
}

}  // namespace

TEST(Audit, SecretNamesAreRecognisedInAnyCase) {
  for (auto name : {"password", "new_password", "current_password", "Password", "PASSPHRASE", "secret", "api_secret",
                    "refresh_token", "access_token", "token", "api_key", "key", "secret_key", "Authorization",
                    "credentials", "signature"})
    EXPECT_TRUE(api::is_secret_key(name)) << name;
  for (auto name : {"email", "name", "symbol", "quantity", "side", "portfolio_id", "role", "confirm", "id", "reason"})
    EXPECT_FALSE(api::is_secret_key(name)) << name;
}

TEST(Audit, RedactionReplacesSecretsAtAnyDepthAndKeepsTheRest) {
  const json body = {{"email", "ann@example.com"},
                     {"password", "correct horse battery staple"},
                     {"broker", {{"api_key", "AKIA123"}, {"api_secret", {{"nested", "x"}}}, {"venue", "alpaca"}}},
                     {"keys", json::array({{{"token", "t1"}, {"label", "a"}}, {{"Secret", 42}}})},
                     {"quantity", 0.5}};
  const auto redacted = api::redact_secrets(body);
  EXPECT_EQ(redacted["email"], "ann@example.com");
  EXPECT_EQ(redacted["password"], "***");
  EXPECT_EQ(redacted["broker"]["api_key"], "***");
  EXPECT_EQ(redacted["broker"]["api_secret"], "***");  // an object under a secret name goes whole
  EXPECT_EQ(redacted["broker"]["venue"], "alpaca");
  EXPECT_EQ(redacted["keys"], "***");  // "keys" names secrets too: erring towards redaction
  EXPECT_EQ(redacted["quantity"], 0.5);
  const auto text = redacted.dump();
  for (auto secret : {"correct horse", "AKIA123", "t1", "nested"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;

  const json list = json::array({{{"name", "a"}, {"token", "t2"}}, "plain"});
  const auto redacted_list = api::redact_secrets(list);
  EXPECT_EQ(redacted_list[0]["name"], "a");
  EXPECT_EQ(redacted_list[0]["token"], "***");
  EXPECT_EQ(redacted_list[1], "plain");
}

TEST(Audit, NulCharactersAreReplacedForTheDatabase) {
  const json body = {{std::string("na\0me", 5), std::string("a\0b", 3)}};
  const auto redacted = api::redact_secrets(body);
  EXPECT_EQ(redacted.dump().find('\0'), std::string::npos);
  EXPECT_EQ(redacted.dump().find("\\u0000"), std::string::npos);
  EXPECT_EQ(redacted["na\xEF\xBF\xBDme"],
            "a\xEF\xBF\xBD"
            "b");
}

TEST(Audit, ParamsHoldPathQueryAndBodyRedacted) {
  const Call c(api::http::verb::post, "/api/users/5?token=abc&dry_run=1",
               R"({"email":"b@example.com","password":"hunter2hunter2"})");
  const auto params = api::audit_params(c.raw, {{"id", "5"}}, c.url.params());
  EXPECT_EQ(params["path"], json({{"id", "5"}}));
  EXPECT_EQ(params["query"], json({{"token", "***"}, {"dry_run", "1"}}));
  EXPECT_EQ(params["body"], json({{"email", "b@example.com"}, {"password", "***"}}));

  const Call bare(api::http::verb::post, "/api/trading/start");
  EXPECT_EQ(api::audit_params(bare.raw, {}, bare.url.params()), json::object());
}

TEST(Audit, ABodyThatIsNotJsonOrTooLargeIsOnlyItsSize) {
  // Possibly a password in a malformed body: never copied.
  const Call malformed(api::http::verb::post, "/api/auth/login", R"({"password":"hunter2)");
  const auto params = api::audit_params(malformed.raw, {}, malformed.url.params());
  EXPECT_FALSE(params.contains("body"));
  EXPECT_EQ(params["body_bytes"], malformed.raw.body().size());

  const std::string big = R"({"note":")" + std::string(api::kAuditBodyLimit, 'x') + R"("})";
  const Call large(api::http::verb::post, "/api/trades", big);
  const auto large_params = api::audit_params(large.raw, {}, large.url.params());
  EXPECT_FALSE(large_params.contains("body"));
  EXPECT_EQ(large_params["body_bytes"], big.size());
}

TEST(Audit, ABodyNestedPastTheBoundIsOnlyItsSizeAndTheRowIsMade) {
  // Walked (redacted, dumped) it would recurse per level: 5,000 levels overflowed an I/O
  // thread's stack. Within kAuditBodyLimit, so only the depth keeps it out.
  const std::string deep = std::string(8'000, '[') + std::string(8'000, ']');
  ASSERT_LE(deep.size(), api::kAuditBodyLimit);
  const Call call(api::http::verb::post, "/api/sentiment", deep);
  const auto params = api::audit_params(call.raw, {}, call.url.params());
  EXPECT_FALSE(params.contains("body"));
  EXPECT_EQ(params["body_bytes"], deep.size());
  EXPECT_EQ(begin(call, route("/api/sentiment")).params, R"({"body_bytes":16000})");
}

TEST(Audit, TheCallerComesFromValidCredentialsAndIsAnonymousOtherwise) {
  const Call c(api::http::verb::post, "/api/trading/start");
  const auto r = route("/api/trading/start");
  const auto known = begin(c, r, {}, as(Role::trader, 12, 3));
  EXPECT_EQ(known.user_id, 12);
  EXPECT_EQ(known.role, Role::trader);
  EXPECT_EQ(known.api_key_id, 3);
  EXPECT_EQ(known.at, kAt);
  EXPECT_EQ(known.address, "10.1.2.3");
  EXPECT_EQ(known.method, "POST");
  EXPECT_EQ(known.route, "/api/trading/start");
  EXPECT_EQ(known.path, "/api/trading/start");

  const auto refused = begin(c, r, {}, api::AuthFailure{"expired"});
  EXPECT_EQ(refused.user_id, 0);
  EXPECT_EQ(refused.role, Role::anonymous);
  EXPECT_EQ(refused.api_key_id, 0);
}

TEST(Audit, TheRowKeepsTheRoutePatternAndTheRedactedParamsAsJsonText) {
  const Call c(api::http::verb::patch, "/api/users/5", R"({"role":"admin","password":"x"})");
  const auto e = begin(c, route("/api/users/{id}", Role::admin), {{"id", "5"}}, as(Role::admin, 1));
  EXPECT_EQ(e.method, "PATCH");
  EXPECT_EQ(e.route, "/api/users/{id}");
  EXPECT_EQ(e.path, "/api/users/5");
  EXPECT_EQ(e.portfolio_id, std::nullopt);  // a user's id is not a portfolio's
  const auto params = json::parse(e.params);
  EXPECT_EQ(params["body"]["password"], "***");
  EXPECT_EQ(params["body"]["role"], "admin");
  EXPECT_EQ(e.params.find("\"x\""), std::string::npos);
}

TEST(Audit, ThePortfolioIsTheOneTheRequestNamesById) {
  const Call in_path(api::http::verb::delete_, "/api/portfolios/4");
  EXPECT_EQ(begin(in_path, route("/api/portfolios/{id}"), {{"id", "4"}}).portfolio_id, 4);
  const Call risk(api::http::verb::post, "/api/risk/limits/6", "{}");
  EXPECT_EQ(begin(risk, route("/api/risk/limits/{portfolio_id}"), {{"portfolio_id", "6"}}).portfolio_id, 6);
  const Call in_query(api::http::verb::post, "/api/trading/start?portfolio=7");
  EXPECT_EQ(begin(in_query, route("/api/trading/start")).portfolio_id, 7);
  const Call in_body(api::http::verb::post, "/api/trade", R"({"symbol":"BTC-USD","portfolio_id":8})");
  EXPECT_EQ(begin(in_body, route("/api/trade")).portfolio_id, 8);
  const Call as_text(api::http::verb::post, "/api/trade", R"({"portfolio":"9"})");
  EXPECT_EQ(begin(as_text, route("/api/trade")).portfolio_id, 9);
  // A name is not resolved here; nothing named is no portfolio.
  const Call by_name(api::http::verb::post, "/api/trade", R"({"portfolio":"growth"})");
  EXPECT_EQ(begin(by_name, route("/api/trade")).portfolio_id, std::nullopt);
  const Call none(api::http::verb::post, "/api/trade", R"({"symbol":"BTC-USD"})");
  EXPECT_EQ(begin(none, route("/api/trade")).portfolio_id, std::nullopt);
}

TEST(Audit, TheResultIsOkOrTheErrorsCode) {
  api::AuditEntry e;
  api::finish_audit(e, api::json_response(11, true, api::http::status::created, json{{"id", 1}}));
  EXPECT_EQ(e.status, 201);
  EXPECT_EQ(e.result, "ok");
  api::finish_audit(e, api::error_response(11, true, api::http::status::forbidden, "forbidden", "no"));
  EXPECT_EQ(e.status, 403);
  EXPECT_EQ(e.result, "forbidden");
  api::finish_audit(e, api::error_response(11, true, api::http::status::unauthorized, "invalid_credentials", "no"));
  EXPECT_EQ(e.result, "invalid_credentials");
  api::HttpResponse plain{api::http::status::bad_gateway, 11};
  plain.body() = "upstream down";
  api::finish_audit(e, plain);
  EXPECT_EQ(e.status, 502);
  EXPECT_EQ(e.result, "http_502");
}

TEST(Audit, AWebSocketCommandIsARowOfItsOwnWithTheMessageRedacted) {
  auth::Principal who;
  who.user_id = 7;
  who.role = Role::trader;
  who.api_key_id = 3;
  auto e = api::begin_ws_audit("pause", json{{"type", "pause"}, {"portfolio", 4}, {"token", "t0ps3cret"}}, who,
                               "10.0.0.2", core::from_epoch_ms(1'000));
  EXPECT_EQ(e.method, "WS");
  EXPECT_EQ(e.route, "ws:pause");
  EXPECT_EQ(e.path, "/ws");
  EXPECT_EQ(e.user_id, 7);
  EXPECT_EQ(e.role, Role::trader);
  EXPECT_EQ(e.api_key_id, 3);
  EXPECT_EQ(e.address, "10.0.0.2");
  EXPECT_EQ(json::parse(e.params), (json{{"body", {{"type", "pause"}, {"portfolio", 4}, {"token", "***"}}}}));
  api::finish_audit(e, nullptr);
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.result, "ok");
  const auto refused = api::api_error(api::http::status::not_found, "not_found", "no such portfolio");
  api::finish_audit(e, &refused);
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.result, "not_found");
}
