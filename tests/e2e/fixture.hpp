#pragma once
// Fixtures of the end-to-end suites. Every fixture runs against its own fresh database on the
// server named by DATABASE_URL; without one the tests skip, or fail when CI=true.
//   SharedDaemonTest<Suite>: one meridiand per test suite (tests that do not disturb each other);
//                            the suite may define `static DaemonOptions daemon_options()`.
//   DaemonTest:              daemons started by the test itself (restart, signals).
// On a failure the daemon's output is printed; a daemon that died during a test fails it.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "shapes.hpp"
#include "support/daemon.hpp"
#include "support/http_client.hpp"
#include "support/poll.hpp"
#include "support/test_database.hpp"

#define MERIDIAN_E2E_REQUIRE_DATABASE()                                                                         \
  do {                                                                                                          \
    if (::meridian::e2e::database_server_url().empty()) {                                                       \
      if (::meridian::e2e::in_ci()) FAIL() << "DATABASE_URL is not set and CI=true: e2e tests need PostgreSQL"; \
      GTEST_SKIP() << "DATABASE_URL is not set; e2e tests need PostgreSQL";                                     \
    }                                                                                                           \
  } while (0)

namespace meridian::e2e {

// How long a test waits for something to happen before it fails (never a timing assertion).
inline constexpr std::chrono::milliseconds kDeadline = std::chrono::seconds(15);

// Polls GET /health until it answers 200; false at the deadline.
inline bool wait_healthy(std::uint16_t port, std::chrono::milliseconds timeout = kDeadline) {
  return poll_until(
      [port] {
        try {
          return http_get(port, "/health").status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      timeout);
}

// GET that expects 200 and JSON; returns the body (a discarded value after a failure).
inline nlohmann::json get_json(std::uint16_t port, const std::string& target) {
  return expect_json_response(http_get(port, target), 200, "GET " + target);
}

inline std::string session_state(std::uint16_t port) {
  auto status = http_get(port, "/api/trading/status").json();
  return status.is_object() && status.contains("state") && status["state"].is_string()
             ? status["state"].get<std::string>()
             : std::string("?");
}

inline void print_output(const char* what, Daemon& d) {
  std::cerr << "--- " << what << " (port " << d.port() << ") output, tail ---\n" << d.output() << "\n--- end ---\n";
}

template <class Suite>
class SharedDaemonTest : public ::testing::Test {
 public:
  static DaemonOptions daemon_options() { return {}; }

  static void TearDownTestSuite() {
    auto& s = shared();
    if (s.daemon && s.daemon->running()) {
      // Every shared daemon also has to shut down cleanly after its suite.
      const auto status = s.daemon->stop(SIGTERM);
      if (!status || *status != 0) {
        ADD_FAILURE() << "meridiand did not exit with 0 after SIGTERM at the end of the suite: "
                      << (status ? describe_wait_status(*status) : std::string("still running after 10 s"));
        print_output("meridiand", *s.daemon);
      }
    }
    s.daemon.reset();  // killed if still running, before its database is dropped
    s.db.reset();
    s = Shared{};
  }

 protected:
  void SetUp() override {
    MERIDIAN_E2E_REQUIRE_DATABASE();
    auto& s = shared();
    if (!s.started) {
      s.started = true;
      try {
        s.db = std::make_unique<TestDatabase>();
        auto options = Suite::daemon_options();
        options.database_url = s.db->url();
        s.daemon = std::make_unique<Daemon>(options);
        if (!wait_healthy(s.daemon->port()))
          s.error = "meridiand never answered GET /health with 200\n" + s.daemon->output();
      } catch (const std::exception& e) {
        s.error = e.what();
      }
    }
    ASSERT_TRUE(s.error.empty()) << "suite setup failed: " << s.error;
    ASSERT_TRUE(s.daemon->running()) << "meridiand exited earlier in this suite";
  }

  void TearDown() override {
    auto& s = shared();
    if (!s.daemon) return;
    if (!s.daemon->running()) {
      ADD_FAILURE() << "meridiand exited during the test: " << describe_wait_status(*s.daemon->process().exit_status());
      print_output("meridiand", *s.daemon);
    } else if (HasFailure()) {
      print_output("meridiand", *s.daemon);
    }
  }

  static bool has_daemon() { return shared().daemon != nullptr; }
  static std::uint16_t port() { return shared().daemon->port(); }
  static Daemon& daemon() { return *shared().daemon; }
  static TestDatabase& db() { return *shared().db; }

 private:
  struct Shared {
    bool started = false;
    std::string error;
    std::unique_ptr<TestDatabase> db;
    std::unique_ptr<Daemon> daemon;  // declared after db: stopped before the database is dropped
  };
  static Shared& shared() {
    static Shared s;
    return s;
  }
};

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MERIDIAN_E2E_REQUIRE_DATABASE();
    db_ = std::make_unique<TestDatabase>();
  }

  void TearDown() override {
    if (HasFailure())
      for (std::size_t i = 0; i < daemons_.size(); ++i)
        print_output(("meridiand #" + std::to_string(i + 1)).c_str(), *daemons_[i]);
    daemons_.clear();
    db_.reset();
  }

  // Starts a daemon on this test's database and waits until it is healthy.
  Daemon& start_daemon(DaemonOptions options) {
    options.database_url = db_->url();
    daemons_.push_back(std::make_unique<Daemon>(options));
    auto& d = *daemons_.back();
    EXPECT_TRUE(wait_healthy(d.port())) << "meridiand never answered GET /health with 200";
    return d;
  }

  TestDatabase& db() { return *db_; }

 private:
  std::unique_ptr<TestDatabase> db_;
  std::vector<std::unique_ptr<Daemon>> daemons_;
};

}  // namespace meridian::e2e
