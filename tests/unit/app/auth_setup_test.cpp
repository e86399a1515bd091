// Which configurations `serve` refuses before it opens anything (exit 2): auth needs a
// database, and a daemon without auth listens on loopback only.
#include "meridian/app/auth_setup.hpp"

#include <gtest/gtest.h>

#include "meridian/app/config.hpp"

namespace meridian::app {
namespace {

Config with(std::string host, std::string auth, std::string database_url) {
  Config c;
  c.host = std::move(host);
  c.auth = std::move(auth);
  c.database_url = std::move(database_url);
  return c;
}

constexpr const char* kDb = "postgresql://meridian@localhost/meridian";

TEST(AuthSetup, AuthIsOnByDefaultExactlyWhenThereIsADatabase) {
  EXPECT_TRUE(auth_enabled(with("127.0.0.1", "", kDb)));
  EXPECT_FALSE(auth_enabled(with("127.0.0.1", "", "")));
  EXPECT_FALSE(auth_enabled(with("127.0.0.1", "off", kDb)));
  EXPECT_TRUE(auth_enabled(with("127.0.0.1", "on", kDb)));
}

TEST(AuthSetup, AuthWithoutADatabaseIsRefused) {
  EXPECT_FALSE(auth_config_problem(with("127.0.0.1", "on", "")).empty());
  EXPECT_TRUE(auth_config_problem(with("127.0.0.1", "on", kDb)).empty());
}

TEST(AuthSetup, WithoutAuthOnlyLoopbackIsServed) {
  for (const char* host : {"127.0.0.1", "127.0.0.2", "::1"}) {
    EXPECT_TRUE(auth_config_problem(with(host, "off", kDb)).empty()) << host;
    EXPECT_TRUE(auth_config_problem(with(host, "", "")).empty()) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "10.1.2.3", "localhost", "not an address"}) {
    EXPECT_FALSE(auth_config_problem(with(host, "off", kDb)).empty()) << host;
    EXPECT_FALSE(auth_config_problem(with(host, "", "")).empty()) << host;
    EXPECT_TRUE(auth_config_problem(with(host, "", kDb)).empty()) << host;  // auth on: any address
  }
}

TEST(AuthSetup, TheStateDirectoryIsConfiguredOrDotRun) {
  Config c;
  c.state_dir = "/var/lib/meridian";
  EXPECT_EQ(state_dir(c), "/var/lib/meridian");
  if (!std::getenv("STATE_DIRECTORY")) {
    EXPECT_EQ(state_dir(Config{}), ".run");
  }
}

}  // namespace
}  // namespace meridian::app
