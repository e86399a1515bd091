#include "meridian/app/secrets.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/log.hpp"

namespace meridian::app {
namespace {

// A command line laid out as the kernel does: one block of NUL-terminated strings, which is
// what /proc/PID/cmdline shows.
class FakeArgv {
 public:
  explicit FakeArgv(const std::vector<std::string>& args) {
    for (const auto& a : args) block_.insert(block_.end(), a.begin(), a.end()), block_.push_back('\0');
    for (std::size_t at = 0; at < block_.size(); at += std::strlen(block_.data() + at) + 1)
      argv_.push_back(block_.data() + at);
    argv_.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(argv_.size()) - 1; }
  char** argv() { return argv_.data(); }
  std::string cmdline() const { return std::string(block_.data(), block_.size()); }

 private:
  std::vector<char> block_;
  std::vector<char*> argv_;
};

TEST(TakeArgs, WipesASecretFlagsValueFromArgvAndKeepsItInTheCopy) {
  FakeArgv a({"meridiand", "serve", "--alpaca-secret-key", "SECRETVALUE", "--port", "9000"});
  const auto taken = take_args(a.argc(), a.argv());
  EXPECT_EQ(taken.args, (std::vector<std::string>{"serve", "--alpaca-secret-key", "SECRETVALUE", "--port", "9000"}));
  EXPECT_EQ(taken.hidden, (std::vector<std::string>{"--alpaca-secret-key"}));
  EXPECT_EQ(a.cmdline().find("SECRETVALUE"), std::string::npos) << a.cmdline();
  // The other arguments are where they were.
  EXPECT_STREQ(a.argv()[4], "--port");
  EXPECT_STREQ(a.argv()[5], "9000");
}

TEST(TakeArgs, WipesTheMetricsToken) {
  FakeArgv a({"meridiand", "--metrics-token", "METRICSTOKENVALUE", "--metrics-token=OTHERTOKENVALUE"});
  const auto taken = take_args(a.argc(), a.argv());
  EXPECT_EQ(taken.args[1], "METRICSTOKENVALUE");
  EXPECT_EQ(taken.hidden, (std::vector<std::string>{"--metrics-token"}));
  EXPECT_EQ(a.cmdline().find("TOKENVALUE"), std::string::npos) << a.cmdline();
}

TEST(TakeArgs, WipesTheEqualsForm) {
  FakeArgv a({"meridiand", "--alpaca-secret-key=SECRETVALUE"});
  const auto taken = take_args(a.argc(), a.argv());
  EXPECT_EQ(taken.args[0], "--alpaca-secret-key=SECRETVALUE");
  EXPECT_EQ(a.cmdline().find("SECRETVALUE"), std::string::npos) << a.cmdline();
  EXPECT_EQ(std::string_view(a.argv()[1]).substr(0, 20), "--alpaca-secret-key=");
}

TEST(TakeArgs, WipesOnlyThePasswordOfADatabaseUrl) {
  FakeArgv a({"meridiand", "--database-url", "postgresql://postgres:hunter2secret@127.0.0.1:5432/meridian",
              "--database-url=host=db password=kv-secret-1 dbname=m"});
  const auto taken = take_args(a.argc(), a.argv());
  EXPECT_EQ(taken.args[1], "postgresql://postgres:hunter2secret@127.0.0.1:5432/meridian");
  EXPECT_EQ(taken.hidden, (std::vector<std::string>{"--database-url"}));
  EXPECT_EQ(a.cmdline().find("hunter2secret"), std::string::npos) << a.cmdline();
  EXPECT_EQ(a.cmdline().find("kv-secret-1"), std::string::npos) << a.cmdline();
  EXPECT_STREQ(a.argv()[2], "postgresql://postgres:***@127.0.0.1:5432/meridian");
  EXPECT_STREQ(a.argv()[3], "--database-url=host=db password=*** dbname=m");
}

TEST(TakeArgs, AShortSecretIsStillWiped) {
  FakeArgv a({"meridiand", "--database-url", "postgresql://u:pw@h/d", "--alpaca-secret-key", "k"});
  const auto taken = take_args(a.argc(), a.argv());
  EXPECT_STREQ(a.argv()[2], "postgresql://u:**@h/d");
  EXPECT_EQ(std::string_view(a.argv()[4]).find('k'), std::string_view::npos);
  EXPECT_EQ(taken.hidden.size(), 2u);
}

TEST(TakeArgs, LeavesEverythingElseAlone) {
  FakeArgv a({"meridiand", "--database-url", "postgresql://postgres@127.0.0.1/m", "--alpaca-key-id", "AK",
              "--alpaca-secret-key"});  // a flag without its value: CLI11 reports it
  const auto before = a.cmdline();
  const auto taken = take_args(a.argc(), a.argv());
  EXPECT_EQ(a.cmdline(), before);
  EXPECT_TRUE(taken.hidden.empty());
}

TEST(DatabaseUrl, RedactsThePasswordWhereverLibpqTakesIt) {
  EXPECT_EQ(redact_database_url("postgresql://postgres:pw1234@127.0.0.1:5432/meridian"),
            "postgresql://postgres:***@127.0.0.1:5432/meridian");
  EXPECT_EQ(redact_database_url("postgres://u:p%40ss@h/d?sslmode=require&password=other"),
            "postgres://u:***@h/d?sslmode=require&password=***");
  EXPECT_EQ(redact_database_url("host=h password='a b\\' c' dbname=d"), "host=h password=*** dbname=d");
  EXPECT_EQ(redact_database_url("host=h password = plain dbname=d"), "host=h password = *** dbname=d");
  // Nothing to hide.
  EXPECT_EQ(redact_database_url("postgresql://postgres@127.0.0.1:5432/meridian"),
            "postgresql://postgres@127.0.0.1:5432/meridian");
  EXPECT_EQ(redact_database_url("postgresql://host:5432/db"), "postgresql://host:5432/db");
  EXPECT_EQ(redact_database_url("host=h dbname=d"), "host=h dbname=d");
  EXPECT_EQ(redact_database_url(""), "");
}

TEST(DatabaseUrl, SecretsIncludeThePercentDecodedPassword) {
  const auto secrets = database_url_secrets("postgresql://u:p%40ssword@h/d");
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "p%40ssword"), secrets.end());
  EXPECT_NE(std::find(secrets.begin(), secrets.end(), "p@ssword"), secrets.end());
  EXPECT_TRUE(database_url_secrets("postgresql://u@h/d").empty());
}

// Refused, not merely warned about: a secret others can read is no longer a secret, one others
// can write chooses our credentials, and refusing matches what ssh does with a private key and
// libpq with a password file, so an operator meets one rule.
TEST(SecretFile, OnlyTheOwnerMayReadOrWriteIt) {
  EXPECT_EQ(secret_file_mode_problem(S_IFREG | 0600), "");
  EXPECT_EQ(secret_file_mode_problem(S_IFREG | 0400), "");
  EXPECT_NE(secret_file_mode_problem(S_IFREG | 0640), "");
  EXPECT_NE(secret_file_mode_problem(S_IFREG | 0644), "");
  EXPECT_NE(secret_file_mode_problem(S_IFREG | 0604), "");
  EXPECT_NE(secret_file_mode_problem(S_IFREG | 0620), "");
  EXPECT_NE(secret_file_mode_problem(S_IFREG | 0602), "");
  EXPECT_NE(secret_file_mode_problem(S_IFDIR | 0700), "");
  EXPECT_NE(secret_file_mode_problem(S_IFIFO | 0600), "");
}

TEST(SecretFile, TrailingNewlineAndSpacesAreNotPartOfTheSecret) {
  EXPECT_EQ(trim_secret("abc\n"), "abc");
  EXPECT_EQ(trim_secret("abc \r\n\n"), "abc");
  EXPECT_EQ(trim_secret(" a b"), " a b");
  EXPECT_EQ(trim_secret("\n"), "");
}

// The default logger and every module logger, made before the redaction or after it.
TEST(LogRedaction, EveryModuleLoggerMasksTheSecrets) {
  std::ostringstream out;
  auto previous = spdlog::default_logger();
  const auto early = core::named_logger("redaction_test_early");
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  spdlog::default_logger()->set_pattern("%v");
  redact_secrets_in_logs(
      {"hunter2secret", "abc", "SECRETVALUE", "SECRETVALUE-long", ""});  // short ones are not registered
  const auto late = core::named_logger("redaction_test_late");
  spdlog::info("connect failed: invalid percent-encoded token: \"hunter2secret\"");
  early->warn("key SECRETVALUE-long and SECRETVALUE, abc");
  late->error("password hunter2secret");
  spdlog::set_default_logger(previous);
  core::share_default_sinks();  // the module loggers outlive `out`
  EXPECT_EQ(out.str(), "connect failed: invalid percent-encoded token: \"***\"\nkey *** and ***, abc\npassword ***\n");
}

}  // namespace
}  // namespace meridian::app
