// Coinbase Exchange answers: the documented ticker and candle shapes, the error shape, and
// broken bodies (truncated, wrong types, bad rows) as clear errors or counted rows.
#include "meridian/market/venues/coinbase/messages.hpp"

#include <gtest/gtest.h>

using namespace meridian::market::venue;
using meridian::core::Price;
using meridian::core::Quantity;
using meridian::core::Timestamp;
using namespace std::chrono;

namespace {
// From the Coinbase Exchange API reference (Get product ticker).
constexpr const char* kDocTicker =
    R"({"trade_id":86326522,"price":"6268.48","size":"0.00698254","time":"2020-03-20T00:22:57.833897Z",)"
    R"("bid":"6265.15","ask":"6267.71","volume":"53602.03940154"})";
}  // namespace

TEST(VenueCoinbaseMessages, DocumentedTicker) {
  const auto r = parse_coinbase_ticker(kDocTicker);
  ASSERT_TRUE(std::holds_alternative<CoinbaseTicker>(r)) << std::get<ParseError>(r).what;
  const auto& t = std::get<CoinbaseTicker>(r);
  EXPECT_EQ(t.trade_id, 86326522);
  EXPECT_EQ(t.price, *Price::parse("6268.48"));
  EXPECT_EQ(t.size, *Quantity::parse("0.00698254"));
  EXPECT_EQ(t.bid, *Price::parse("6265.15"));
  EXPECT_EQ(t.ask, *Price::parse("6267.71"));
  EXPECT_EQ(t.time, Timestamp(seconds(1584663777) + microseconds(833897)));
}

TEST(VenueCoinbaseMessages, BrokenTickersAreErrorsNamingTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"trade_id":86326522,"price":"6268.4)", "truncated"},
      {"", "malformed"},
      {R"([1,2])", "not a JSON object"},
      {R"({"message":"NotFound"})", "NotFound"},
      {R"({"trade_id":"1","price":"1","size":"1","time":"2020-03-20T00:22:57Z","bid":"1","ask":"1"})", "trade_id"},
      {R"({"trade_id":1,"price":"abc","size":"1","time":"2020-03-20T00:22:57Z","bid":"1","ask":"1"})", "price"},
      {R"({"trade_id":1,"price":"1","size":"1","time":"yesterday","bid":"1","ask":"1"})", "time"},
      {R"({"trade_id":1,"price":"1","size":"1","time":"2020-03-20T00:22:57Z","bid":"1"})", "ask"},
      {R"({"trade_id":1,"price":"-1","size":"1","time":"2020-03-20T00:22:57Z","bid":"1","ask":"1"})", "price"},
  };
  for (const auto& [body, needle] : cases) {
    const auto r = parse_coinbase_ticker(body);
    ASSERT_TRUE(std::holds_alternative<ParseError>(r)) << body;
    EXPECT_NE(std::get<ParseError>(r).what.find(needle), std::string::npos) << std::get<ParseError>(r).what;
  }
}

TEST(VenueCoinbaseMessages, CandlesNewestFirstComeBackOldestFirstWithBadRowsCounted) {
  const auto r = parse_coinbase_candles(R"([
      [1584663840, 6260.5, 6270.25, 6262.0, 6268.48, 12.5],
      [1584663780, 6250, 6265, 6255, 6262, 8],
      [1584663780, 6250, 6265, 6255, 6262, 8],
      [1584663720, 6260, 6250, 6255, 6255, 1],
      [1584663660, "x", 1, 1, 1, 1],
      [1584663600, 1, 2, 1.5, 1.5],
      "row",
      [1584663540, 6240, 6250, 6245, 6249, -1]
    ])",
                                        3);
  ASSERT_TRUE(std::holds_alternative<CoinbaseCandles>(r));
  const auto& c = std::get<CoinbaseCandles>(r);
  ASSERT_EQ(c.bars.size(), 2u);
  EXPECT_EQ(c.bad_rows, 6u);  // duplicate, high < low, non-numeric, short row, not a row, negative volume
  EXPECT_EQ(c.bars[0].open_time, Timestamp(seconds(1584663780)));
  EXPECT_EQ(c.bars[1].open_time, Timestamp(seconds(1584663840)));
  const auto& b = c.bars[1];
  EXPECT_EQ(b.symbol, 3u);
  EXPECT_EQ(b.low, *Price::parse("6260.5"));
  EXPECT_EQ(b.high, *Price::parse("6270.25"));
  EXPECT_EQ(b.open, *Price::parse("6262"));
  EXPECT_EQ(b.close, *Price::parse("6268.48"));
  EXPECT_EQ(b.volume, *Quantity::parse("12.5"));
}

TEST(VenueCoinbaseMessages, CandleErrors) {
  EXPECT_TRUE(std::holds_alternative<ParseError>(parse_coinbase_candles("[[1584663840, 1, 2", 0)));
  EXPECT_TRUE(std::holds_alternative<ParseError>(parse_coinbase_candles(R"({"a":1})", 0)));
  const auto r = parse_coinbase_candles(R"({"message":"granularity too small"})", 0);
  ASSERT_TRUE(std::holds_alternative<ParseError>(r));
  EXPECT_NE(std::get<ParseError>(r).what.find("granularity too small"), std::string::npos);
  EXPECT_EQ(coinbase_error_message(R"({"message":"Public rate limit exceeded"})"), "Public rate limit exceeded");
  EXPECT_EQ(coinbase_error_message("<html>"), "<html>");
}
