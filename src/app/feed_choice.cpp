#include "meridian/app/feed_choice.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <stdexcept>

#include "meridian/market/off_strand_feed.hpp"
#include "meridian/market/replay_feed.hpp"
#include "meridian/market/venues/alpaca/feed.hpp"
#include "meridian/market/venues/binance/feed.hpp"
#include "meridian/market/venues/coinbase/feed.hpp"
#include "meridian/transport/strand_beside.hpp"
#include "meridian/transport/url.hpp"

namespace meridian::app {

namespace {

// A venue feed runs off the engine strand: on a strand of its own over the engine's io_context
// (any of the I/O threads), where it waits on TLS and parses and validates every JSON message;
// OffStrandFeed hands the ready ticks to the engine strand in batches. So the engine strand
// never waits on a venue, and a burst of messages costs it one handler, not one per message.
// (With --threads 1 both strands share the one thread; the engine still takes ticks in batches.)
// The simulated and CSV feeds stay on the engine strand: deterministic, cheap, no I/O to wait on.
template <class VenueFeed, class VenueConfig>
std::unique_ptr<market::Feed> off_strand(boost::asio::any_io_executor engine_strand, const VenueConfig& c) {
  auto feed_strand = transport::strand_beside(engine_strand);
  auto venue = std::make_unique<VenueFeed>(feed_strand, c);
  return std::make_unique<market::OffStrandFeed>(std::move(engine_strand), std::move(feed_strand), std::move(venue));
}

// Coinbase products are the configured crypto symbols in its BASE-QUOTE form ("BTC-USD").
engine::EngineRunner::FeedFactory coinbase_feed(const Config& config, const core::InstrumentTable& instruments) {
  if (!config.replay_files.empty()) throw std::invalid_argument("--replay-file needs --feed csv");
  market::venue::CoinbaseConfig c;
  c.base_url = config.coinbase_url;
  c.poll = std::chrono::milliseconds(config.coinbase_poll_ms);
  c.backfill = std::chrono::minutes(config.coinbase_backfill_minutes);
  c.tls.ca_file = config.venue_ca_file;
  for (const auto& i : instruments.all())
    if (i.asset_class == core::AssetClass::crypto && i.symbol.find('-') != std::string::npos)
      c.products.push_back({i.id, i.symbol});
  if (c.products.empty())
    throw std::invalid_argument("--feed coinbase: no configured crypto symbol in Coinbase form (BTC-USD)");
  std::string error;
  if (!transport::parse_secure_url(c.base_url, error)) throw std::invalid_argument("--coinbase-url: " + error);
  (void)transport::make_client_tls(c.tls);  // an unusable --venue-ca-file stops start-up here
  return [c](boost::asio::any_io_executor strand) -> std::unique_ptr<market::Feed> {
    return off_strand<market::venue::CoinbaseFeed>(std::move(strand), c);
  };
}

// Binance streams the configured crypto symbols under binance::venue_symbol()'s rule
// ("BTC-USDT" is btcusdt); the feed checks the URLs, the CA file and that one symbol is left.
engine::EngineRunner::FeedFactory binance_feed(const Config& config, const core::InstrumentTable& instruments) {
  if (!config.replay_files.empty()) throw std::invalid_argument("--replay-file needs --feed csv");
  market::venue::BinanceConfig c;
  c.ws_base = config.binance_ws_url;
  c.rest_base = config.binance_rest_url;
  c.tls.ca_file = config.venue_ca_file;
  c.instruments = std::make_shared<const core::InstrumentTable>(instruments);
  // Built once here so a bad setting stops start-up instead of the engine's first start.
  boost::asio::io_context unused;
  const market::venue::BinanceFeed probe(unused.get_executor(), c);
  return [c](boost::asio::any_io_executor strand) -> std::unique_ptr<market::Feed> {
    return off_strand<market::venue::BinanceFeed>(std::move(strand), c);
  };
}

// Alpaca streams the configured US equities (USD) under their tickers. The keys come from
// --alpaca-key-id and MERIDIAN_ALPACA_SECRET_KEY, --alpaca-secret-file or the config file (a
// --alpaca-secret-key flag is accepted but wiped from argv, see secrets.hpp); without them,
// or with a bad URL or CA file, the feed's constructor throws and start-up stops here.
engine::EngineRunner::FeedFactory alpaca_feed(const Config& config, const core::InstrumentTable& instruments) {
  if (!config.replay_files.empty()) throw std::invalid_argument("--replay-file needs --feed csv");
  market::venue::AlpacaConfig c;
  c.ws_url = config.alpaca_ws_url;
  c.rest_url = config.alpaca_rest_url;
  c.key_id = config.alpaca_key_id;
  c.secret_key = config.alpaca_secret_key;
  c.tls.ca_file = config.venue_ca_file;
  c.instruments = std::make_shared<const core::InstrumentTable>(instruments);
  boost::asio::io_context unused;
  const market::venue::AlpacaFeed probe(unused.get_executor(), c);
  return [c](boost::asio::any_io_executor strand) -> std::unique_ptr<market::Feed> {
    return off_strand<market::venue::AlpacaFeed>(std::move(strand), c);
  };
}

}  // namespace

engine::EngineRunner::FeedFactory choose_feed(const Config& config, const core::InstrumentTable& instruments) {
  if (config.feed == "simulated") {
    if (!config.replay_files.empty()) throw std::invalid_argument("--replay-file needs --feed csv");
    return {};
  }
  if (config.feed == "coinbase") return coinbase_feed(config, instruments);
  if (config.feed == "binance") return binance_feed(config, instruments);
  if (config.feed == "alpaca") return alpaca_feed(config, instruments);
  if (config.feed != "csv")
    throw std::invalid_argument("unknown --feed " + config.feed + " (simulated, csv, coinbase, binance, alpaca)");
  if (config.replay_files.empty())
    throw std::invalid_argument("--feed csv needs at least one --replay-file SYMBOL=PATH");
  const auto format = market::parse_csv_format(config.replay_format);
  if (!format) throw std::invalid_argument("unknown --replay-format " + config.replay_format);

  std::vector<market::ReplayFile> files;
  for (const auto& spec : config.replay_files) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw std::invalid_argument("--replay-file " + spec + ": expected SYMBOL=PATH");
    const auto symbol = spec.substr(0, eq);
    const auto id = instruments.find(symbol);
    if (!id) throw std::invalid_argument("--replay-file " + spec + ": " + symbol + " is not a configured symbol");
    for (const auto& f : files)
      // Two files of one symbol would interleave into ticks out of time order.
      if (f.symbol == *id) throw std::invalid_argument("--replay-file: " + symbol + " is given twice");
    files.push_back({*id, spec.substr(eq + 1)});
  }
  // Shared so the factory stays copyable (std::function); the runner calls it once.
  auto data = std::make_shared<market::ReplayData>(market::load_replay(files, *format));
  const double speed = config.replay_speed;
  return [data, speed](boost::asio::any_io_executor strand) -> std::unique_ptr<market::Feed> {
    return std::make_unique<market::ReplayFeed>(std::move(strand), std::move(*data), speed);
  };
}

}  // namespace meridian::app
