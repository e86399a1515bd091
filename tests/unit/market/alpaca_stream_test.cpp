// Alpaca market data v2: auth and subscribe frames, the server's documented arrays (control,
// trades, quotes, bars), the connection state machine and its error outcomes, dedup and
// out-of-order trades, bar gaps, REST bars paging, every error shape and truncated frames.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "meridian/market/venues/alpaca/bars.hpp"
#include "meridian/market/venues/alpaca/stream.hpp"

namespace meridian::market::alpaca {
namespace {

using core::Price;
using core::Quantity;
using core::Timeframe;

core::InstrumentTable instruments() {
  using A = core::AssetClass;
  return core::InstrumentTable({
      {0, "BTC-USD", "crypto", A::crypto, "USD", 2, 6, 65000.0, 0.6},
      {0, "AAPL", "nyse", A::equity, "USD", 2, 0, 190.0, 0.3},
      {0, "spy", "nyse", A::equity, "USD", 2, 0, 500.0, 0.2},
      {0, "TCS", "nse", A::equity, "INR", 2, 0, 3900.0, 0.2},
  });
}
constexpr core::SymbolId kAapl = 1, kSpy = 2;

core::Timestamp ts(const char* iso) {
  return *core::parse_time(iso);
}

// From Alpaca's "Real-time stock data" documentation.
const std::string kTrade =
    R"({"T":"t","i":96921,"S":"AAPL","x":"D","p":126.55,"s":1,"t":"2021-02-22T15:51:44.208Z","c":["@","I"],"z":"C"})";
const std::string kQuote = R"({"T":"q","S":"AAPL","bx":"U","bp":126.54,"bs":1,"ax":"Q","ap":126.56,"as":4,)"
                           R"("t":"2021-02-22T15:51:45.335689322Z","c":["R"],"z":"C"})";
const std::string kBar =
    R"({"T":"b","S":"SPY","o":388.985,"h":389.13,"l":388.975,"c":389.12,"v":49378,"t":"2021-02-22T19:15:00Z",)"
    R"("n":461,"vw":389.062639})";

std::string bar_at(const char* t, double v = 100) {
  return R"([{"T":"b","S":"AAPL","o":133.32,"h":133.74,"l":133.31,"c":133.5,"v":)" + std::to_string(v) + R"(,"t":")" +
         t + R"("}])";
}

Stream subscribed_stream(const VenueSymbols& map) {
  Stream s(map, "KEY", "SECRET");
  s.on_open();
  const std::vector<core::SymbolId> ids{kAapl};
  s.set_symbols(ids);
  s.on_text(R"([{"T":"success","msg":"connected"}])");
  s.on_text(R"([{"T":"success","msg":"authenticated"}])");
  s.on_text(R"([{"T":"subscription","trades":["AAPL"],"quotes":["AAPL"],"bars":["AAPL"]}])");
  return s;
}

TEST(AlpacaMessages, AuthAndSubscribeFrames) {
  EXPECT_EQ(auth_message("AKID", "s3cr\"et"), R"({"action":"auth","key":"AKID","secret":"s3cr\"et"})");
  EXPECT_EQ(subscribe_message({{"AAPL"}, {"AMD", "CLDR"}, {"*"}}),
            R"({"action":"subscribe","bars":["*"],"quotes":["AMD","CLDR"],"trades":["AAPL"]})");
  EXPECT_EQ(unsubscribe_message({{}, {"AMD"}, {}}),
            R"({"action":"unsubscribe","bars":[],"quotes":["AMD"],"trades":[]})");
}

TEST(AlpacaMessages, SymbolMappingRoundTrip) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  EXPECT_EQ(map.venue_symbol_of(kAapl), "AAPL");
  EXPECT_EQ(map.venue_symbol_of(kSpy), "SPY");
  EXPECT_EQ(map.find("SPY"), kSpy);
  EXPECT_EQ(map.find("aapl"), kAapl);
  EXPECT_TRUE(map.venue_symbol_of(0).empty());  // crypto is not on the stock feed
  EXPECT_TRUE(map.venue_symbol_of(3).empty());  // nor an INR equity
  EXPECT_FALSE(map.find("TCS"));
}

TEST(AlpacaMessages, ParsesDocumentedTradeQuoteAndBar) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  const auto f = parse_server_frame("[" + kTrade + "," + kQuote + "," + kBar + "]", map);
  ASSERT_EQ(f.error, MessageError::none);
  ASSERT_EQ(f.events.size(), 3u);
  const auto& t = f.events[0];
  ASSERT_EQ(t.kind, EventKind::trade) << to_string(t.error_kind);
  EXPECT_EQ(t.symbol, kAapl);
  EXPECT_EQ(t.price, *Price::parse("126.55"));
  EXPECT_EQ(t.size, Quantity::from_units(1));
  EXPECT_EQ(t.trade_id, 96921u);
  EXPECT_EQ(t.ts, ts("2021-02-22T15:51:44.208Z"));
  const auto& q = f.events[1];
  ASSERT_EQ(q.kind, EventKind::quote) << to_string(q.error_kind);
  EXPECT_EQ(q.bid, *Price::parse("126.54"));
  EXPECT_EQ(q.ask, *Price::parse("126.56"));
  EXPECT_EQ(q.ask_size, Quantity::from_units(4));
  EXPECT_EQ(q.ts.time_since_epoch().count() % 1'000'000'000, 335'689'322);  // nanoseconds kept
  const auto& b = f.events[2];
  ASSERT_EQ(b.kind, EventKind::bar) << to_string(b.error_kind);
  EXPECT_EQ(b.symbol, kSpy);
  EXPECT_EQ(b.bar.open_time, ts("2021-02-22T19:15:00Z"));
  EXPECT_EQ(b.bar.timeframe, Timeframe::m1);
  // Numbers are rounded to the instrument's 2 decimals, half to even: 388.985 -> 388.98.
  EXPECT_EQ(b.bar.open, *Price::parse("388.98"));
  EXPECT_EQ(b.bar.low, *Price::parse("388.98"));
  EXPECT_EQ(b.bar.close, *Price::parse("389.12"));
  EXPECT_EQ(b.bar.volume, Quantity::from_units(49378));
  EXPECT_EQ(b.bar.ticks, 461u);
}

TEST(AlpacaMessages, ControlMessagesAndErrorShapes) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  auto f = parse_server_frame(
      R"([{"T":"success","msg":"connected"},{"T":"success","msg":"authenticated"},)"
      R"({"T":"error","code":402,"msg":"auth failed"},)"
      R"({"T":"subscription","trades":["AAPL"],"quotes":["AMD","CLDR"],"bars":["*"],"updatedBars":[],"dailyBars":["VOO"]},)"
      R"({"T":"d","S":"AAPL"},{"T":"s","S":"AAPL"}])",
      map);
  ASSERT_EQ(f.events.size(), 6u);
  EXPECT_EQ(f.events[0].kind, EventKind::connected);
  EXPECT_EQ(f.events[1].kind, EventKind::authenticated);
  EXPECT_EQ(f.events[2].kind, EventKind::error);
  EXPECT_EQ(f.events[2].venue.code, 402);
  EXPECT_EQ(f.events[2].venue.message, "auth failed");
  ASSERT_EQ(f.events[3].kind, EventKind::subscription);
  EXPECT_EQ(f.events[3].subscription, (Subscription{{"AAPL"}, {"AMD", "CLDR"}, {"*"}}));
  EXPECT_EQ(f.events[4].kind, EventKind::other);
  EXPECT_EQ(f.events[5].kind, EventKind::other);

  struct Case {
    std::string text;
    MessageError want;
  };
  auto with = [](std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return "[" + text + "]";
  };
  const std::vector<Case> cases = {
      {R"([{"T":"success","msg":"hello"}])", MessageError::unknown_message},
      {R"([{"T":"zz"}])", MessageError::unknown_message},
      {R"([{"msg":"connected"}])", MessageError::unexpected_shape},
      {R"([17])", MessageError::unexpected_shape},
      {R"([{"T":"error","code":"402","msg":"auth failed"}])", MessageError::unexpected_shape},
      {R"([{"T":"subscription","trades":"AAPL"}])", MessageError::unexpected_shape},
      {R"([{"T":"subscription","trades":[1]}])", MessageError::unexpected_shape},
      {with(kTrade, R"("S":"AAPL")", R"("S":"MSFT")"), MessageError::unknown_symbol},
      {with(kTrade, R"("S":"AAPL")", R"("S":7)"), MessageError::unexpected_shape},
      {with(kTrade, R"("p":126.55)", R"("p":"126.55")"), MessageError::unexpected_shape},
      {with(kTrade, R"("p":126.55)", R"("p":-1)"), MessageError::bad_value},
      {with(kTrade, R"("p":126.55)", R"("p":0)"), MessageError::bad_value},
      {with(kTrade, R"("p":126.55)", R"("p":1e300)"), MessageError::bad_value},
      {with(kTrade, R"("i":96921)", R"("i":"x")"), MessageError::unexpected_shape},
      {with(kTrade, R"("t":"2021-02-22T15:51:44.208Z")", R"("t":"1614009104208")"), MessageError::bad_value},
      {with(kTrade, R"("t":"2021-02-22T15:51:44.208Z")", R"("t":"2021-02-30T15:51:44Z")"), MessageError::bad_value},
      {with(kTrade, R"("t":"2021-02-22T15:51:44.208Z")", R"("t":1614009104208)"), MessageError::unexpected_shape},
      {with(kQuote, R"("bp":126.54,)", ""), MessageError::unexpected_shape},
      {with(kBar, R"("h":389.13)", R"("h":388.0)"), MessageError::bad_value},  // high below open
      {with(kBar, R"("n":461)", R"("n":-4)"), MessageError::bad_value},
  };
  for (const auto& c : cases) {
    f = parse_server_frame(c.text, map);
    ASSERT_EQ(f.events.size(), 1u) << c.text;
    EXPECT_EQ(f.events[0].kind, EventKind::invalid) << c.text;
    EXPECT_EQ(f.events[0].error_kind, c.want) << c.text;
  }
  EXPECT_EQ(parse_server_frame("", map).error, MessageError::malformed_json);
  EXPECT_EQ(parse_server_frame("[{\"T\":", map).error, MessageError::malformed_json);
  EXPECT_EQ(parse_server_frame("\"connected\"", map).error, MessageError::unexpected_shape);
}

TEST(AlpacaStream, ConnectAuthenticateSubscribe) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  Stream s(map, "KEY", "SECRET");
  s.on_open();
  EXPECT_EQ(s.state(), ConnectionState::connecting);
  const std::vector<core::SymbolId> ids{kAapl, 0, kAapl};  // BTC-USD is not on Alpaca; repeats once
  EXPECT_TRUE(s.set_symbols(ids).send.empty());            // not authenticated yet: kept for later
  EXPECT_EQ(s.wanted(), (Subscription{{"AAPL"}, {"AAPL"}, {"AAPL"}}));

  auto step = s.on_text(R"([{"T":"success","msg":"connected"}])");
  EXPECT_EQ(s.state(), ConnectionState::authenticating);
  ASSERT_EQ(step.send.size(), 1u);
  EXPECT_EQ(step.send[0], R"({"action":"auth","key":"KEY","secret":"SECRET"})");

  step = s.on_text(R"([{"T":"success","msg":"authenticated"}])");
  EXPECT_EQ(s.state(), ConnectionState::authenticated);
  ASSERT_EQ(step.send.size(), 1u);
  EXPECT_EQ(step.send[0], R"({"action":"subscribe","bars":["AAPL"],"quotes":["AAPL"],"trades":["AAPL"]})");

  step = s.on_text(R"([{"T":"subscription","trades":["AAPL"],"quotes":["AAPL"],"bars":["AAPL"]}])");
  EXPECT_EQ(s.state(), ConnectionState::subscribed);
  EXPECT_EQ(s.confirmed(), s.wanted());
  EXPECT_TRUE(step.send.empty());

  // A change while subscribed is sent as the difference.
  const std::vector<core::SymbolId> spy{kSpy};
  step = s.set_symbols(spy);
  ASSERT_EQ(step.send.size(), 2u);
  EXPECT_EQ(step.send[0], R"({"action":"unsubscribe","bars":["AAPL"],"quotes":["AAPL"],"trades":["AAPL"]})");
  EXPECT_EQ(step.send[1], R"({"action":"subscribe","bars":["SPY"],"quotes":["SPY"],"trades":["SPY"]})");
  EXPECT_TRUE(s.set_symbols(spy).send.empty());  // no change, nothing sent

  // A reconnect starts over and subscribes everything wanted after auth.
  s.on_open();
  EXPECT_EQ(s.state(), ConnectionState::connecting);
  EXPECT_TRUE(s.on_text(R"([{"T":"success","msg":"authenticated"}])").send.empty());  // out of turn: ignored
  EXPECT_EQ(s.state(), ConnectionState::connecting);
  EXPECT_EQ(s.on_text(R"([{"T":"success","msg":"connected"}])").send.size(), 1u);
  step = s.on_text(R"([{"T":"success","msg":"authenticated"}])");
  ASSERT_EQ(step.send.size(), 1u);
  EXPECT_EQ(step.send[0], R"({"action":"subscribe","bars":["SPY"],"quotes":["SPY"],"trades":["SPY"]})");
}

TEST(AlpacaStream, ConnectedAndAuthenticatedInOneFrame) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  Stream s(map, "K", "S");
  s.on_open();
  const auto step = s.on_text(R"([{"T":"success","msg":"connected"},{"T":"success","msg":"authenticated"}])");
  EXPECT_EQ(s.state(), ConnectionState::authenticated);
  EXPECT_EQ(step.send.size(), 1u);  // auth only: nothing wanted yet
}

TEST(AlpacaStream, ErrorCodesMapToOutcomes) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  struct Case {
    int code;
    Outcome outcome;
    bool close, reconnect;
  };
  const std::vector<Case> cases = {
      {400, Outcome::invalid_syntax, false, false},
      {401, Outcome::not_authenticated, true, true},
      {402, Outcome::auth_failed, true, false},
      {403, Outcome::already_authenticated, false, false},
      {404, Outcome::auth_timeout, true, true},
      {405, Outcome::symbol_limit, false, false},
      {406, Outcome::connection_limit, true, true},
      {407, Outcome::slow_client, true, true},
      {409, Outcome::insufficient_subscription, true, false},
      {410, Outcome::invalid_subscribe_action, false, false},
      {500, Outcome::internal_error, true, true},
      {418, Outcome::unknown_error, true, true},
  };
  for (const auto& c : cases) {
    Stream s(map, "K", "S");
    s.on_open();
    s.on_text(R"([{"T":"success","msg":"connected"}])");
    const auto step = s.on_text(R"([{"T":"error","code":)" + std::to_string(c.code) + R"(,"msg":"something"}])");
    ASSERT_TRUE(step.failure) << c.code;
    EXPECT_EQ(step.failure->outcome, c.outcome) << c.code;
    EXPECT_EQ(step.failure->close, c.close) << c.code;
    EXPECT_EQ(step.failure->reconnect, c.reconnect) << c.code;
    EXPECT_EQ(step.failure->venue.code, c.code);
    EXPECT_EQ(s.state(), c.close ? ConnectionState::failed : ConnectionState::authenticating) << c.code;
    EXPECT_EQ(s.errors()[MessageError::venue_error], 1u);
  }
  EXPECT_EQ(to_string(Outcome::auth_failed), "auth_failed");
  EXPECT_EQ(to_string(Outcome::connection_limit), "connection_limit");
  EXPECT_EQ(to_string(ConnectionState::subscribed), "subscribed");
}

TEST(AlpacaStream, TradesAndQuotesBecomeTicksDeduplicatedAndInOrder) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  auto s = subscribed_stream(map);
  auto step = s.on_text("[" + kTrade + "]");
  ASSERT_EQ(step.ticks.size(), 1u);
  EXPECT_EQ(step.ticks[0].last, *Price::parse("126.55"));
  EXPECT_EQ(step.ticks[0].bid, step.ticks[0].last);  // no quote yet
  EXPECT_EQ(step.ticks[0].volume, Quantity::from_units(1));

  EXPECT_TRUE(s.on_text("[" + kTrade + "]").ticks.empty());  // the same trade again
  EXPECT_EQ(s.trade_sequencer().duplicates(), 1u);

  std::string same_time_other_id = kTrade;
  same_time_other_id.replace(same_time_other_id.find("96921"), 5, "96922");
  EXPECT_EQ(s.on_text("[" + same_time_other_id + "]").ticks.size(), 1u);

  std::string older = kTrade;
  older.replace(older.find("44.208Z"), 7, "43.000Z");
  older.replace(older.find("96921"), 5, "96900");
  EXPECT_TRUE(s.on_text("[" + older + "]").ticks.empty());
  EXPECT_EQ(s.trade_sequencer().out_of_order(), 1u);

  step = s.on_text("[" + kQuote + "," + kQuote + "]");
  ASSERT_EQ(step.ticks.size(), 1u);  // the repeat in the same frame is dropped
  EXPECT_EQ(step.ticks[0].bid, *Price::parse("126.54"));
  EXPECT_EQ(step.ticks[0].ask, *Price::parse("126.56"));
  EXPECT_EQ(step.ticks[0].last, *Price::parse("126.55"));  // the last trade
  EXPECT_EQ(step.ticks[0].volume, Quantity{});
  EXPECT_EQ(s.quote_sequencer().duplicates(), 1u);

  // A bad element does not spoil the rest of its frame.
  std::string later = kTrade;
  later.replace(later.find("44.208Z"), 7, "46.000Z");
  step = s.on_text(R"([{"T":"t","S":"AAPL","p":"oops"},)" + later + "]");
  ASSERT_EQ(step.ticks.size(), 1u);
  EXPECT_EQ(step.ticks[0].bid, *Price::parse("126.54"));  // the touch from the quote
  EXPECT_EQ(s.errors()[MessageError::unexpected_shape], 1u);
}

TEST(AlpacaStream, BarsAreSequencedAndGapsNamed) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  auto s = subscribed_stream(map);
  auto step = s.on_text(bar_at("2026-11-20T14:30:00Z"));
  ASSERT_EQ(step.bars.size(), 1u);
  EXPECT_EQ(step.bars[0].open, *Price::parse("133.32"));
  EXPECT_TRUE(step.gaps.empty());
  EXPECT_TRUE(s.on_text(bar_at("2026-11-20T14:30:00Z")).bars.empty());  // duplicate
  EXPECT_EQ(s.on_text(bar_at("2026-11-20T14:31:00Z")).bars.size(), 1u);
  EXPECT_TRUE(s.on_text(bar_at("2026-11-20T14:30:00Z")).bars.empty());  // out of order

  step = s.on_text(bar_at("2026-11-20T14:34:00Z"));
  ASSERT_EQ(step.bars.size(), 1u);
  ASSERT_EQ(step.gaps.size(), 1u);
  EXPECT_EQ(step.gaps[0].first, kAapl);
  EXPECT_EQ(step.gaps[0].second, (BackfillRange{ts("2026-11-20T14:32:00Z"), ts("2026-11-20T14:34:00Z")}));
  EXPECT_EQ(s.bar_sequencer().duplicates(), 1u);
  EXPECT_EQ(s.bar_sequencer().out_of_order(), 1u);

  // A correction of a delivered bar is passed on separately, not sequenced as a new bar.
  step = s.on_text(
      R"([{"T":"u","S":"AAPL","o":133.32,"h":133.8,"l":133.31,"c":133.5,"v":120,"t":"2026-11-20T14:31:00Z"}])");
  EXPECT_TRUE(step.bars.empty());
  ASSERT_EQ(step.corrected_bars.size(), 1u);
  EXPECT_EQ(step.corrected_bars[0].high, *Price::parse("133.8"));
}

TEST(AlpacaStream, EveryTruncationOfAValidFrameIsAnErrorNotACrash) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  auto s = subscribed_stream(map);
  const std::string full = "[" + kTrade + "," + kQuote + "," + kBar + "]";
  const auto before = s.errors().total();
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    const auto step = s.on_text(std::string_view(full).substr(0, cut));
    EXPECT_TRUE(step.ticks.empty()) << "cut at " << cut;
    EXPECT_TRUE(step.bars.empty()) << "cut at " << cut;
  }
  EXPECT_EQ(s.errors()[MessageError::malformed_json] - before, full.size());
  const auto step = s.on_text(full);  // the cut frames left no trace in the sequencers
  EXPECT_EQ(step.ticks.size(), 2u);
  EXPECT_EQ(step.bars.size(), 1u);
}

TEST(AlpacaStream, RandomlyCorruptedFramesNeverCrash) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  auto s = subscribed_stream(map);
  std::mt19937 rng(7);
  const std::string base = "[" + kTrade + "," + kQuote + "," + kBar + "]";
  for (int i = 0; i < 3000; ++i) {
    std::string text = base;
    for (int j = 0; j < 3; ++j) text[rng() % text.size()] = static_cast<char>(rng() % 256);
    const auto step = s.on_text(text);
    for (const auto& b : step.bars) EXPECT_LE(b.low, b.high);
  }
  EXPECT_GT(s.errors().total(), 0u);
}

TEST(AlpacaBars, RequestPath) {
  const auto start = ts("2026-11-20T14:30:00Z");
  const auto end = ts("2026-11-20T15:30:00Z");
  EXPECT_EQ(bars_path("AAPL", Timeframe::m1, start, end, 1000),
            "/v2/stocks/AAPL/bars?timeframe=1Min&start=2026-11-20T14:30:00.000Z&end=2026-11-20T15:29:59.999Z"
            "&limit=1000");
  EXPECT_EQ(bars_path("AAPL", Timeframe::h1, start, end, 50000, "QUFQTHwyMDIx+/="),
            "/v2/stocks/AAPL/bars?timeframe=1Hour&start=2026-11-20T14:30:00.000Z&end=2026-11-20T15:29:59.999Z"
            "&limit=10000&page_token=QUFQTHwyMDIx%2B%2F%3D");
  EXPECT_EQ(timeframe_name(Timeframe::d1), "1Day");
  EXPECT_EQ(timeframe_name(Timeframe::m15), "15Min");
}

TEST(AlpacaBars, PagesFollowTheTokenUntilItIsNull) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  // From Alpaca's "Historical bars" documentation, split over two pages.
  const std::string page1 =
      R"({"bars":[{"t":"2021-02-01T16:01:00Z","o":133.32,"h":133.74,"l":133.31,"c":133.5,"v":9876,"n":12,"vw":133.5},)"
      R"({"t":"2021-02-01T16:02:00Z","o":133.5,"h":133.58,"l":133.44,"c":133.58,"v":3567}],)"
      R"("symbol":"AAPL","next_page_token":"QUFQTHxNfDIwMjEtMDItMDFUMTY6MDI6MDAuMDAwMDAwMDAwWg=="})";
  const std::string page2 =
      R"({"bars":[{"t":"2021-02-01T16:03:00Z","o":133.58,"h":133.6,"l":133.5,"c":133.55,"v":1200}],)"
      R"("symbol":"AAPL","next_page_token":null})";
  std::vector<core::Bar> all;
  std::optional<std::string> token;
  for (const auto* body : {&page1, &page2}) {
    const auto p = parse_bars_page(*body, map, kAapl, Timeframe::m1);
    ASSERT_EQ(p.error, MessageError::none);
    all.insert(all.end(), p.bars.begin(), p.bars.end());
    token = p.next_page_token;
    if (body == &page1) {
      ASSERT_TRUE(token);
      EXPECT_EQ(*token, "QUFQTHxNfDIwMjEtMDItMDFUMTY6MDI6MDAuMDAwMDAwMDAwWg==");
    }
  }
  EXPECT_FALSE(token);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].open_time, ts("2021-02-01T16:01:00Z"));
  EXPECT_EQ(all[0].high, *Price::parse("133.74"));
  EXPECT_EQ(all[0].volume, Quantity::from_units(9876));
  EXPECT_EQ(all[0].ticks, 12u);
  EXPECT_EQ(all[2].close, *Price::parse("133.55"));
  for (const auto& b : all) EXPECT_EQ(b.symbol, kAapl);

  const auto empty =
      parse_bars_page(R"({"bars":null,"symbol":"AAPL","next_page_token":null})", map, kAapl, Timeframe::m1);
  EXPECT_EQ(empty.error, MessageError::none);
  EXPECT_TRUE(empty.bars.empty());
}

TEST(AlpacaBars, ErrorShapesAndTruncation) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  auto p = parse_bars_page(R"({"code":40010001,"message":"invalid symbol"})", map, kAapl, Timeframe::m1);
  EXPECT_EQ(p.error, MessageError::venue_error);
  EXPECT_EQ(p.venue.code, 40010001);
  EXPECT_EQ(p.venue.message, "invalid symbol");
  p = parse_bars_page(R"({"message":"forbidden."})", map, kAapl, Timeframe::m1);
  EXPECT_EQ(p.error, MessageError::venue_error);
  EXPECT_EQ(p.venue.code, 0);

  const std::string b1 = R"({"t":"2021-02-01T16:01:00Z","o":1,"h":2,"l":0.5,"c":1.5,"v":10})";
  const std::string b2 = R"({"t":"2021-02-01T16:02:00Z","o":1,"h":2,"l":0.5,"c":1.5,"v":10})";
  auto body = [](const std::string& bars, const std::string& sym = "AAPL") {
    return R"({"bars":[)" + bars + R"(],"symbol":")" + sym + R"(","next_page_token":null})";
  };
  struct Case {
    std::string body;
    MessageError want;
  };
  const std::vector<Case> cases = {
      {"[]", MessageError::unexpected_shape},
      {"{}", MessageError::unexpected_shape},
      {R"({"bars":{},"symbol":"AAPL"})", MessageError::unexpected_shape},
      {R"({"bars":[],"symbol":"AAPL","next_page_token":5})", MessageError::unexpected_shape},
      {body(b1, "SPY"), MessageError::unknown_symbol},  // not the symbol asked for
      {body(b1, "ZZZZ"), MessageError::unknown_symbol},
      {body(b2 + "," + b1), MessageError::bad_value},  // not ascending
      {body(R"({"t":"2021-02-01T16:01:00Z","o":1,"h":2,"l":0.5,"c":"1.5","v":10})"), MessageError::unexpected_shape},
      {body(R"({"t":"yesterday","o":1,"h":2,"l":0.5,"c":1.5,"v":10})"), MessageError::bad_value},
  };
  for (const auto& c : cases) {
    p = parse_bars_page(c.body, map, kAapl, Timeframe::m1);
    EXPECT_EQ(p.error, c.want) << c.body;
    EXPECT_TRUE(p.bars.empty()) << c.body;
  }
  const auto full = body(b1 + "," + b2);
  ASSERT_EQ(parse_bars_page(full, map, kAapl, Timeframe::m1).bars.size(), 2u);
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    p = parse_bars_page(std::string_view(full).substr(0, cut), map, kAapl, Timeframe::m1);
    EXPECT_EQ(p.error, MessageError::malformed_json) << "cut at " << cut;
    EXPECT_TRUE(p.bars.empty());
  }
}

}  // namespace
}  // namespace meridian::market::alpaca
