// Configured amounts are refused at the edge when the ledger cannot hold them (issue 11 item 1):
// a capital or a risk limit beyond +-92,233,720,368 units is a configuration error (exit 2,
// naming the option), never a value clamped or wrapped later.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "meridian/app/config.hpp"

namespace meridian::app {
namespace {

// meridiand with `args`, then a subcommand that needs nothing else to fail fast: with the option
// accepted, `journal dead-letters list` stops at its missing database (exit 2, its own message).
struct Outcome {
  int code = -1;
  std::string err;
};
Outcome run_with(std::vector<std::string> args) {
  args.insert(args.begin(), "meridiand");
  for (const char* a : {"--database-url", "", "journal", "dead-letters", "list"}) args.emplace_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  testing::internal::CaptureStderr();
  Outcome out;
  out.code = run(static_cast<int>(args.size()), argv.data());
  out.err = testing::internal::GetCapturedStderr();
  // A run that got as far as the subcommand registered its logger; the next run makes its own.
  spdlog::drop("meridian");
  return out;
}

TEST(ConfigAmounts, BeyondTheLedgersRangeIsRefusedNamingTheOption) {
  for (const char* option : {"--initial-capital", "--max-order-notional", "--max-order-quantity",
                             "--max-position-notional", "--max-gross-exposure", "--max-daily-loss"}) {
    const auto out = run_with({option, "1e11"});
    EXPECT_EQ(out.code, 2) << option << ": " << out.err;
    EXPECT_NE(out.err.find(option), std::string::npos) << option << ": " << out.err;
  }
}

TEST(ConfigAmounts, TheLargestWholeAmountIsAccepted) {
  const auto out = run_with({"--initial-capital", "92233720368", "--max-order-notional", "92233720368"});
  // Past option parsing: the journal command's own complaint, not the option's.
  EXPECT_EQ(out.code, 2) << out.err;
  EXPECT_EQ(out.err.find("--initial-capital"), std::string::npos) << out.err;
  EXPECT_NE(out.err.find("journal needs"), std::string::npos) << out.err;
}

// Past option parsing: what the journal command says once every option was accepted.
bool accepted(const Outcome& out) {
  return out.err.find("journal needs") != std::string::npos;
}

TEST(ConfigRateLimit, TakesARatePerSecondOrPerMinuteAndZero) {
  for (const char* rate : {"50/s", "50", "0.5/s", "120/min", "0", "1000000/s"}) {
    const auto out = run_with({"--rate-limit", rate});
    EXPECT_TRUE(accepted(out)) << rate << ": " << out.err;
  }
  for (const char* rate : {"fast", "-1/s", "50/h", "1000001/s", "/s", "nan", "inf"}) {
    const auto out = run_with({"--rate-limit", rate});
    EXPECT_EQ(out.code, 2) << rate;
    EXPECT_NE(out.err.find("--rate-limit"), std::string::npos) << rate << ": " << out.err;
  }
  EXPECT_EQ(run_with({"--rate-burst", "0"}).code, 2);
  EXPECT_TRUE(accepted(run_with({"--rate-burst", "1"})));
}

// An integer option: each of `bad` refused at start (exit 2, naming the option), each of `good` taken.
void expect_integer_option(const char* option, std::initializer_list<const char*> bad,
                           std::initializer_list<const char*> good) {
  for (const char* value : bad) {
    const auto out = run_with({option, value});
    EXPECT_EQ(out.code, 2) << option << " " << value << ": " << out.err;
    EXPECT_NE(out.err.find(option), std::string::npos) << option << " " << value << ": " << out.err;
  }
  for (const char* value : good) EXPECT_TRUE(accepted(run_with({option, value}))) << option << " " << value;
}

// The gateway's reconciliation interval: whole seconds, refused outside 1 s .. 1 day.
TEST(ConfigReconcileInterval, OneSecondToADayInSeconds) {
  expect_integer_option("--reconcile-interval", {"0", "-5", "86401", "ten"}, {"1", "60", "86400"});
}

// The portfolio bound to --gateway: a portfolio id (1 .. 8191), anything else refused at start.
TEST(ConfigGatewayPortfolio, APortfolioIdOrARefusal) {
  expect_integer_option("--gateway-portfolio", {"0", "-1", "8192", "9223372036854775808", "two"}, {"1", "2", "8191"});
}

// Alpaca's order rate for the account: 1 .. 10,000 new orders a minute.
TEST(ConfigAlpacaOrdersPerMinute, OneToTenThousand) {
  expect_integer_option("--alpaca-orders-per-minute", {"0", "-1", "10001", "4294967296", "many"},
                        {"1", "150", "10000"});
}

// Binance's order rate for the account: 1 .. 10,000 new orders per 10 s.
TEST(ConfigBinanceOrdersPer10s, OneToTenThousand) {
  expect_integer_option("--binance-orders-per-10s", {"0", "-3", "10001", "ten"}, {"1", "40", "10000"});
}

// A weak metrics token is refused before anything starts (exit 2), naming the option and
// never echoing the token.
TEST(ConfigMetricsToken, AShortOrRepeatedTokenIsRefused) {
  for (const char* token : {"short-token", "aaaaaaaaaaaaaaaaaaaa"}) {
    const auto out = run_with({"--metrics-token", token});
    EXPECT_EQ(out.code, 2) << token;
    EXPECT_NE(out.err.find("--metrics-token"), std::string::npos) << out.err;
    EXPECT_EQ(out.err.find(token), std::string::npos) << "the token echoed: " << out.err;
  }
  EXPECT_TRUE(accepted(run_with({"--metrics-token", "a-metrics-token-of-24ch"})));
}

}  // namespace
}  // namespace meridian::app
