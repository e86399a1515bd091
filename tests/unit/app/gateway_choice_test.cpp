// Gateway bindings: --gateway paper gives every portfolio the paper executor; alpaca gives the
// portfolio bound by --gateway-portfolio (the default one unless said) the Alpaca gateway, which
// publishes its status to the board, and paper to every other, whatever the order they are
// built in; POST /api/gateway/connect's control switches an idle portfolio (never one with open
// orders) and the file remembers it over a restart; missing keys or unusable URLs
// are configuration errors naming the fix.
#include "meridian/app/gateway_choice.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <fstream>
#include <stdexcept>
#include <string>

#include "meridian/core/fixed.hpp"

namespace meridian::app {
namespace {

Config alpaca_config() {
  Config c;
  c.gateway = "alpaca";
  c.alpaca_trading_key_id = "PKTESTKEY0001";
  c.alpaca_trading_secret_key = "secret-0001";
  return c;
}

Config binance_config() {
  Config c;
  c.gateway = "binance";
  c.binance_api_key = "BNTESTKEY0001";
  c.binance_secret_key = "bn-secret-0001";
  return c;
}

std::string error_of(const Config& c, const core::InstrumentTable& instruments,
                     const std::filesystem::path& file = {}) {
  try {
    GatewayBindings bindings(c, instruments, nullptr, file);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

TEST(GatewayChoice, PaperForEveryPortfolioByDefault) {
  const core::InstrumentTable instruments(core::default_instruments());
  GatewayBindings bindings(Config{}, instruments, nullptr);
  const auto factory = bindings.factory();
  boost::asio::io_context io;
  EXPECT_EQ(factory(engine::kDefaultPortfolioId, boost::asio::make_strand(io))->name(), "paper");
  EXPECT_EQ(factory(2, boost::asio::make_strand(io))->name(), "paper");
}

TEST(GatewayChoice, AlpacaForTheDefaultPortfolioOnly) {
  const core::InstrumentTable instruments(core::default_instruments());
  auto board = std::make_shared<execution::GatewayBoard>();
  GatewayBindings bindings(alpaca_config(), instruments, board);
  const auto factory = bindings.factory();
  boost::asio::io_context io;  // never run: nothing is sent
  auto strand = boost::asio::make_strand(io);
  auto other = factory(2, strand);  // built first: still paper
  auto first = factory(engine::kDefaultPortfolioId, strand);
  EXPECT_EQ(other->name(), "paper");
  EXPECT_EQ(first->name(), "alpaca");
  const auto published = board->read();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].gateway, "alpaca");
  EXPECT_EQ(published[0].venue, "https://paper-api.alpaca.markets");
  EXPECT_EQ(published[0].account_hint, "0001");
  EXPECT_EQ(published[0].state, execution::GatewayState::connecting);
  first.reset();
  EXPECT_TRUE(board->read().empty());  // a gateway gone is no longer shown
}

TEST(GatewayChoice, AlpacaForTheBoundPortfolioOnly) {
  const core::InstrumentTable instruments(core::default_instruments());
  auto board = std::make_shared<execution::GatewayBoard>();
  auto c = alpaca_config();
  c.gateway_portfolio = 7;
  GatewayBindings bindings(c, instruments, board);
  const auto factory = bindings.factory();
  boost::asio::io_context io;  // never run: nothing is sent
  auto strand = boost::asio::make_strand(io);
  EXPECT_EQ(factory(engine::kDefaultPortfolioId, strand)->name(), "paper");
  auto bound = factory(7, strand);
  EXPECT_EQ(bound->name(), "alpaca");
  const auto published = board->read();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].portfolio_id, 7);
}

TEST(GatewayChoice, AlpacaWithoutKeysIsAConfigurationError) {
  const core::InstrumentTable instruments(core::default_instruments());
  auto c = alpaca_config();
  c.alpaca_trading_secret_key.clear();
  const auto error = error_of(c, instruments);
  EXPECT_NE(error.find("APCA_API_SECRET_KEY"), std::string::npos) << error;
  EXPECT_EQ(error.find("secret-0001"), std::string::npos);
}

// A fresh directory, removed with what is in it.
struct ScratchDir {
  ScratchDir() {
    char name[] = "/tmp/meridian_gateway_XXXXXX";
    if (::mkdtemp(name)) dir = name;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
  const std::filesystem::path& path() const { return dir; }
  std::filesystem::path dir;
};

// A resting limit order, as a restart restores it.
execution::Order resting(execution::OrderId id) {
  execution::Order o;
  o.id = id;
  o.request.symbol = 0;
  o.request.quantity = core::Quantity::from_units(1);
  o.request.type = execution::OrderType::limit;
  o.request.limit_price = core::Price::from_units(1);
  o.status = execution::OrderStatus::accepted;
  return o;
}

TEST(GatewayChoice, ConnectSwitchesAnIdlePortfolioAndTheFileRemembersIt) {
  const core::InstrumentTable instruments(core::default_instruments());
  const ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  const auto file = dir.path() / "state" / "gateway-bindings.json";
  auto board = std::make_shared<execution::GatewayBoard>();
  auto c = alpaca_config();
  c.gateway = "paper";         // keys configured, nothing bound by the flags
  boost::asio::io_context io;  // never run: nothing is sent
  auto strand = boost::asio::make_strand(io);
  {
    GatewayBindings bindings(c, instruments, board, file);
    const auto factory = bindings.factory();
    auto executor = factory(2, strand);
    EXPECT_EQ(executor->name(), "paper");
    EXPECT_EQ(bindings.bound(2), "paper");

    EXPECT_FALSE(bindings.connect(2, "alpaca"));
    EXPECT_EQ(executor->name(), "alpaca");
    EXPECT_EQ(bindings.bound(2), "alpaca");
    ASSERT_EQ(board->read().size(), 1u);
    EXPECT_EQ(board->read()[0].portfolio_id, 2);
    EXPECT_FALSE(bindings.connect(2, "alpaca"));  // already there: nothing changes
    EXPECT_EQ(board->read().size(), 1u);
  }
  EXPECT_TRUE(board->read().empty());  // the portfolio gone, its gateway is no longer shown
  ASSERT_TRUE(std::filesystem::exists(file));
  {
    // A restart: the portfolio joins on the gateway the API bound it to, and goes back to paper.
    GatewayBindings bindings(c, instruments, board, file);
    auto executor = bindings.factory()(2, strand);
    EXPECT_EQ(executor->name(), "alpaca");
    EXPECT_EQ(bindings.factory()(3, strand)->name(), "paper");
    EXPECT_FALSE(bindings.connect(2, "paper"));
    EXPECT_EQ(executor->name(), "paper");
    EXPECT_TRUE(board->read().empty());
  }
  GatewayBindings again(c, instruments, board, file);
  EXPECT_EQ(again.bound(2), "paper");
}

TEST(GatewayChoice, ConnectRefusesAPortfolioWithOpenOrdersAndWhatIsNotConfigured) {
  const core::InstrumentTable instruments(core::default_instruments());
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  auto board = std::make_shared<execution::GatewayBoard>();
  auto c = alpaca_config();
  c.gateway = "paper";
  GatewayBindings bindings(c, instruments, board);
  auto executor = bindings.factory()(2, strand);
  executor->restore(resting(1));
  const auto busy = bindings.connect(2, "alpaca");
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->code, core::Errc::conflict);
  EXPECT_EQ(busy->reason, "open_orders");
  EXPECT_EQ(executor->name(), "paper");
  EXPECT_TRUE(board->read().empty());

  const auto unknown = bindings.connect(2, "kraken");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->code, core::Errc::invalid_argument);
  EXPECT_EQ(unknown->field, "gateway");

  Config no_keys;  // paper, no Alpaca keys: connecting to alpaca says what is missing
  GatewayBindings keyless(no_keys, instruments, board);
  auto other = keyless.factory()(3, strand);
  const auto missing = keyless.connect(3, "alpaca");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->reason, "not_configured");
  EXPECT_NE(missing->message.find("APCA_API_KEY_ID"), std::string::npos) << missing->message;
  const auto no_binance = keyless.connect(3, "binance");
  ASSERT_TRUE(no_binance);
  EXPECT_EQ(no_binance->reason, "not_configured");
  EXPECT_NE(no_binance->message.find("BINANCE_API_KEY"), std::string::npos) << no_binance->message;
  EXPECT_EQ(other->name(), "paper");
}

TEST(GatewayChoice, ABindingsFileThatCannotBeHonouredIsAConfigurationError) {
  const core::InstrumentTable instruments(core::default_instruments());
  const ScratchDir dir;
  ASSERT_FALSE(dir.path().empty());
  const auto file = dir.path() / "gateway-bindings.json";
  std::ofstream(file) << R"({"bindings": [{"portfolio_id": 2, "gateway": "alpaca"}]})";
  EXPECT_NE(error_of(Config{}, instruments, file).find("APCA_API_KEY_ID"), std::string::npos);
  auto c = alpaca_config();
  c.gateway = "paper";
  EXPECT_EQ(error_of(c, instruments, file), "");
  std::ofstream(file) << "{not json";
  EXPECT_NE(error_of(c, instruments, file).find("not a bindings file"), std::string::npos);
  std::ofstream(file) << R"({"bindings": [{"portfolio_id": "two", "gateway": "alpaca"}]})";
  EXPECT_NE(error_of(c, instruments, file).find("integer portfolio_id"), std::string::npos);
}

TEST(GatewayChoice, PlainTextUrlsAreRefused) {
  const core::InstrumentTable instruments(core::default_instruments());
  auto c = alpaca_config();
  c.alpaca_trading_url = "http://paper-api.alpaca.markets";
  EXPECT_NE(error_of(c, instruments).find("--alpaca-url"), std::string::npos);
  c = alpaca_config();
  c.alpaca_stream_url = "ws://paper-api.alpaca.markets/stream";
  EXPECT_NE(error_of(c, instruments).find("--alpaca-stream-url"), std::string::npos);
  c.mode = "live";  // live mode never excuses plain text
  EXPECT_NE(error_of(c, instruments).find("--alpaca-stream-url"), std::string::npos);
  auto b = binance_config();
  b.mode = "live";
  b.binance_trading_url = "http://api.binance.com";
  EXPECT_NE(error_of(b, instruments).find("--binance-trading-url"), std::string::npos);
}

TEST(GatewayChoice, RealMoneyNeedsModeLive) {
  const core::InstrumentTable instruments(core::default_instruments());
  // Alpaca's live endpoint, or any host but the paper one and loopback: refused in paper mode.
  for (const auto* url : {"https://api.alpaca.markets", "https://broker.example.com"}) {
    auto c = alpaca_config();
    c.alpaca_trading_url = url;
    const auto error = error_of(c, instruments);
    EXPECT_NE(error.find("--mode live"), std::string::npos) << url << ": " << error;
    c.mode = "live";
    EXPECT_EQ(error_of(c, instruments), "") << url;
  }
  auto c = alpaca_config();
  c.alpaca_stream_url = "wss://api.alpaca.markets/stream";
  EXPECT_NE(error_of(c, instruments).find("--mode live"), std::string::npos);
  // Paper and loopback need nothing more; live mode without a gateway is a mistake said aloud.
  c = alpaca_config();
  c.alpaca_trading_url = "https://127.0.0.1:8443";
  c.alpaca_stream_url = "wss://localhost:8443/stream";
  EXPECT_EQ(error_of(c, instruments), "");
  Config paper;
  paper.mode = "live";
  EXPECT_NE(error_of(paper, instruments).find("needs a gateway"), std::string::npos);
}

// Binance: production needs --mode live; the spot testnet (or loopback) does not, and
// --binance-testnet points both URLs there.
TEST(GatewayChoice, BinanceProductionNeedsModeLiveAndTheTestnetDoesNot) {
  const core::InstrumentTable instruments(core::default_instruments());
  auto c = binance_config();
  auto error = error_of(c, instruments);
  EXPECT_NE(error.find("--mode live"), std::string::npos) << error;
  EXPECT_NE(error.find("--binance-testnet"), std::string::npos) << error;
  c.mode = "live";
  EXPECT_EQ(error_of(c, instruments), "");
  c = binance_config();
  c.binance_api_key.clear();
  EXPECT_NE(error_of(c, instruments).find("BINANCE_API_KEY"), std::string::npos);
  c = binance_config();
  c.binance_trading_url = "http://127.0.0.1:8443";
  EXPECT_NE(error_of(c, instruments).find("--binance-trading-url"), std::string::npos);

  c = binance_config();
  c.binance_testnet = true;
  auto board = std::make_shared<execution::GatewayBoard>();
  GatewayBindings bindings(c, instruments, board);
  boost::asio::io_context io;  // never run: nothing is sent
  auto strand = boost::asio::make_strand(io);
  auto first = bindings.factory()(engine::kDefaultPortfolioId, strand);
  auto other = bindings.factory()(2, strand);
  EXPECT_EQ(first->name(), "binance");
  EXPECT_EQ(other->name(), "paper");
  const auto published = board->read();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].gateway, "binance");
  EXPECT_EQ(published[0].venue, "https://testnet.binance.vision");
}

}  // namespace
}  // namespace meridian::app
