#include "meridian/app/gateway_choice.hpp"

#include <stdexcept>

#include "meridian/app/trading_config.hpp"
#include "meridian/execution/alpaca/alpaca_executor.hpp"
#include "meridian/execution/paper_executor.hpp"
#include "meridian/transport/url.hpp"

namespace meridian::app {

namespace {

// Returns the URL's host; throws for a URL that is not https/wss.
std::string check_url(const std::string& url, const char* option) {
  std::string error;
  auto parsed = transport::parse_secure_url(url, error);
  if (!parsed) throw std::invalid_argument(std::string(option) + ": " + error);
  return parsed->host;
}

// Hosts where no real money moves: Alpaca's paper endpoints, and loopback (a test broker, or a
// local proxy whose own configuration decides).
bool paper_host(const std::string& host) {
  return host == "paper-api.alpaca.markets" || host == "127.0.0.1" || host == "localhost" || host == "::1";
}

}  // namespace

engine::EngineRunner::ExecutorFactory choose_executor(const Config& config, const core::InstrumentTable& instruments,
                                                      std::shared_ptr<execution::GatewayBoard> board) {
  auto paper = paper_config(config);
  if (config.mode == "live" && config.gateway == "paper")
    throw std::invalid_argument("--mode live needs a gateway (--gateway alpaca): the paper executor trades no money");
  if (config.gateway == "paper")
    return [paper, &instruments](boost::asio::any_io_executor) -> std::unique_ptr<execution::Executor> {
      return std::make_unique<execution::PaperExecutor>(paper, instruments);
    };
  if (config.gateway != "alpaca")
    throw std::invalid_argument("unknown --gateway " + config.gateway + " (paper, alpaca)");
  if (config.alpaca_trading_key_id.empty() || config.alpaca_trading_secret_key.empty())
    throw std::invalid_argument(
        "--gateway alpaca needs the API keys: APCA_API_KEY_ID and APCA_API_SECRET_KEY in the environment, or "
        "alpaca-trading-key-id and alpaca-trading-secret-key in the config file");
  const auto rest_host = check_url(config.alpaca_trading_url, "--alpaca-url");
  const auto stream_host = check_url(config.alpaca_stream_url, "--alpaca-stream-url");
  if (config.mode != "live" && (!paper_host(rest_host) || !paper_host(stream_host)))
    throw std::invalid_argument("--alpaca-url " + config.alpaca_trading_url + " / --alpaca-stream-url " +
                                config.alpaca_stream_url +
                                " may trade real money: say --mode live to mean it (paper trading: "
                                "https://paper-api.alpaca.markets)");
  execution::AlpacaConfig alpaca;
  alpaca.rest_url = config.alpaca_trading_url;
  // Paths are ours to add: a base URL given with a trailing slash still works.
  while (!alpaca.rest_url.empty() && alpaca.rest_url.back() == '/') alpaca.rest_url.pop_back();
  alpaca.stream_url = config.alpaca_stream_url;
  alpaca.tls.ca_file = config.venue_ca_file;
  alpaca.reconcile_interval = std::chrono::seconds(config.reconcile_interval_s);
  alpaca.portfolio = static_cast<std::int64_t>(engine::kDefaultPortfolioId);
  alpaca.board = std::move(board);
  auto key_id = std::make_shared<const std::string>(config.alpaca_trading_key_id);
  auto secret = std::make_shared<const std::string>(config.alpaca_trading_secret_key);
  auto bound = std::make_shared<bool>(false);
  return [paper, alpaca, key_id, secret, bound,
          &instruments](boost::asio::any_io_executor strand) -> std::unique_ptr<execution::Executor> {
    if (*bound) return std::make_unique<execution::PaperExecutor>(paper, instruments);
    *bound = true;
    return std::make_unique<execution::AlpacaExecutor>(
        std::move(strand), alpaca, auth::BrokerCredentials{auth::SecretText(*key_id), auth::SecretText(*secret)},
        instruments);
  };
}

}  // namespace meridian::app
