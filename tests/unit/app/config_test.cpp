// Configured amounts are refused at the edge when the ledger cannot hold them (issue 11 item 1):
// a capital or a risk limit beyond +-92,233,720,368 units is a configuration error (exit 2,
// naming the option), never a value clamped or wrapped later.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace meridian::app
