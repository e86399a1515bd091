// Secrets on meridiand's command line: given anyway, they are accepted (the daemon uses them) and
// wiped from the process's argv, so /proc/PID/cmdline (what `ps` shows every local user) no
// longer holds them, and no log line shows them. A secret file anyone but its owner can read is
// refused.
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <string>
#include <vector>

#include "fixture.hpp"

namespace meridian::e2e {
namespace {

class Secrets : public DaemonTest {};

constexpr const char* kSecret = "SECRETVALUE-e2e-4c1f";

// `url` with a password: the test server's URL carries one (scripts/lib/common.sh's cluster);
// one without gets an arbitrary one, which a trust server ignores.
std::string url_with_password(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url + " password=e2e-unused-password";
  const auto authority = scheme + 3;
  const auto at = url.find('@', authority);
  const auto end = url.find_first_of("/?", authority);
  if (at == std::string::npos || (end != std::string::npos && at > end))
    return url.substr(0, authority) + "postgres:e2e-unused-password@" + url.substr(authority);
  if (url.substr(authority, at - authority).find(':') != std::string::npos) return url;
  return url.substr(0, at) + ":e2e-unused-password" + url.substr(at);
}

// The password in `url` (URL form), "" if none.
std::string password_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) {
    const auto p = url.find("password=");
    return p == std::string::npos ? "" : url.substr(p + 9, url.find(' ', p) - p - 9);
  }
  const auto authority = scheme + 3;
  const auto at = url.find('@', authority);
  const auto colon = url.find(':', authority);
  return at == std::string::npos || colon == std::string::npos || colon > at ? ""
                                                                             : url.substr(colon + 1, at - colon - 1);
}

std::string cmdline_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(Secrets, SecretFlagsAreWipedFromTheProcessList) {
  const auto url = url_with_password(db().url());
  const auto password = password_of(url);
  ASSERT_FALSE(password.empty()) << url;
  DaemonOptions o;
  // The default simulated feed never uses the Alpaca key: the test needs no network.
  o.extra_args = {"--alpaca-secret-key", kSecret, "--database-url", url};
  auto& d = start_daemon(o);
  ASSERT_TRUE(d.running());
  // The daemon wipes its argv before it starts a thread; it answers /health only afterwards.
  const auto cmdline = cmdline_of(d.process().pid());
  ASSERT_NE(cmdline.find("--alpaca-secret-key"), std::string::npos) << "not meridiand's cmdline?";
  EXPECT_EQ(cmdline.find(kSecret), std::string::npos) << "the secret is in /proc/PID/cmdline";
  EXPECT_EQ(cmdline.find(password), std::string::npos) << "the database password is in /proc/PID/cmdline";
  // Still usable: serve exits 1 before it listens when it cannot start from the database (migrations,
  // portfolio lock, recovery), so a daemon that answered /health connected with the password.
  EXPECT_TRUE(d.running());
  EXPECT_FALSE(d.output_contains(kSecret));
  EXPECT_FALSE(d.output_contains(password));
}

// Starts meridiand with --alpaca-secret-file `file` and waits for it to listen or exit.
std::unique_ptr<Daemon> with_secret_file(const std::string& database_url, const std::filesystem::path& file) {
  DaemonOptions o;
  o.database_url = database_url;
  o.wait_until_listening = false;
  o.extra_args = {"--alpaca-secret-file", file.string()};
  auto d = std::make_unique<Daemon>(o);
  d->wait_listening(kDeadline);
  return d;
}

TEST_F(Secrets, ASecretFileOthersCanReadIsRefused) {
  TempDir dir("meridian-secret-");
  const auto file = dir.path() / "alpaca-secret";
  std::ofstream(file) << kSecret << "\n";

  ::chmod(file.c_str(), 0644);
  auto refused = with_secret_file(db().url(), file);
  const auto status = refused->process().wait_exit(kDeadline);
  ASSERT_TRUE(status) << "meridiand runs with a world-readable secret file";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2) << describe_wait_status(*status);
  EXPECT_FALSE(refused->output_contains(kSecret));

  ::chmod(file.c_str(), 0600);
  auto accepted = with_secret_file(db().url(), file);
  EXPECT_TRUE(accepted->running() && accepted->listening()) << accepted->output();
  EXPECT_TRUE(wait_healthy(accepted->port()));
}

// The subcommands that log to stderr redact as serve does. A malformed percent escape in the
// password makes libpq quote it back in its error, which the command logs.
TEST_F(Secrets, TheDataAndJournalCommandsMaskTheDatabasePasswordInTheirLogs) {
  TempDir dir("meridian-secret-");
  const std::string password = "%zz" + std::string(kSecret);
  const std::string url = "postgresql://postgres:" + password + "@127.0.0.1:1/none?connect_timeout=2";
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"data", "export", "--symbol", "BTC-USD", "--database-url", url},
                                             {"journal", "dead-letters", "list", "--database-url", url}}) {
    const auto r = run_meridiand(dir, args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("***"), std::string::npos) << args[0] << " logged no masked error: " << r.err;
    EXPECT_EQ(r.err.find(kSecret), std::string::npos) << args[0] << " logged the password: " << r.err;
  }
}

}  // namespace
}  // namespace meridian::e2e
