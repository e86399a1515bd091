#pragma once
// A fresh PostgreSQL database per fixture on the server named by env DATABASE_URL:
// `meridian_e2e_<pid>_<n>`, created by the constructor, dropped WITH (FORCE) by the destructor.
#include <pqxx/pqxx>
#include <string>

namespace meridian::e2e {

// env DATABASE_URL, or "" when unset or empty.
std::string database_server_url();
// env CI is "true": required resources that are missing fail the tests instead of skipping them.
bool in_ci();
// `url` with its database replaced by `database` (URLs and key=value connection strings).
std::string with_database(const std::string& url, const std::string& database);

class TestDatabase {
 public:
  TestDatabase();  // throws when the server cannot be reached
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::string& url() const noexcept { return url_; }
  // Runs one statement on a new connection (outside a transaction) and returns its rows.
  pqxx::result query(const std::string& sql) const;

 private:
  std::string server_;
  std::string name_;
  std::string url_;
};

}  // namespace meridian::e2e
