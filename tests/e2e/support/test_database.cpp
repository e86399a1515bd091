#include "support/test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace meridian::e2e {

std::string database_server_url() {
  const char* url = std::getenv("DATABASE_URL");
  return url ? std::string(url) : std::string();
}

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string_view(ci) == "true";
}

std::string with_database(const std::string& url, const std::string& database) {
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

TestDatabase::TestDatabase() : server_(database_server_url()) {
  static std::atomic<int> counter{0};
  name_ = "meridian_e2e_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  pqxx::connection conn(server_);
  pqxx::nontransaction tx(conn);
  tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");  // a leftover of a killed run
  tx.exec0("CREATE DATABASE " + tx.quote_name(name_));
  url_ = with_database(server_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection conn(server_);
    pqxx::nontransaction tx(conn);
    tx.exec0("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "meridian e2e: could not drop database " << name_ << ": " << e.what() << "\n";
  }
}

pqxx::result TestDatabase::query(const std::string& sql) const {
  pqxx::connection conn(url_);
  pqxx::nontransaction tx(conn);
  return tx.exec(sql);
}

}  // namespace meridian::e2e
