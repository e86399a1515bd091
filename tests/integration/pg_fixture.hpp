#pragma once
// A fresh PostgreSQL database per test. The server comes from env DATABASE_URL (scripts/test
// starts a private cluster and sets it). Without it the test is skipped, except under
// CI=true, where a missing database is a failure: integration tests never skip silently.
//
// Each test gets `meridian_it_<pid>_<counter>`, created in SetUp and dropped WITH (FORCE)
// in TearDown, so tests are independent of each other and of earlier runs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace meridian::it {

// The server URL, or "" when DATABASE_URL is unset or empty.
inline std::string server_url() {
  const char* url = std::getenv("DATABASE_URL");
  return url ? std::string(url) : std::string();
}

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string_view(ci) == "true";
}

// `url` with its database replaced by `database`. Handles URLs
// (postgresql://user@host:port/db?params) and key=value connection strings.
inline std::string with_database(const std::string& url, const std::string& database) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url + " dbname=" + database;  // the last dbname wins
  const auto authority = scheme + 3;
  const auto query = url.find('?', authority);
  const auto path = url.find('/', authority);
  if (path == std::string::npos || (query != std::string::npos && path > query)) {
    const auto at = query == std::string::npos ? url.size() : query;
    return url.substr(0, at) + "/" + database + url.substr(at);
  }
  const auto end = query == std::string::npos ? url.size() : query;
  return url.substr(0, path + 1) + database + url.substr(end);
}

// Polls `done` every 5 ms until it holds or `timeout` passes; returns its last value.
inline bool poll_until(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = server_url();
    if (server_.empty()) {
      if (in_ci()) FAIL() << "DATABASE_URL is not set and CI=true: integration tests need PostgreSQL";
      GTEST_SKIP() << "DATABASE_URL is not set; integration tests need PostgreSQL";
    }
    url_ = create_database();
  }

  void TearDown() override {
    if (server_.empty() || databases_.empty()) return;
    try {
      pqxx::connection conn(server_);
      pqxx::nontransaction tx(conn);
      for (const auto& name : databases_) tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop test databases: " << e.what();
    }
  }

  // Another fresh database, dropped with the test's own in TearDown; returns its URL.
  std::string create_database() {
    static std::atomic<int> counter{0};
    const std::string name = "meridian_it_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    pqxx::connection conn(server_);
    pqxx::nontransaction tx(conn);
    tx.exec0("CREATE DATABASE " + tx.quote_name(name));
    databases_.push_back(name);
    return with_database(server_, name);
  }

  const std::string& url() const { return url_; }

 private:
  std::string server_;
  std::string url_;
  std::vector<std::string> databases_;
};

}  // namespace meridian::it
