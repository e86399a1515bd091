// Fuzz target: the venue message parsers (market/, market/venue/): what Coinbase, Binance and
// Alpaca send over REST and WebSocket, i.e. text a remote party controls.
//
// Input: byte 0 picks the parser (see `Parser`), the rest is the venue's text. For the two
// stream state machines (Binance kline stream, Alpaca stream) the rest is split on '\n' into
// successive frames, so sequences (auth, subscription, bars out of order, gaps) are reached.
// Checked: the parsers never throw (an escaping exception aborts the fuzzer), and every bar or
// tick they hand on is usable: positive prices, low <= open, close <= high, volume >= 0.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <variant>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/market/venues/alpaca/bars.hpp"
#include "meridian/market/venues/alpaca/messages.hpp"
#include "meridian/market/venues/alpaca/stream.hpp"
#include "meridian/market/venues/binance/klines.hpp"
#include "meridian/market/venues/binance/stream.hpp"
#include "meridian/market/venues/coinbase/messages.hpp"

namespace {

using namespace meridian;

enum class Parser : std::uint8_t {
  coinbase_ticker,
  coinbase_candles,
  coinbase_error,
  binance_message,
  binance_stream,
  binance_klines,
  alpaca_frame,
  alpaca_stream,
  alpaca_bars,
  count,
};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "venue_fuzz: %s\n", what);
  std::abort();
}

void check_bar(const core::Bar& bar) {
  if (bar.low.raw() <= 0) fail("a bar with a non-positive price");
  if (bar.high < bar.low || bar.open < bar.low || bar.open > bar.high || bar.close < bar.low || bar.close > bar.high)
    fail("a bar whose low/high do not bound open and close");
  if (bar.volume.raw() < 0) fail("a bar with a negative volume");
}

void check_bars(const std::vector<core::Bar>& bars, bool ascending) {
  for (std::size_t i = 0; i < bars.size(); ++i) {
    check_bar(bars[i]);
    if (ascending && i > 0 && bars[i].open_time <= bars[i - 1].open_time) fail("bars not strictly ascending");
  }
}

void check_tick(const core::Tick& tick) {
  if (tick.last.raw() <= 0 && tick.bid.raw() <= 0 && tick.ask.raw() <= 0) fail("a tick without any price");
  if (tick.last.raw() < 0 || tick.bid.raw() < 0 || tick.ask.raw() < 0) fail("a tick with a negative price");
  if (tick.volume.raw() < 0) fail("a tick with a negative volume");
}

template <class F>
void each_line(std::string_view text, F&& f) {
  std::size_t start = 0;
  for (int frames = 0; start <= text.size() && frames < 64; ++frames) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    f(text.substr(start, end - start));
    start = end + 1;
  }
}

struct Venues {
  core::InstrumentTable instruments{core::default_instruments()};
  market::binance::SymbolMap binance = market::binance::symbol_map(instruments);
  market::VenueSymbols alpaca = market::alpaca::symbol_map(instruments);
  core::SymbolId btc = *instruments.find("BTC-USD");
  core::SymbolId aapl = *instruments.find("AAPL");
};

const Venues& venues() {
  static const Venues v;
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto parser = static_cast<Parser>(data[0] % static_cast<std::uint8_t>(Parser::count));
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto& v = venues();
  // A fixed "now" (2023-01-01T00:00:00Z) keeps runs reproducible.
  const auto now = core::from_epoch_ms(1'672'531'200'000);

  switch (parser) {
    case Parser::coinbase_ticker: {
      auto r = market::venue::parse_coinbase_ticker(text);
      if (auto* t = std::get_if<market::venue::CoinbaseTicker>(&r))
        if (t->price.raw() <= 0 || t->size.raw() < 0 || t->bid.raw() < 0 || t->ask.raw() < 0)
          fail("a ticker with a non-positive price");
      break;
    }
    case Parser::coinbase_candles: {
      auto r = market::venue::parse_coinbase_candles(text, v.btc);
      if (auto* c = std::get_if<market::venue::CoinbaseCandles>(&r)) check_bars(c->bars, true);
      break;
    }
    case Parser::coinbase_error: (void)market::venue::coinbase_error_message(text); break;
    case Parser::binance_message: {
      auto m = market::binance::parse_stream_message(text, v.binance);
      if (m.kind == market::binance::StreamKind::kline) check_bar(m.kline.bar());
      break;
    }
    case Parser::binance_stream: {
      market::binance::KlineStream stream(v.binance, core::Timeframe::m1);
      each_line(text, [&](std::string_view frame) {
        auto event = stream.on_text(frame);
        if (event.tick) check_tick(*event.tick);
        if (event.closed_bar) check_bar(*event.closed_bar);
      });
      break;
    }
    case Parser::binance_klines: {
      auto page = market::binance::parse_klines(text, v.btc, core::Timeframe::m1, now);
      check_bars(page.bars, true);
      if (page.error != market::MessageError::none && !page.bars.empty()) fail("a failed page has bars");
      break;
    }
    case Parser::alpaca_frame: {
      auto frame = market::alpaca::parse_server_frame(text, v.alpaca);
      for (const auto& e : frame.events)
        if (e.kind == market::alpaca::EventKind::bar || e.kind == market::alpaca::EventKind::updated_bar)
          check_bar(e.bar);
      break;
    }
    case Parser::alpaca_stream: {
      market::alpaca::Stream stream(v.alpaca, "key", "secret");
      const core::SymbolId symbols[] = {v.aapl};
      stream.on_open();
      (void)stream.set_symbols(symbols);
      each_line(text, [&](std::string_view frame) {
        auto step = stream.on_text(frame);
        for (const auto& t : step.ticks) check_tick(t);
        check_bars(step.bars, false);
        check_bars(step.corrected_bars, false);
      });
      break;
    }
    case Parser::alpaca_bars: {
      auto page = market::alpaca::parse_bars_page(text, v.alpaca, v.aapl, core::Timeframe::m1);
      check_bars(page.bars, true);
      if (page.error != market::MessageError::none && !page.bars.empty()) fail("a failed page has bars");
      break;
    }
    case Parser::count: break;
  }
  return 0;
}
