// Sentiment end to end (#14 item 9): a real meridiand on a real database.
//   Sentiment:      POST JSON (one item, a list), POST CSV with bad rows listed by line, GET the
//                   aggregate and the newest items; bad input is 4xx naming the field, never 500.
//   SentimentAuth:  with --auth on, reading is a viewer's, writing an admin's (401/403 below).
//   SentimentNoDb:  a memory-only daemon answers 503 on both routes.
#include <chrono>

#include "auth_client.hpp"
#include "fixture.hpp"
#include "meridian/core/time.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string iso_ago(std::chrono::minutes ago) {
  return core::to_iso8601(core::now() - ago);
}

json item(const std::string& symbol, const std::string& source, double score, std::chrono::minutes ago) {
  json j{{"source", source},
         {"score", score},
         {"headline", source + " " + std::to_string(score)},
         {"observed_at", iso_ago(ago)}};
  if (!symbol.empty()) j["symbol"] = symbol;
  return j;
}

HttpResponse post_csv(std::uint16_t port, const std::string& csv, Headers headers = {}) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/sentiment";
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "text/csv");
  r.body = csv;
  return http_request(port, r);
}

class Sentiment : public SharedDaemonTest<Sentiment> {};

TEST_F(Sentiment, JsonAndCsvGoInAndTheAggregateComesOut) {
  // One item (symbol by its alias), then a list: ids back, all stored under the canonical name.
  auto one = expect_json_response(post_json(port(), "/api/sentiment", item("ethusdt", "news", 0.8, 10min)), 201, "one");
  ASSERT_EQ(one["ids"].size(), 1u) << one.dump();
  auto list =
      expect_json_response(post_json(port(), "/api/sentiment",
                                     {{"items",
                                       {item("ETH-USD", "social", -0.4, 30min),
                                        item("ETH-USD", "news", 0.2, 25 * 60min), item("", "market", -0.7, 5min)}}}),
                           201, "list");
  ASSERT_EQ(list["ids"].size(), 3u) << list.dump();
  EXPECT_EQ(list["imported"], 3);

  // CSV: two good rows (one with a quoted comma), bad ones listed by line.
  const std::string csv =
      "symbol,source,score,confidence,mentions,headline,url,observed_at\n"
      "ETH-USD,insider,1,0.5,2,\"Director buys, again\",https://example.com/a," +
      iso_ago(60min) +
      "\n"
      "ETH-USD,news,1.5,,,too bullish,," +
      iso_ago(60min) +
      "\n"
      "ETH-USD,news,NaN,,,odd,," +
      iso_ago(60min) +
      "\n"
      "ETH-USD,gossip,0.1,,,who,," +
      iso_ago(60min) +
      "\n"
      "ETH-USD,news,0.1,,,bad url,ftp://x," +
      iso_ago(60min) +
      "\n"
      "ETH-USD,social,-0.2,0.9,,fine,," +
      iso_ago(90min) + "\n";
  auto imported = expect_json_response(post_csv(port(), csv), 201, "csv");
  EXPECT_EQ(imported["rows"], 6);
  EXPECT_EQ(imported["imported"], 2);
  EXPECT_EQ(imported["skipped"], 4);
  EXPECT_EQ(imported["ids"].size(), 2u);
  std::vector<std::pair<int, std::string>> bad;
  for (const auto& b : imported["bad_rows"]) bad.emplace_back(b["line"].get<int>(), b["field"].get<std::string>());
  const std::vector<std::pair<int, std::string>> want{{3, "score"}, {4, "score"}, {5, "source"}, {6, "url"}};
  EXPECT_EQ(bad, want) << imported.dump();

  // The last 24 h of ETH-USD: 4 items (the 25 h old one is outside), newest first.
  auto got = expect_json_response(http_get(port(), "/api/sentiment/eth-usd?limit=3"), 200, "GET");
  EXPECT_EQ(got["symbol"], "ETH-USD");
  EXPECT_EQ(got["count"], 4) << got.dump();
  EXPECT_EQ(got["half_life_s"], 21600.0);
  ASSERT_EQ(got["items"].size(), 3u);
  EXPECT_EQ(got["items"][0]["score"], 0.8);
  EXPECT_EQ(got["items"][1]["score"], -0.4);
  EXPECT_EQ(got["items"][2]["headline"], "Director buys, again");
  EXPECT_EQ(got["items"][2]["url"], "https://example.com/a");
  EXPECT_EQ(got["items"][2]["confidence"], 0.5);
  EXPECT_NEAR(got["mean_score"].get<double>(), (0.8 - 0.4 + 1 - 0.2) / 4, 1e-9);
  const double score = got["score"].get<double>();
  EXPECT_GT(score, 0);
  EXPECT_LT(score, 1);
  std::vector<std::string> sources;
  for (const auto& s : got["sources"]) sources.push_back(s["source"]);
  EXPECT_EQ(sources, (std::vector<std::string>{"insider", "news", "social"}));
  EXPECT_TRUE(is_iso_time(got["first"]));
  EXPECT_TRUE(is_iso_time(got["last"]));
  // A 48 h window takes the old item in; market-wide items are under "market".
  auto wide = expect_json_response(
      http_get(port(), "/api/sentiment/ETH-USD?since=" + iso_ago(48 * 60min) + "&limit=0&half_life=2h"), 200, "wide");
  EXPECT_EQ(wide["count"], 5);
  EXPECT_TRUE(wide["items"].empty());
  auto market = expect_json_response(http_get(port(), "/api/sentiment/market"), 200, "market");
  EXPECT_EQ(market["symbol"], nullptr);
  EXPECT_EQ(market["count"], 1);
  EXPECT_EQ(market["score"], -0.7);
  auto empty = expect_json_response(http_get(port(), "/api/sentiment/SOL-USD"), 200, "no items");
  EXPECT_EQ(empty["count"], 0);
  EXPECT_EQ(empty["first"], nullptr);
}

TEST_F(Sentiment, BadInputIsRefusedNamingTheField) {
  const auto base = item("BTC-USD", "news", 0.1, 1min);
  auto with = [&](const char* k, json v) {
    auto b = base;
    b[k] = std::move(v);
    return b;
  };
  const std::vector<std::pair<json, std::string>> cases{
      {with("score", 1.5), "score"},
      {with("score", "NaN"), "score"},
      {with("score", "-Infinity"), "score"},
      {with("confidence", 2), "confidence"},
      {with("mentions", -3), "mentions"},
      {with("source", "gossip"), "source"},
      {with("symbol", "NOPE-USD"), "symbol"},
      {with("url", "file:///etc/passwd"), "url"},
      {with("url", "http://"), "url"},
      {with("observed_at", "2999-01-01T00:00:00Z"), "observed_at"},
      {with("observed_at", "soon"), "observed_at"},
      {with("extra", 1), "extra"},
      {{{"items", {base, base, base, with("score", 1.5)}}}, "items[3].score"},
      {{{"items", json::array()}}, "items"},
  };
  for (const auto& [body, field] : cases) {
    auto err = expect_error(post_json(port(), "/api/sentiment", body), 422, "invalid_field", "POST " + body.dump());
    EXPECT_EQ(err["error"]["details"]["field"], field) << body.dump();
  }
  // Nothing of a refused list was kept.
  EXPECT_EQ(expect_json_response(http_get(port(), "/api/sentiment/BTC-USD"), 200, "after")["count"], 0);
  // Too many items: 413 naming the limit.
  json many{{"items", json::array()}};
  for (int i = 0; i < 1001; ++i) many["items"].push_back(base);
  auto big = expect_error(post_json(port(), "/api/sentiment", many), 413, "too_many_items", "1001 items");
  EXPECT_EQ(big["error"]["details"]["max"], 1000);
  // Deep nesting and malformed JSON: 400 before any field is looked at.
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  expect_error(call(port(), "POST", "/api/sentiment", {}, deep), 400, "too_deep", "deep nesting");
  expect_error(call(port(), "POST", "/api/sentiment", {}, "{\"score\":"), 400, "invalid_json", "malformed");
  // CSV: a bad header is the request's error; a body of only bad rows stores nothing (422).
  expect_error(post_csv(port(), "source,score,colour,observed_at\n"), 422, "invalid_field", "unknown column");
  auto none = expect_error(post_csv(port(), "source,score,headline,observed_at\nnews,9,x,1\n"), 422, "no_valid_rows",
                           "only bad rows");
  EXPECT_EQ(none["error"]["details"]["skipped"], 1);
  // Another body type is 415; the query is checked.
  HttpRequest xml;
  xml.method = "POST";
  xml.target = "/api/sentiment";
  xml.headers = {{"Content-Type", "application/xml"}};
  xml.body = "<a/>";
  expect_error(http_request(port(), xml), 415, "unsupported_media_type", "xml");
  expect_error(http_get(port(), "/api/sentiment/NOPE-USD"), 404, "unknown_symbol", "unknown symbol");
  expect_error(http_get(port(), "/api/sentiment/BTC-USD?half_life=0"), 400, "invalid_parameter", "half_life 0");
  expect_error(http_get(port(), "/api/sentiment/BTC-USD?half_life=6x"), 400, "invalid_parameter", "half_life unit");
  expect_error(http_get(port(), "/api/sentiment/BTC-USD?limit=501"), 400, "invalid_parameter", "limit");
  expect_error(http_get(port(), "/api/sentiment/BTC-USD?since=" + iso_ago(0min) + "&until=" + iso_ago(60min)), 400,
               "invalid_parameter", "since after until");
}

constexpr const char* kPassword = "correct horse battery staple";

class SentimentAuth : public SharedDaemonTest<SentimentAuth> {
 public:
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    return o;
  }
};

TEST_F(SentimentAuth, ReadingIsAViewersAndWritingAnAdmins) {
  const auto admin = admin_token(port(), daemon().state_dir());
  auto token_for = [&](const std::string& email, const std::string& role) {
    auto created =
        post_json(port(), "/api/users", {{"email", email}, {"role", role}, {"password", kPassword}}, bearer(admin));
    EXPECT_EQ(created.status, 201) << created.body;
    return login(port(), email, kPassword).value("access_token", "");
  };
  const auto viewer = token_for("sentiment-viewer@example.com", "viewer");
  const auto trader = token_for("sentiment-trader@example.com", "trader");
  const auto body = item("BTC-USD", "news", 0.3, 1min);
  expect_error(post_json(port(), "/api/sentiment", body), 401, "", "anonymous POST");
  expect_error(http_get(port(), "/api/sentiment/BTC-USD"), 401, "", "anonymous GET");
  expect_error(post_json(port(), "/api/sentiment", body, bearer(viewer)), 403, "forbidden", "viewer POST");
  expect_error(post_json(port(), "/api/sentiment", body, bearer(trader)), 403, "forbidden", "trader POST");
  expect_error(post_csv(port(), "source,score,headline,observed_at\n", bearer(trader)), 403, "forbidden", "trader CSV");
  expect_json_response(post_json(port(), "/api/sentiment", body, bearer(admin)), 201, "admin POST");
  auto got = expect_json_response(http_get(port(), "/api/sentiment/BTC-USD", bearer(viewer)), 200, "viewer GET");
  EXPECT_EQ(got["count"], 1);
}

TEST(SentimentNoDb, AMemoryOnlyDaemonAnswers503) {
  Daemon d(DaemonOptions{});
  ASSERT_TRUE(wait_healthy(d.port()));
  expect_error(post_json(d.port(), "/api/sentiment", item("BTC-USD", "news", 0.3, 1min)), 503, "unavailable", "POST");
  expect_error(http_get(d.port(), "/api/sentiment/BTC-USD"), 503, "unavailable", "GET");
}

}  // namespace
}  // namespace meridian::e2e
