// Binance spot message layer: combined-stream path and symbol mapping, kline frames (golden
// messages in the documented shape), volume deltas from cumulative updates, de-duplication,
// out-of-order and gap detection, REST klines, every error shape, and truncated input.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "meridian/market/venues/binance/klines.hpp"
#include "meridian/market/venues/binance/stream.hpp"

namespace meridian::market::binance {
namespace {

using core::Price;
using core::Quantity;
using core::Timeframe;
using std::chrono::minutes;

core::InstrumentTable instruments() {
  using A = core::AssetClass;
  return core::InstrumentTable({
      {0, "BTC-USDT", "crypto", A::crypto, "USDT", 2, 5, 65000.0, 0.6},
      {0, "ETH/USDT", "crypto", A::crypto, "USDT", 2, 4, 3200.0, 0.7},
      {0, "AAPL", "nyse", A::equity, "USD", 2, 0, 190.0, 0.3},
      {0, "BTC-USD", "crypto", A::crypto, "USD", 2, 6, 65000.0, 0.6},
  });
}

constexpr std::int64_t kT0 = 1'704'067'200'000;  // 2024-01-01T00:00:00Z, a minute boundary
constexpr std::int64_t kMin = 60'000;

struct K {
  std::string sym = "BTCUSDT";
  std::int64_t t = kT0;
  std::string o = "42283.58000000", h = "42298.62000000", l = "42261.02000000", c = "42298.61000000";
  std::string v = "35.92724000";
  int n = 1061;
  bool x = false;
  std::int64_t event = kT0 + 1500;
  std::string interval = "1m";
};

// A combined-stream frame as in Binance's "Kline/Candlestick Streams" documentation.
std::string frame(const K& k) {
  std::string lower;
  for (char ch : k.sym) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const auto T = k.t + kMin - 1;
  return "{\"stream\":\"" + lower + "@kline_" + k.interval +
         "\",\"data\":{\"e\":\"kline\",\"E\":" + std::to_string(k.event) + ",\"s\":\"" + k.sym +
         "\",\"k\":{\"t\":" + std::to_string(k.t) + ",\"T\":" + std::to_string(T) + ",\"s\":\"" + k.sym +
         "\",\"i\":\"" + k.interval + "\",\"f\":100,\"L\":200,\"o\":\"" + k.o + "\",\"c\":\"" + k.c + "\",\"h\":\"" +
         k.h + "\",\"l\":\"" + k.l + "\",\"v\":\"" + k.v + "\",\"n\":" + std::to_string(k.n) +
         ",\"x\":" + (k.x ? "true" : "false") +
         ",\"q\":\"1519032.43640150\",\"V\":\"21.88036000\",\"Q\":\"925265.18082230\",\"B\":\"0\"}}}";
}

K at(std::int64_t minute, std::string v, bool closed = false) {
  K k;
  k.t = kT0 + minute * kMin;
  k.v = std::move(v);
  k.x = closed;
  k.event = k.t + 1000;
  return k;
}

Quantity qty(const char* s) {
  return *Quantity::parse(s);
}

TEST(BinanceSymbols, MappingRuleAndRoundTrip) {
  EXPECT_EQ(venue_symbol("BTC-USDT"), "btcusdt");
  EXPECT_EQ(venue_symbol("BTC/USDT"), "btcusdt");
  EXPECT_EQ(venue_symbol("btc_usdt"), "btcusdt");
  EXPECT_EQ(venue_symbol("btcusdt"), "btcusdt");
  EXPECT_EQ(venue_symbol("BTC-USD"), "btcusd");  // quotes are not rewritten

  const auto table = instruments();
  const auto map = symbol_map(table);
  for (const auto& inst : table.all()) {
    const auto name = map.venue_symbol_of(inst.id);
    if (inst.asset_class != core::AssetClass::crypto) {
      EXPECT_TRUE(name.empty()) << inst.symbol;
      continue;
    }
    EXPECT_EQ(name, venue_symbol(inst.symbol));
    EXPECT_EQ(map.find(name), inst.id);
    std::string upper(name);
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(map.find(upper), inst.id);
  }
  EXPECT_FALSE(map.find("aapl"));
  EXPECT_FALSE(map.find("bnbbtc"));
  EXPECT_FALSE(map.find(""));
}

TEST(BinanceSymbols, TwoInstrumentsWithOneBinanceSymbolIsAStartUpError) {
  using A = core::AssetClass;
  const core::InstrumentTable table({{0, "BTC-USDT", "crypto", A::crypto, "USDT", 2, 5, 1.0, 0.1},
                                     {0, "BTC/USDT", "crypto", A::crypto, "USDT", 2, 5, 1.0, 0.1}});
  EXPECT_THROW(symbol_map(table), std::invalid_argument);
}

TEST(BinanceSymbols, IntervalsAndCombinedStreamPath) {
  for (const auto tf : core::kAllTimeframes) EXPECT_EQ(parse_interval(interval_name(tf)), tf);
  EXPECT_FALSE(parse_interval("3m"));
  EXPECT_FALSE(parse_interval("1M"));
  const auto table = instruments();
  const auto map = symbol_map(table);
  const std::vector<core::SymbolId> ids{0, 1, 2};  // AAPL (2) has no Binance symbol
  EXPECT_EQ(combined_stream_path(map, ids, Timeframe::m1), "/stream?streams=btcusdt@kline_1m/ethusdt@kline_1m");
  EXPECT_EQ(combined_stream_path(map, std::vector<core::SymbolId>{1}, Timeframe::h1),
            "/stream?streams=ethusdt@kline_1h");
}

TEST(BinanceStream, ParsesTheDocumentedKlineExactly) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  const auto m = parse_stream_message(frame(K{}), map);
  ASSERT_EQ(m.kind, StreamKind::kline) << to_string(m.error);
  EXPECT_EQ(m.error, MessageError::none);
  const auto& k = m.kline;
  EXPECT_EQ(k.symbol, 0u);
  EXPECT_EQ(k.timeframe, Timeframe::m1);
  EXPECT_EQ(core::epoch_ms(k.open_time), kT0);
  EXPECT_EQ(core::epoch_ms(k.close_time), kT0 + kMin - 1);
  EXPECT_EQ(core::epoch_ms(k.event_time), kT0 + 1500);
  EXPECT_EQ(k.open.raw(), 4'228'358'000'000);
  EXPECT_EQ(k.high.raw(), 4'229'862'000'000);
  EXPECT_EQ(k.low.raw(), 4'226'102'000'000);
  EXPECT_EQ(k.close.raw(), 4'229'861'000'000);
  EXPECT_EQ(k.volume.raw(), 3'592'724'000);
  EXPECT_EQ(k.trades, 1061u);
  EXPECT_FALSE(k.closed);
  const auto b = k.bar();
  EXPECT_EQ(b.open_time, k.open_time);
  EXPECT_EQ(b.close, k.close);
  EXPECT_EQ(b.ticks, 1061u);

  // The raw (not combined) stream sends the payload bare.
  const auto full = frame(K{});
  const auto data = full.substr(full.find("\"data\":") + 7);
  const auto bare = parse_stream_message(data.substr(0, data.size() - 1), map);
  ASSERT_EQ(bare.kind, StreamKind::kline);
  EXPECT_EQ(bare.kline.close, k.close);
}

TEST(BinanceStream, TheDocumentationSampleWithItsLowAboveItsOpenIsABadValue) {
  // Binance's documentation sample, verbatim apart from the symbol we configure: its low
  // (0.0015) is above its open (0.0010). Such a bar would corrupt every indicator, so it is refused.
  const auto table = instruments();
  const auto map = symbol_map(table);
  const std::string doc =
      R"({"e":"kline","E":1672515782136,"s":"BTCUSDT","k":{"t":1672515780000,"T":1672515839999,"s":"BTCUSDT",)"
      R"("i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,)"
      R"("x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}})";
  EXPECT_EQ(parse_stream_message(doc, map).error, MessageError::bad_value);
  std::string fixed = doc;
  fixed.replace(fixed.find("\"l\":\"0.0015\""), 12, "\"l\":\"0.0005\"");
  EXPECT_EQ(parse_stream_message(fixed, map).kind, StreamKind::kline);
}

TEST(BinanceStream, RepeatedCumulativeVolumeBecomesDeltas) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  KlineStream s(map, Timeframe::m1);

  auto e = s.on_text(frame(at(0, "1.50000000")));
  ASSERT_TRUE(e.tick);
  EXPECT_EQ(e.tick->volume, qty("1.5"));  // the first update seen carries the bar so far
  EXPECT_EQ(e.tick->last, *Price::parse("42298.61"));
  EXPECT_EQ(e.tick->bid, e.tick->last);
  EXPECT_EQ(core::epoch_ms(e.tick->ts), kT0 + 1000);
  EXPECT_FALSE(e.closed_bar);

  e = s.on_text(frame(at(0, "2.25000000")));
  ASSERT_TRUE(e.tick);
  EXPECT_EQ(e.tick->volume, qty("0.75"));

  e = s.on_text(frame(at(0, "2.25000000")));  // the same update again
  EXPECT_EQ(e.sequence, Sequence::duplicate);
  EXPECT_FALSE(e.tick);

  // The closing update repeats the last volume: still accepted, for its `x`.
  e = s.on_text(frame(at(0, "2.25000000", true)));
  EXPECT_EQ(e.sequence, Sequence::accepted);
  ASSERT_TRUE(e.tick);
  EXPECT_EQ(e.tick->volume, Quantity{});
  ASSERT_TRUE(e.closed_bar);
  EXPECT_EQ(e.closed_bar->volume, qty("2.25"));
  EXPECT_EQ(core::epoch_ms(e.closed_bar->open_time), kT0);

  e = s.on_text(frame(at(0, "2.25000000", true)));  // a repeated close
  EXPECT_EQ(e.sequence, Sequence::duplicate);
  EXPECT_FALSE(e.closed_bar);

  e = s.on_text(frame(at(1, "0.40000000")));  // the next bar starts from zero
  ASSERT_TRUE(e.tick);
  EXPECT_EQ(e.tick->volume, qty("0.4"));
  EXPECT_FALSE(e.gap);
  EXPECT_EQ(s.sequencer().duplicates(), 2u);
  EXPECT_EQ(s.errors().total(), 0u);
}

TEST(BinanceStream, VolumeDeltasSumToTheClosedBarsVolume) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  KlineStream s(map, Timeframe::m1);
  Quantity sum{};
  const char* volumes[] = {"0.1", "0.1", "0.35", "0.35", "1.00000001", "2.5"};
  for (const char* v : volumes) {
    const auto e = s.on_text(frame(at(0, v)));
    if (e.tick) sum += e.tick->volume;
  }
  const auto e = s.on_text(frame(at(0, "2.75", true)));
  ASSERT_TRUE(e.closed_bar);
  sum += e.tick->volume;
  EXPECT_EQ(sum, e.closed_bar->volume);
}

TEST(BinanceStream, OutOfOrderUpdatesAreDropped) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  KlineStream s(map, Timeframe::m1);
  ASSERT_TRUE(s.on_text(frame(at(0, "1", true))).closed_bar);
  ASSERT_TRUE(s.on_text(frame(at(1, "3"))).tick);

  auto e = s.on_text(frame(at(0, "1", true)));  // the older bar, late
  EXPECT_EQ(e.sequence, Sequence::out_of_order);
  EXPECT_FALSE(e.tick);
  e = s.on_text(frame(at(1, "2")));  // an earlier update of the current bar, late
  EXPECT_EQ(e.sequence, Sequence::out_of_order);
  EXPECT_FALSE(e.tick);
  e = s.on_text(frame(at(1, "4")));
  ASSERT_TRUE(e.tick);
  EXPECT_EQ(e.tick->volume, qty("1"));  // measured from 3, not from the stale 2
  EXPECT_EQ(s.sequencer().out_of_order(), 2u);

  // Symbols are sequenced independently.
  K eth = at(0, "5");
  eth.sym = "ETHUSDT";
  e = s.on_text(frame(eth));
  EXPECT_EQ(e.sequence, Sequence::accepted);
  ASSERT_TRUE(e.tick);
  EXPECT_EQ(e.tick->symbol, 1u);
}

TEST(BinanceStream, AGapNamesTheBarsToBackfill) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  KlineStream s(map, Timeframe::m1);
  EXPECT_FALSE(s.on_text(frame(at(0, "1"))).gap);  // the first bar seen: nothing owed yet
  EXPECT_FALSE(s.on_text(frame(at(0, "1", true))).gap);
  EXPECT_FALSE(s.on_text(frame(at(1, "1", true))).gap);  // the next bar: no gap

  auto e = s.on_text(frame(at(4, "1")));  // minutes 2 and 3 never came
  ASSERT_TRUE(e.gap);
  EXPECT_EQ(core::epoch_ms(e.gap->start), kT0 + 2 * kMin);
  EXPECT_EQ(core::epoch_ms(e.gap->end), kT0 + 4 * kMin);
  EXPECT_TRUE(e.tick);  // the new bar itself is used

  // Minute 4 never got its close (a disconnect): it is owed too.
  e = s.on_text(frame(at(6, "1")));
  ASSERT_TRUE(e.gap);
  EXPECT_EQ(core::epoch_ms(e.gap->start), kT0 + 4 * kMin);
  EXPECT_EQ(core::epoch_ms(e.gap->end), kT0 + 6 * kMin);
  EXPECT_EQ(s.sequencer().gaps(), 2u);
}

TEST(BinanceStream, HistoryLoadedAtStartSetsWhereTheFirstGapStarts) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  KlineStream s(map, Timeframe::m1);
  s.sequencer().resume_after(0, core::from_epoch_ms(kT0));  // the store has minute 0
  auto e = s.on_text(frame(at(3, "1")));
  ASSERT_TRUE(e.gap);
  EXPECT_EQ(e.gap->start, core::from_epoch_ms(kT0 + kMin));
  EXPECT_EQ(e.gap->end, core::from_epoch_ms(kT0 + 3 * kMin));
  // A backfill of [1, 3) done: the owed bar moves past it; minute 3 still needs its close.
  s.sequencer().resume_after(0, core::from_epoch_ms(kT0 + 2 * kMin));
  e = s.on_text(frame(at(4, "1")));
  ASSERT_TRUE(e.gap);
  EXPECT_EQ(e.gap->start, core::from_epoch_ms(kT0 + 3 * kMin));
}

TEST(BinanceStream, EveryErrorShapeIsAClearValueAndCounted) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  KlineStream s(map, Timeframe::m1);

  auto e = s.on_text(R"({"code":-1121,"msg":"Invalid symbol."})");
  EXPECT_EQ(e.message.kind, StreamKind::venue_error);
  EXPECT_EQ(e.message.error, MessageError::venue_error);
  EXPECT_EQ(e.message.venue.code, -1121);
  EXPECT_EQ(e.message.venue.message, "Invalid symbol.");
  e = s.on_text(R"({"error":{"code":2,"msg":"Invalid request: unknown variant"},"id":3})");
  EXPECT_EQ(e.message.kind, StreamKind::venue_error);
  EXPECT_EQ(e.message.venue.code, 2);

  e = s.on_text(R"({"result":null,"id":1})");
  EXPECT_EQ(e.message.kind, StreamKind::ack);
  EXPECT_EQ(e.message.ack_id, 1);
  EXPECT_EQ(e.message.error, MessageError::none);
  EXPECT_EQ(s.errors().total(), 2u);  // an ack is not an error

  struct Case {
    std::string text;
    MessageError want;
  };
  auto with = [](std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  const auto good = frame(K{});
  K unknown;
  unknown.sym = "BNBBTC";
  K inverted;
  inverted.h = "42000.00000000";  // high below open and close
  K negative;
  negative.v = "-1.00000000";
  K zero;
  zero.l = "0.00000000";
  K five;
  five.interval = "5m";
  const std::vector<Case> cases = {
      {"", MessageError::malformed_json},
      {"not json", MessageError::malformed_json},
      {"{\"stream\":", MessageError::malformed_json},
      {"[1,2,3]", MessageError::unexpected_shape},
      {"42", MessageError::unexpected_shape},
      {R"({"code":"-1121","msg":"Invalid symbol."})", MessageError::unexpected_shape},
      {R"({"code":-1121})", MessageError::unexpected_shape},
      {R"({"result":null,"id":"1"})", MessageError::unexpected_shape},
      {R"({"stream":"btcusdt@kline_1m"})", MessageError::unexpected_shape},
      {R"({"stream":"btcusdt@kline_1m","data":[]})", MessageError::unexpected_shape},
      {R"({"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT"}})", MessageError::unknown_message},
      {with(good, "\"o\":\"42283.58000000\"", "\"o\":42283.58"), MessageError::unexpected_shape},
      {with(good, "\"o\":\"42283.58000000\"", "\"o\":\"abc\""), MessageError::bad_value},
      {with(good, "\"c\":\"42298.61000000\"", "\"c\":\"42298.610000001\""), MessageError::bad_value},
      {with(good, "\"x\":false", "\"x\":\"false\""), MessageError::unexpected_shape},
      {with(good, "\"n\":1061", "\"n\":\"1061\""), MessageError::unexpected_shape},
      {with(good, "\"n\":1061", "\"n\":-1"), MessageError::bad_value},
      {with(good, "\"E\":" + std::to_string(kT0 + 1500), "\"E\":-5"), MessageError::bad_value},
      {with(good, "\"E\":" + std::to_string(kT0 + 1500), "\"E\":1e300"), MessageError::unexpected_shape},
      {with(good, "\"t\":" + std::to_string(kT0), "\"t\":99999999999999999999"), MessageError::unexpected_shape},
      {with(good, "\"k\":{", "\"kk\":{"), MessageError::unexpected_shape},
      {with(good, "\"stream\":\"btcusdt@kline_1m\"", "\"stream\":\"ethusdt@kline_1m\""),
       MessageError::unexpected_shape},
      {frame(unknown), MessageError::unknown_symbol},
      {frame(inverted), MessageError::bad_value},
      {frame(negative), MessageError::bad_value},
      {frame(zero), MessageError::bad_value},
      {frame(five), MessageError::unexpected_shape},  // a 5m kline on the 1m stream
  };
  std::uint64_t counted = s.errors().total();
  for (const auto& c : cases) {
    e = s.on_text(c.text);
    EXPECT_EQ(e.message.error, c.want) << c.text;
    EXPECT_EQ(e.message.kind, StreamKind::invalid) << c.text;
    EXPECT_FALSE(e.tick) << c.text;
    EXPECT_EQ(s.errors().total(), ++counted) << c.text;
  }
  EXPECT_EQ(s.errors()[MessageError::unknown_symbol], 1u);
  EXPECT_EQ(s.errors()[MessageError::venue_error], 2u);
}

TEST(BinanceStream, EveryTruncationOfAValidFrameIsAnErrorNotACrash) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  const auto full = frame(at(0, "1.25", true));
  ASSERT_EQ(parse_stream_message(full, map).kind, StreamKind::kline);
  KlineStream s(map, Timeframe::m1);
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    const auto e = s.on_text(std::string_view(full).substr(0, cut));
    EXPECT_EQ(e.message.kind, StreamKind::invalid) << "cut at " << cut;
    EXPECT_EQ(e.message.error, MessageError::malformed_json) << "cut at " << cut;
    EXPECT_FALSE(e.tick);
  }
  EXPECT_EQ(s.errors()[MessageError::malformed_json], full.size());
  EXPECT_TRUE(s.on_text(full).closed_bar);  // nothing cut short left a trace in the sequencer
}

TEST(BinanceStream, RandomlyCorruptedFramesNeverCrash) {
  const auto table = instruments();
  const auto map = symbol_map(table);
  KlineStream s(map, Timeframe::m1);
  std::mt19937 rng(20261121);
  const auto base = frame(K{});
  std::uint64_t accepted_or_errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int j = 0; j < edits; ++j) text[rng() % text.size()] = static_cast<char>(rng() % 256);
    const auto e = s.on_text(text);
    if (e.message.kind == StreamKind::kline) {
      // Whatever survives corruption is still a consistent bar.
      EXPECT_LE(e.message.kline.low, e.message.kline.open);
      EXPECT_LE(e.message.kline.close, e.message.kline.high);
    }
    ++accepted_or_errors;
  }
  EXPECT_EQ(accepted_or_errors, 3000u);
  EXPECT_GT(s.errors().total(), 0u);
}

TEST(BinanceKlines, RequestPath) {
  EXPECT_EQ(klines_path("btcusdt", Timeframe::m1, core::from_epoch_ms(kT0), core::from_epoch_ms(kT0 + 10 * kMin)),
            "/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=1704067200000&endTime=1704067799999&limit=1000");
  EXPECT_EQ(klines_path("ETHUSDT", Timeframe::h1, core::from_epoch_ms(kT0), core::from_epoch_ms(kT0 + 3'600'000), 5000),
            "/api/v3/klines?symbol=ETHUSDT&interval=1h&startTime=1704067200000&endTime=1704070799999&limit=1000");
  EXPECT_NE(klines_path("btcusdt", Timeframe::m1, {}, core::from_epoch_ms(kMin), 0).find("&limit=1"),
            std::string::npos);
}

// Rows as in Binance's "Kline/Candlestick data" documentation.
std::string row(std::int64_t minute, const char* o, const char* h, const char* l, const char* c, const char* v) {
  const auto t = kT0 + minute * kMin;
  return "[" + std::to_string(t) + ",\"" + o + "\",\"" + h + "\",\"" + l + "\",\"" + c + "\",\"" + v + "\"," +
         std::to_string(t + kMin - 1) + ",\"2434.19055334\",308,\"1756.87402397\",\"28.46694368\",\"0\"]";
}

TEST(BinanceKlines, ParsesRowsAndLeavesOutTheFormingBar) {
  const std::string body = "[" + row(0, "42283.58", "42298.62", "42261.02", "42298.61", "35.92724") + "," +
                           row(1, "42298.62", "42320.00", "42298.61", "42316.00", "14.26") + "," +
                           row(2, "42316.00", "42330.00", "42300.00", "42310.00", "10.00") + "]";
  const auto now = core::from_epoch_ms(kT0 + 2 * kMin + 30'000);  // minute 2 is still forming
  const auto page = parse_klines(body, 7, Timeframe::m1, now);
  ASSERT_EQ(page.error, MessageError::none);
  EXPECT_EQ(page.rows, 3u);
  ASSERT_EQ(page.bars.size(), 2u);
  EXPECT_EQ(page.bars[0].symbol, 7u);
  EXPECT_EQ(core::epoch_ms(page.bars[0].open_time), kT0);
  EXPECT_EQ(page.bars[0].open, *Price::parse("42283.58"));
  EXPECT_EQ(page.bars[0].low, *Price::parse("42261.02"));
  EXPECT_EQ(page.bars[0].volume, qty("35.92724"));
  EXPECT_EQ(page.bars[0].ticks, 308u);
  EXPECT_EQ(page.bars[1].close, *Price::parse("42316"));
  EXPECT_FALSE(page.next_start);  // fewer rows than the limit: the range is done

  const auto full = parse_klines(body, 7, Timeframe::m1, core::from_epoch_ms(kT0 + 10 * kMin), 3);
  EXPECT_EQ(full.bars.size(), 3u);
  ASSERT_TRUE(full.next_start);  // a full page: ask again from the bar after the last
  EXPECT_EQ(core::epoch_ms(*full.next_start), kT0 + 3 * kMin);

  const auto empty = parse_klines("[]", 7, Timeframe::m1, now);
  EXPECT_EQ(empty.error, MessageError::none);
  EXPECT_TRUE(empty.bars.empty());
}

TEST(BinanceKlines, ErrorShapesAndBadRowsFailThePage) {
  const auto now = core::from_epoch_ms(kT0 + 60 * kMin);
  auto p = parse_klines(R"({"code":-1121,"msg":"Invalid symbol."})", 0, Timeframe::m1, now);
  EXPECT_EQ(p.error, MessageError::venue_error);
  EXPECT_EQ(p.venue.code, -1121);
  EXPECT_EQ(p.venue.message, "Invalid symbol.");
  p = parse_klines(R"({"code":-1003,"msg":"Too many requests; current limit is 6000 request weight per 1 MINUTE."})", 0,
                   Timeframe::m1, now);
  EXPECT_EQ(p.venue.code, -1003);

  const auto good = row(0, "1", "2", "0.5", "1.5", "3");
  struct Case {
    std::string body;
    MessageError want;
  };
  const std::vector<Case> cases = {
      {"", MessageError::malformed_json},
      {"[" + good, MessageError::malformed_json},
      {"{}", MessageError::unexpected_shape},
      {"[1]", MessageError::unexpected_shape},
      {"[[1,\"1\",\"2\"]]", MessageError::unexpected_shape},
      {"[" + row(0, "1", "2", "0.5", "x", "3") + "]", MessageError::bad_value},
      {"[" + row(0, "1", "0.9", "0.5", "1.5", "3") + "]", MessageError::bad_value},  // high < close
      {"[" + row(0, "1", "2", "0.5", "1.5", "-3") + "]", MessageError::bad_value},
      {"[" + good + "," + good + "]", MessageError::bad_value},  // not ascending
      {"[" + row(1, "1", "2", "0.5", "1.5", "3") + "," + good + "]", MessageError::bad_value},
  };
  for (const auto& c : cases) {
    p = parse_klines(c.body, 0, Timeframe::m1, now);
    EXPECT_EQ(p.error, c.want) << c.body;
    EXPECT_TRUE(p.bars.empty()) << c.body;
  }
}

TEST(BinanceKlines, EveryTruncationIsAnError) {
  const std::string body =
      "[" + row(0, "1", "2", "0.5", "1.5", "3") + "," + row(1, "1.5", "2", "1", "1.75", "0.25") + "]";
  const auto now = core::from_epoch_ms(kT0 + 60 * kMin);
  ASSERT_EQ(parse_klines(body, 0, Timeframe::m1, now).bars.size(), 2u);
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    const auto p = parse_klines(std::string_view(body).substr(0, cut), 0, Timeframe::m1, now);
    EXPECT_NE(p.error, MessageError::none) << "cut at " << cut;
    EXPECT_TRUE(p.bars.empty()) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace meridian::market::binance
