#pragma once
// Binance spot market data (--feed binance): the combined kline stream
// `{ws_base}/stream?streams=btcusdt@kline_1m/...` over WSS for the subscribed crypto symbols.
// Each accepted kline update becomes a tick (close as last/bid/ask, the volume traded since the
// previous update); repeated updates deliver nothing, older ones are dropped and counted in
// bad_rows. One-minute bars missed (on start, across a reconnect, after a resubscription) are
// fetched from `{rest_base}/api/v3/klines` (paged) and delivered as the four ticks per bar of
// the CSV replay (bar_ticks) before the symbol's live ticks, which wait meanwhile. Malformed
// frames, venue errors, lost connections and failed requests are counted in health().errors and
// logged once per burst; 429/418 wait for Retry-After, 5xx and network errors back off with
// jitter. Everything runs on the executor given (its own strand; the app puts it behind
// OffStrandFeed) without blocking it.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "meridian/core/instrument.hpp"
#include "meridian/market/feed.hpp"
#include "meridian/transport/backoff.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/rate_limit.hpp"

namespace meridian::market::venue {

struct BinanceConfig {
  std::string ws_base = "wss://stream.binance.com:9443";
  std::string rest_base = "https://api.binance.com";
  // The instruments; those binance::symbol_map() names are streamed. Shared because the feed
  // keeps names pointing into it.
  std::shared_ptr<const core::InstrumentTable> instruments;
  // One-minute bars fetched on start (0: none); gaps are fetched whatever their length.
  std::chrono::minutes backfill{60};
  transport::TlsOptions tls;
  transport::HttpTimeouts timeouts;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds idle_timeout{30'000};  // a stream silent this long is reconnected
  transport::BackoffConfig backoff;
  // Binance allows 6000 request weight per minute; a klines page of 1000 weighs 2.
  transport::RateLimitPolicy rate_limit{5'000, std::chrono::seconds(5), "X-MBX-USED-WEIGHT-1M"};
};

class BinanceFeed final : public Feed {
 public:
  // Throws std::invalid_argument for bad URLs, an unloadable CA file or no Binance symbol.
  BinanceFeed(boost::asio::any_io_executor strand, BinanceConfig config);
  ~BinanceFeed() override;

  void start(TickSink& sink) override;
  // On the strand (where OffStrandFeed calls it) no tick reaches the sink after it returns; from
  // another thread it takes effect on the strand shortly after.
  void stop() override;
  // A change of the streamed symbols reconnects with the new stream list.
  void subscribe(std::span<const core::SymbolId> symbols) override;
  void unsubscribe(std::span<const core::SymbolId> symbols) override;
  std::string_view name() const noexcept override { return "binance"; }
  // connected: the kline stream is open.
  FeedHealth health() const noexcept override;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace meridian::market::venue
