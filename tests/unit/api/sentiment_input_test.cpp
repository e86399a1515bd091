// POST /api/sentiment's input (sentiment_input.hpp): items checked field by field with the
// failing field named (under items[i]. in a list), symbols canonicalised, CSV rows kept or
// listed by line, the count bounded.
#include <gtest/gtest.h>

#include "sentiment_input.hpp"

namespace meridian::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const core::InstrumentTable& table() {
  static const core::InstrumentTable t{core::default_instruments()};
  return t;
}

const SentimentInput kIn{table(), core::from_epoch_ms(1'800'000'000'000)};

json good() {
  return {{"symbol", "btcusdt"},
          {"source", "news"},
          {"score", 0.5},
          {"confidence", 0.9},
          {"mentions", 3},
          {"headline", "ETF inflows"},
          {"url", "https://example.com/a"},
          {"observed_at", "2027-01-15T08:00:00Z"}};
}

std::string field_of(const ApiResult<std::vector<storage::SentimentItem>>& r) {
  return r ? std::string("(accepted)") : r.error().details.value("field", std::string("(none)"));
}

TEST(SentimentInput, AGoodItemIsDecodedWithItsSymbolCanonical) {
  auto r = decode_sentiment_json(good(), kIn);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const auto& i = r->front();
  EXPECT_EQ(i.symbol, "BTC-USD");
  EXPECT_EQ(i.source, "news");
  EXPECT_EQ(i.score, 0.5);
  EXPECT_EQ(i.confidence, 0.9);
  EXPECT_EQ(i.mentions, 3);
  EXPECT_EQ(i.headline, "ETF inflows");
  EXPECT_EQ(core::to_iso8601(i.observed_at), "2027-01-15T08:00:00.000Z");
  // Market-wide: no symbol, null or empty; epoch ms and the aliases text and time.
  auto market = json{{"source", "market"}, {"score", -1}, {"text", "fear"}, {"time", 1'799'999'000'000}};
  auto m = decode_sentiment_json(market, kIn);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->front().symbol, "");
  EXPECT_EQ(m->front().headline, "fear");
  EXPECT_EQ(core::epoch_ms(m->front().observed_at), 1'799'999'000'000);
}

TEST(SentimentInput, EachBadFieldIsNamed) {
  auto with = [](const char* k, json v) {
    auto b = good();
    if (v.is_discarded())
      b.erase(k);
    else
      b[k] = std::move(v);
    return b;
  };
  const auto gone = json(json::value_t::discarded);
  const std::vector<std::pair<json, std::string>> cases{
      {with("score", 1.5), "score"},
      {with("score", "NaN"), "score"},
      {with("score", "0.5"), "score"},
      {with("score", gone), "score"},
      {with("confidence", -0.1), "confidence"},
      {with("mentions", -1), "mentions"},
      {with("mentions", 3e9), "mentions"},
      {with("source", "rumour"), "source"},
      {with("source", gone), "source"},
      {with("symbol", "NOPE-USD"), "symbol"},
      {with("symbol", 7), "symbol"},
      {with("url", "ftp://example.com/x"), "url"},
      {with("url", "javascript:alert(1)"), "url"},
      {with("headline", ""), "headline"},
      {with("headline", std::string(2001, 'a')), "headline"},
      {with("headline", std::string("a\0b", 3)), "headline"},
      {with("observed_at", "yesterday"), "observed_at"},
      {with("observed_at", gone), "observed_at"},
      {with("observed_at", "2027-01-15T08:06:00Z"), "observed_at"},  // 6 minutes ahead of kIn.now
      {with("observed_at", 1e300), "observed_at"},
      {with("colour", "red"), "colour"},
  };
  for (const auto& [body, field] : cases) EXPECT_EQ(field_of(decode_sentiment_json(body, kIn)), field) << body.dump();
  EXPECT_EQ(field_of(decode_sentiment_json(json::array({good()}), kIn)), "body");
}

TEST(SentimentInput, AListIsAllOrNothingNamingTheItem) {
  json list{{"items", json::array({good(), good(), good(), good()})}};
  auto ok = decode_sentiment_json(list, kIn);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 4u);
  list["items"][3]["score"] = 1.5;
  auto r = decode_sentiment_json(list, kIn);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, http::status::unprocessable_entity);
  EXPECT_EQ(r.error().details["field"], "items[3].score");
  list["items"][2] = 5;
  EXPECT_EQ(field_of(decode_sentiment_json(list, kIn)), "items[2]");
  EXPECT_EQ(field_of(decode_sentiment_json(json{{"items", json::array()}}, kIn)), "items");
  EXPECT_EQ(field_of(decode_sentiment_json(json{{"items", good()}}, kIn)), "items");
  json many{{"items", json::array()}};
  for (std::size_t i = 0; i <= kMaxSentimentItems; ++i) many["items"].push_back(good());
  auto big = decode_sentiment_json(many, kIn);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().status, http::status::payload_too_large);
  EXPECT_EQ(big.error().details["max"], kMaxSentimentItems);
}

TEST(SentimentInput, CsvKeepsGoodRowsAndListsBadOnesByLine) {
  const std::string csv =
      "source,score,headline,observed_at,symbol,url\r\n"             // line 1; columns in any order
      "news,0.4,\"Rates, again\",2027-01-15T07:00:00Z,ETH-USD,\r\n"  // 2: good, a quoted comma
      "\n"                                                           // 3: blank
      "social,1.5,too bullish,2027-01-15T07:00:00Z,,\n"              // 4: bad score
      "social,NaN,odd,2027-01-15T07:00:00Z,,\n"                      // 5: bad score
      "news,0.1,short row\n"                                         // 6: too few columns
      "rumour,0.1,x,1799990000000,,\n"                               // 7: bad source
      "market,-0.2,\"He said \"\"sell\"\"\",1799990000000,,\n"       // 8: good, quotes
      "news,0.1,x,2027-01-15T07:00:00Z,,ftp://x\n"                   // 9: bad url
      "news,0.1,\"open quote,2027-01-15T07:00:00Z,,\n";              // 10: quote left open
  auto r = decode_sentiment_csv(csv, kIn);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->rows, 8u);
  ASSERT_EQ(r->items.size(), 2u);
  EXPECT_EQ(r->items[0].headline, "Rates, again");
  EXPECT_EQ(r->items[0].symbol, "ETH-USD");
  EXPECT_EQ(r->items[1].headline, "He said \"sell\"");
  EXPECT_EQ(r->items[1].symbol, "");
  EXPECT_EQ(r->bad, 6u);
  std::vector<std::pair<std::size_t, std::string>> listed;
  for (const auto& b : r->listed) listed.emplace_back(b.line, b.field);
  const std::vector<std::pair<std::size_t, std::string>> want{{4, "score"},  {5, "score"}, {6, "row"},
                                                              {7, "source"}, {9, "url"},   {10, "row"}};
  EXPECT_EQ(listed, want);
}

TEST(SentimentInput, CsvHeaderAndSizeAreCheckedFirst) {
  auto field = [](const std::string& csv) {
    auto r = decode_sentiment_csv(csv, kIn);
    return r ? std::string("(accepted)") : r.error().details.value("field", std::string());
  };
  EXPECT_EQ(field(""), "body");
  EXPECT_EQ(field("source,score,headline\n"), "header");                     // no observed_at
  EXPECT_EQ(field("source,score,headline,observed_at,colour\n"), "header");  // unknown
  EXPECT_EQ(field("source,score,score,headline,observed_at\n"), "header");   // twice
  EXPECT_EQ(field("source,score,headline,observed_at\n"), "(accepted)");     // no rows: none kept
  std::string big = "source,score,headline,observed_at\n";
  for (std::size_t i = 0; i <= kMaxSentimentItems; ++i) big += "news,0.1,x,1799990000000\n";
  auto r = decode_sentiment_csv(big, kIn);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, http::status::payload_too_large);
  // A row that is not UTF-8 is a bad row, not an error of the request.
  auto latin = decode_sentiment_csv("source,score,headline,observed_at\nnews,0.1,caf\xE9,1799990000000\n", kIn);
  ASSERT_TRUE(latin);
  EXPECT_EQ(latin->bad, 1u);
  EXPECT_EQ(latin->listed.at(0).field, "row");
}

}  // namespace
}  // namespace meridian::api
