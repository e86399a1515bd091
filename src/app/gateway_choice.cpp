#include "meridian/app/gateway_choice.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app_log.hpp"
#include "meridian/app/trading_config.hpp"
#include "meridian/execution/alpaca/alpaca_executor.hpp"
#include "meridian/execution/binance/binance_executor.hpp"
#include "meridian/transport/url.hpp"
#include "output_file.hpp"

namespace meridian::app {

namespace {

constexpr std::string_view kPaper = "paper";
constexpr std::string_view kAlpaca = "alpaca";
constexpr std::string_view kBinance = "binance";
constexpr const char* kBinanceTestnetRest = "https://testnet.binance.vision";
constexpr const char* kBinanceTestnetStream = "wss://testnet.binance.vision";

// Returns the URL's host; throws for a URL that is not https/wss.
std::string check_url(const std::string& url, const char* option) {
  std::string error;
  auto parsed = transport::parse_secure_url(url, error);
  if (!parsed) throw std::invalid_argument(std::string(option) + ": " + error);
  return parsed->host;
}

// Hosts where no real money moves: Alpaca's paper endpoints, Binance's spot testnet, and loopback
// (a test broker, or a local proxy whose own configuration decides).
bool paper_host(const std::string& host) {
  return host == "paper-api.alpaca.markets" || host == "testnet.binance.vision" || host == "127.0.0.1" ||
         host == "localhost" || host == "::1";
}

// Both URLs https/wss whatever the mode; and real money is said twice: URLs that may reach it
// need --mode live. Throws naming the fix.
void check_money(const Config& config, const std::string& rest, const char* rest_option, const std::string& stream,
                 const char* stream_option, const char* paper_hint) {
  const bool rest_paper = paper_host(check_url(rest, rest_option));
  const bool stream_paper = paper_host(check_url(stream, stream_option));
  if ((rest_paper && stream_paper) || config.mode == "live") return;
  throw std::invalid_argument(std::string(rest_option) + " " + rest + " / " + stream_option + " " + stream +
                              " may trade real money: say --mode live to mean it (" + paper_hint + ")");
}

// The settings every venue shares, from the configuration.
void common_settings(execution::GatewayConfig& g, const Config& config,
                     std::shared_ptr<execution::GatewayBoard> board) {
  // Paths are ours to add: a base URL given with a trailing slash still works.
  while (!g.rest_url.empty() && g.rest_url.back() == '/') g.rest_url.pop_back();
  g.tls.ca_file = config.venue_ca_file;
  g.reconcile_interval = std::chrono::seconds(config.reconcile_interval_s);
  g.board = std::move(board);
}

// The Alpaca gateway's settings; throws std::invalid_argument naming the fix.
execution::AlpacaConfig alpaca_settings(const Config& config, std::shared_ptr<execution::GatewayBoard> board) {
  if (config.alpaca_trading_key_id.empty() || config.alpaca_trading_secret_key.empty())
    throw std::invalid_argument(
        "the alpaca gateway needs the API keys: APCA_API_KEY_ID and APCA_API_SECRET_KEY in the environment, or "
        "alpaca-trading-key-id and alpaca-trading-secret-key in the config file");
  check_money(config, config.alpaca_trading_url, "--alpaca-url", config.alpaca_stream_url, "--alpaca-stream-url",
              "paper trading: https://paper-api.alpaca.markets");
  execution::AlpacaConfig alpaca;
  alpaca.rest_url = config.alpaca_trading_url;
  alpaca.stream_url = config.alpaca_stream_url;
  common_settings(alpaca, config, std::move(board));
  // One limiter for the account: every portfolio's gateway is made from a copy of this config.
  alpaca.order_rate = std::make_shared<execution::VenueOrderRate>(
      static_cast<std::uint32_t>(config.alpaca_orders_per_minute), std::chrono::minutes(1));
  return alpaca;
}

// The Binance gateway's settings; throws std::invalid_argument naming the fix.
execution::BinanceConfig binance_settings(const Config& config, std::shared_ptr<execution::GatewayBoard> board) {
  if (config.binance_api_key.empty() || config.binance_secret_key.empty())
    throw std::invalid_argument(
        "the binance gateway needs the API keys: BINANCE_API_KEY and BINANCE_SECRET_KEY in the environment, or "
        "binance-api-key and binance-secret-key in the config file");
  execution::BinanceConfig binance;
  if (config.binance_testnet) {
    binance.rest_url = kBinanceTestnetRest;
    binance.stream_url = kBinanceTestnetStream;
  }
  if (!config.binance_trading_url.empty()) binance.rest_url = config.binance_trading_url;
  if (!config.binance_trading_stream_url.empty()) binance.stream_url = config.binance_trading_stream_url;
  check_money(config, binance.rest_url, "--binance-trading-url", binance.stream_url, "--binance-trading-stream-url",
              "the spot testnet: --binance-testnet");
  common_settings(binance, config, std::move(board));
  binance.order_rate = std::make_shared<execution::VenueOrderRate>(
      static_cast<std::uint32_t>(config.binance_orders_per_10s), std::chrono::seconds(10));
  return binance;
}

// A venue's entry: its gateway built from `settings` with the keys, or the problem `settings`
// threw (an error only once something asks for the venue).
template <class Executor, class Settings>
void add_venue(
    Settings&& settings, const std::string& key, const std::string& secret, const core::InstrumentTable& instruments,
    std::string& problem,
    std::function<std::unique_ptr<execution::Executor>(engine::PortfolioId, boost::asio::any_io_executor)>& make) {
  try {
    auto config = settings();
    auto key_copy = std::make_shared<const std::string>(key);
    auto secret_copy = std::make_shared<const std::string>(secret);
    make = [config = std::move(config), key_copy, secret_copy, &instruments](
               engine::PortfolioId portfolio,
               boost::asio::any_io_executor strand) -> std::unique_ptr<execution::Executor> {
      auto venue = config;
      venue.portfolio = static_cast<std::int64_t>(portfolio);
      return std::make_unique<Executor>(
          std::move(strand), std::move(venue),
          auth::BrokerCredentials{auth::SecretText(*key_copy), auth::SecretText(*secret_copy)}, instruments);
    };
  } catch (const std::invalid_argument& e) {
    problem = e.what();
  }
}

// The bindings the API made, as the file keeps them: {"bindings": [{"portfolio_id", "gateway"}]}.
std::map<engine::PortfolioId, std::string> read_bindings(const std::filesystem::path& file) {
  std::map<engine::PortfolioId, std::string> out;
  std::error_code ec;
  if (file.empty() || !std::filesystem::exists(file, ec)) return out;
  std::ifstream in(file);
  const auto doc = nlohmann::json::parse(in, nullptr, false);
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument(file.string() + ": " + why +
                                 " (the gateway bindings POST /api/gateway/connect made; fix or remove the file)");
  };
  if (!doc.is_object() || !doc.contains("bindings") || !doc["bindings"].is_array()) throw bad("not a bindings file");
  for (const auto& b : doc["bindings"]) {
    if (!b.is_object() || !b.value("portfolio_id", nlohmann::json()).is_number_integer() ||
        !b.value("gateway", nlohmann::json()).is_string())
      throw bad("a binding without an integer portfolio_id and a gateway");
    out[b["portfolio_id"].get<engine::PortfolioId>()] = b["gateway"].get<std::string>();
  }
  return out;
}

}  // namespace

GatewayBindings::GatewayBindings(const Config& config, const core::InstrumentTable& instruments,
                                 std::shared_ptr<execution::GatewayBoard> board, std::filesystem::path bindings_file)
    : instruments_(instruments), paper_(paper_config(config)), file_(std::move(bindings_file)) {
  if (config.mode == "live" && config.gateway == kPaper)
    throw std::invalid_argument(
        "--mode live needs a gateway (--gateway alpaca or binance): the paper executor trades no money");
  auto& alpaca = venues_[std::string(kAlpaca)];
  add_venue<execution::AlpacaExecutor>([&] { return alpaca_settings(config, board); }, config.alpaca_trading_key_id,
                                       config.alpaca_trading_secret_key, instruments_, alpaca.problem, alpaca.make);
  auto& binance = venues_[std::string(kBinance)];
  add_venue<execution::BinanceExecutor>([&] { return binance_settings(config, board); }, config.binance_api_key,
                                        config.binance_secret_key, instruments_, binance.problem, binance.make);
  if (config.gateway != kPaper) {
    const auto* flagged = venue(config.gateway);
    if (!flagged) throw std::invalid_argument("unknown --gateway " + config.gateway + " (paper, alpaca, binance)");
    // Only an error when something asks for the venue: the flag (now), a binding (below), the API (later).
    if (!flagged->problem.empty()) throw std::invalid_argument("--gateway " + config.gateway + ": " + flagged->problem);
    flag_gateway_ = config.gateway;
    flag_bound_ = static_cast<engine::PortfolioId>(config.gateway_portfolio);
  }
  for (auto& [portfolio, gateway] : read_bindings(file_)) {
    const auto* bound_venue = venue(gateway);
    if (gateway != kPaper && !bound_venue) throw std::invalid_argument(file_.string() + ": unknown gateway " + gateway);
    if (bound_venue && !bound_venue->problem.empty())
      throw std::invalid_argument("portfolio " + std::to_string(portfolio) + " is bound to " + gateway + " (" +
                                  file_.string() + ") but " + bound_venue->problem);
    api_bound_[portfolio] = std::move(gateway);
  }
}

const GatewayBindings::Venue* GatewayBindings::venue(std::string_view gateway) const {
  const auto it = venues_.find(gateway);
  return it == venues_.end() ? nullptr : &it->second;
}

GatewayBindings::~GatewayBindings() {
  *alive_ = false;
}

std::unique_ptr<execution::Executor> GatewayBindings::make(std::string_view gateway, engine::PortfolioId portfolio,
                                                           boost::asio::any_io_executor strand) const {
  const auto* live = venue(gateway);
  if (!live || !live->make) return std::make_unique<execution::PaperExecutor>(paper_, instruments_);
  return live->make(portfolio, std::move(strand));
}

engine::EngineRunner::ExecutorFactory GatewayBindings::factory() {
  return [this](engine::PortfolioId portfolio,
                boost::asio::any_io_executor strand) -> std::unique_ptr<execution::Executor> {
    auto executor = std::make_unique<execution::ExecutorSwitch>(make(bound(portfolio), portfolio, strand),
                                                                [this, alive = alive_, portfolio] {
                                                                  if (*alive) joined_.erase(portfolio);
                                                                });
    joined_[portfolio] = Joined{executor.get(), std::move(strand)};
    return executor;
  };
}

std::string_view GatewayBindings::bound(engine::PortfolioId portfolio) const {
  if (const auto it = api_bound_.find(portfolio); it != api_bound_.end()) return it->second;
  return portfolio == flag_bound_ && !flag_gateway_.empty() ? std::string_view(flag_gateway_) : kPaper;
}

engine::CommandResult GatewayBindings::connect(engine::PortfolioId portfolio, std::string_view gateway) {
  using engine::CommandError;
  const auto* live = venue(gateway);
  if (gateway != kPaper && !live)
    return CommandError{core::Errc::invalid_argument, "gateway must be alpaca, binance or paper", "invalid_field",
                        "gateway"};
  const auto it = joined_.find(portfolio);
  if (it == joined_.end()) return CommandError{core::Errc::not_found, "no such portfolio", "not_found"};
  if (live && !live->problem.empty()) return CommandError{core::Errc::conflict, live->problem, "not_configured"};
  if (bound(portfolio) == gateway) return std::nullopt;  // already there: nothing to do
  auto& executor = *it->second.executor;
  if (!executor.idle())
    return CommandError{core::Errc::conflict,
                        "the portfolio has open orders at " + std::string(executor.name()) +
                            ": cancel them (or POST /api/trading/kill) before it changes gateway",
                        "open_orders"};
  auto next = make(gateway, portfolio, it->second.strand);
  auto old = executor.replace(next);
  api_bound_[portfolio] = std::string(gateway);
  save();
  app_log()->warn("portfolio {} now trades through {} (was {})", portfolio, gateway, old ? old->name() : "?");
  return std::nullopt;  // `old` goes here: a gateway's destructor closes its connections
}

void GatewayBindings::save() const {
  if (file_.empty()) return;
  auto list = nlohmann::json::array();
  for (const auto& [portfolio, gateway] : api_bound_)
    list.push_back({{"portfolio_id", portfolio}, {"gateway", gateway}});
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  Output out(file_.string());
  out.write(nlohmann::json{{"bindings", std::move(list)}}.dump(2));
  if (!out.commit()) app_log()->error("could not write {}: the binding holds until a restart", file_.string());
}

}  // namespace meridian::app
