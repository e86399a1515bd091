#include "meridian/app/gateway_choice.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "app_log.hpp"
#include "meridian/app/trading_config.hpp"
#include "meridian/transport/url.hpp"
#include "output_file.hpp"

namespace meridian::app {

namespace {

constexpr std::string_view kPaper = "paper";
constexpr std::string_view kAlpaca = "alpaca";

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

// The Alpaca gateway's settings; throws std::invalid_argument naming the fix.
execution::AlpacaConfig alpaca_settings(const Config& config, std::shared_ptr<execution::GatewayBoard> board) {
  if (config.alpaca_trading_key_id.empty() || config.alpaca_trading_secret_key.empty())
    throw std::invalid_argument(
        "the alpaca gateway needs the API keys: APCA_API_KEY_ID and APCA_API_SECRET_KEY in the environment, or "
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
  // One limiter for the account: every portfolio's gateway is made from a copy of this config.
  alpaca.order_rate = std::make_shared<execution::VenueOrderRate>(
      static_cast<std::uint32_t>(config.alpaca_orders_per_minute), std::chrono::minutes(1));
  alpaca.board = std::move(board);
  return alpaca;
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
    throw std::invalid_argument("--mode live needs a gateway (--gateway alpaca): the paper executor trades no money");
  if (config.gateway != kPaper && config.gateway != kAlpaca)
    throw std::invalid_argument("unknown --gateway " + config.gateway + " (paper, alpaca)");
  try {
    alpaca_ = alpaca_settings(config, std::move(board));
  } catch (const std::invalid_argument& e) {
    // Only an error when something asks for Alpaca: the flag (now), a binding (below), the API (later).
    if (config.gateway == kAlpaca) throw std::invalid_argument(std::string("--gateway alpaca: ") + e.what());
    alpaca_problem_ = e.what();
  }
  key_id_ = std::make_shared<const std::string>(config.alpaca_trading_key_id);
  secret_ = std::make_shared<const std::string>(config.alpaca_trading_secret_key);
  if (config.gateway == kAlpaca) flag_bound_ = static_cast<engine::PortfolioId>(config.gateway_portfolio);
  for (auto& [portfolio, gateway] : read_bindings(file_)) {
    if (gateway == kAlpaca && !alpaca_)
      throw std::invalid_argument("portfolio " + std::to_string(portfolio) + " is bound to alpaca (" + file_.string() +
                                  ") but " + alpaca_problem_);
    if (gateway != kAlpaca && gateway != kPaper)
      throw std::invalid_argument(file_.string() + ": unknown gateway " + gateway);
    api_bound_[portfolio] = std::move(gateway);
  }
}

GatewayBindings::~GatewayBindings() {
  *alive_ = false;
}

std::unique_ptr<execution::Executor> GatewayBindings::make(std::string_view gateway, engine::PortfolioId portfolio,
                                                           boost::asio::any_io_executor strand) const {
  if (gateway != kAlpaca) return std::make_unique<execution::PaperExecutor>(paper_, instruments_);
  auto venue = *alpaca_;
  venue.portfolio = static_cast<std::int64_t>(portfolio);
  return std::make_unique<execution::AlpacaExecutor>(
      std::move(strand), std::move(venue),
      auth::BrokerCredentials{auth::SecretText(*key_id_), auth::SecretText(*secret_)}, instruments_);
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
  return portfolio == flag_bound_ ? kAlpaca : kPaper;
}

engine::CommandResult GatewayBindings::connect(engine::PortfolioId portfolio, std::string_view gateway) {
  using engine::CommandError;
  if (gateway != kPaper && gateway != kAlpaca)
    return CommandError{core::Errc::invalid_argument, "gateway must be alpaca or paper (binance is not built yet)",
                        "invalid_field", "gateway"};
  const auto it = joined_.find(portfolio);
  if (it == joined_.end()) return CommandError{core::Errc::not_found, "no such portfolio", "not_found"};
  if (gateway == kAlpaca && !alpaca_) return CommandError{core::Errc::conflict, alpaca_problem_, "not_configured"};
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
