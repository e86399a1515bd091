// --gateway: paper gives every portfolio the paper executor; alpaca gives the first executor
// built (the default portfolio's) the Alpaca gateway, which publishes its status to the board,
// and paper to the rest; missing keys or unusable URLs are configuration errors naming the fix.
#include "meridian/app/gateway_choice.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <stdexcept>
#include <string>

namespace meridian::app {
namespace {

Config alpaca_config() {
  Config c;
  c.gateway = "alpaca";
  c.alpaca_trading_key_id = "PKTESTKEY0001";
  c.alpaca_trading_secret_key = "secret-0001";
  return c;
}

std::string error_of(const Config& c, const core::InstrumentTable& instruments) {
  try {
    choose_executor(c, instruments, nullptr);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

TEST(GatewayChoice, PaperForEveryPortfolioByDefault) {
  const core::InstrumentTable instruments(core::default_instruments());
  const auto factory = choose_executor(Config{}, instruments, nullptr);
  ASSERT_TRUE(factory);
  boost::asio::io_context io;
  EXPECT_EQ(factory(boost::asio::make_strand(io))->name(), "paper");
  EXPECT_EQ(factory(boost::asio::make_strand(io))->name(), "paper");
}

TEST(GatewayChoice, AlpacaForTheDefaultPortfolioOnly) {
  const core::InstrumentTable instruments(core::default_instruments());
  auto board = std::make_shared<execution::GatewayBoard>();
  const auto factory = choose_executor(alpaca_config(), instruments, board);
  boost::asio::io_context io;  // never run: nothing is sent
  auto strand = boost::asio::make_strand(io);
  auto first = factory(strand);
  auto second = factory(strand);
  EXPECT_EQ(first->name(), "alpaca");
  EXPECT_EQ(second->name(), "paper");
  const auto published = board->read();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].gateway, "alpaca");
  EXPECT_EQ(published[0].venue, "https://paper-api.alpaca.markets");
  EXPECT_EQ(published[0].account_hint, "0001");
  EXPECT_EQ(published[0].state, execution::GatewayState::connecting);
  first.reset();
  EXPECT_TRUE(board->read().empty());  // a gateway gone is no longer shown
}

TEST(GatewayChoice, AlpacaWithoutKeysIsAConfigurationError) {
  const core::InstrumentTable instruments(core::default_instruments());
  auto c = alpaca_config();
  c.alpaca_trading_secret_key.clear();
  const auto error = error_of(c, instruments);
  EXPECT_NE(error.find("APCA_API_SECRET_KEY"), std::string::npos) << error;
  EXPECT_EQ(error.find("secret-0001"), std::string::npos);
}

TEST(GatewayChoice, PlainTextUrlsAreRefused) {
  const core::InstrumentTable instruments(core::default_instruments());
  auto c = alpaca_config();
  c.alpaca_trading_url = "http://paper-api.alpaca.markets";
  EXPECT_NE(error_of(c, instruments).find("--alpaca-url"), std::string::npos);
  c = alpaca_config();
  c.alpaca_stream_url = "ws://paper-api.alpaca.markets/stream";
  EXPECT_NE(error_of(c, instruments).find("--alpaca-stream-url"), std::string::npos);
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

}  // namespace
}  // namespace meridian::app
