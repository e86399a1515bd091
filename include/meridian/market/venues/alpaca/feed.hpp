#pragma once
// Alpaca market data v2 (--feed alpaca): a WebSocket stream of trades, quotes and minute bars
// for the configured US equities, with minute bars backfilled over REST. The stream logic
// (auth, subscribe, dedup, ordering, error codes) is alpaca::Stream; this class is its
// transport. Trades and quotes become ticks. After each authentication (start, reconnect) the
// minutes missed since the last tick of each symbol (on start: `backfill`) come from
// GET {rest_url}/v2/stocks/{symbol}/bars, page by page, and are delivered as the four ticks per
// bar of the CSV replay (bar_ticks); the symbol's live ticks wait meanwhile, so ticks never go
// back in time. The stream's own bars are not delivered: the trades already build them.
// Refusals the venue says are permanent (402 auth failed, 409 plan) stop the feed with an
// error; the others (406 connection limit, ...) reconnect after a jittered backoff. Malformed
// messages and failed requests are counted in health().errors and logged once per burst. The
// key and secret are sent to Alpaca only, never logged. Everything runs on the executor given
// (its own strand; the app puts it behind OffStrandFeed) without blocking it.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "meridian/core/instrument.hpp"
#include "meridian/market/feed.hpp"
#include "meridian/transport/backoff.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/rate_limit.hpp"
#include "meridian/transport/tls.hpp"

namespace meridian::market::venue {

struct AlpacaConfig {
  std::string ws_url = "wss://stream.data.alpaca.markets/v2/iex";  // {ws_base}/v2/{feed}
  std::string rest_url = "https://data.alpaca.markets";
  std::string key_id;
  std::string secret_key;
  // The USD equities of the table are the symbols served (alpaca::symbol_map).
  std::shared_ptr<const core::InstrumentTable> instruments;
  // Minutes of bars fetched on start; after a reconnect only those since the last tick (at most
  // this many). 0: no backfill.
  std::chrono::minutes backfill{60};
  transport::TlsOptions tls;
  transport::HttpTimeouts timeouts;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds idle_timeout{30'000};
  transport::BackoffConfig backoff;
  transport::RateLimitPolicy rate_limit;
};

class AlpacaFeed final : public Feed {
 public:
  // Throws std::invalid_argument for a bad URL, an unloadable CA file, missing keys or no
  // instrument Alpaca lists.
  AlpacaFeed(boost::asio::any_io_executor strand, AlpacaConfig config);
  ~AlpacaFeed() override;

  void start(TickSink& sink) override;
  // On the strand (where OffStrandFeed calls it) no tick reaches the sink after it returns; from
  // another thread it takes effect on the strand shortly after.
  void stop() override;
  void subscribe(std::span<const core::SymbolId> symbols) override;
  void unsubscribe(std::span<const core::SymbolId> symbols) override;
  std::string_view name() const noexcept override { return "alpaca"; }
  // connected: the stream is open and authenticated. bad_rows: trades and quotes dropped as out
  // of order.
  FeedHealth health() const noexcept override;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace meridian::market::venue
