#pragma once
// Coinbase Exchange market data by REST polling (--feed coinbase): every `poll` each subscribed
// product's ticker becomes a tick (a new trade_id only; an unchanged ticker delivers nothing, a
// time going backwards is dropped and counted in bad_rows). One-minute candles are fetched on
// start and after a gap (a failed request, a resubscription) and delivered as the four ticks
// per bar of the CSV replay (bar_ticks), so the engine's 1-minute aggregation rebuilds each
// candle exactly. Failures are counted in health().errors and logged once per burst; 429/418
// wait for Retry-After, 5xx and network errors back off with jitter. Everything runs on the
// executor given (its own strand; the app puts it behind OffStrandFeed) without blocking it.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "meridian/market/feed.hpp"
#include "meridian/transport/backoff.hpp"
#include "meridian/transport/https_client.hpp"
#include "meridian/transport/rate_limit.hpp"

namespace meridian::market::venue {

struct CoinbaseProduct {
  core::SymbolId symbol = 0;
  std::string product;  // "BTC-USD"
};

struct CoinbaseConfig {
  std::string base_url = "https://api.exchange.coinbase.com";
  std::chrono::milliseconds poll{5'000};
  // Candles fetched on start, and the most fetched to fill a gap. Coinbase answers at most 300.
  std::chrono::minutes backfill{60};
  transport::TlsOptions tls;
  transport::HttpTimeouts timeouts;
  transport::BackoffConfig backoff;
  transport::RateLimitPolicy rate_limit;
  std::vector<CoinbaseProduct> products;
};

class CoinbaseFeed final : public Feed {
 public:
  // Throws std::invalid_argument for a bad base URL or an unloadable CA file.
  CoinbaseFeed(boost::asio::any_io_executor strand, CoinbaseConfig config);
  ~CoinbaseFeed() override;

  void start(TickSink& sink) override;
  // On the strand (where OffStrandFeed calls it) no tick reaches the sink after it returns; from
  // another thread it takes effect on the strand shortly after.
  void stop() override;
  void subscribe(std::span<const core::SymbolId> symbols) override;
  void unsubscribe(std::span<const core::SymbolId> symbols) override;
  std::string_view name() const noexcept override { return "coinbase"; }
  // connected: the last request reached Coinbase and was not answered with a server error.
  FeedHealth health() const noexcept override;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace meridian::market::venue
