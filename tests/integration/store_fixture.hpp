#pragma once
// A fresh database (PgTest) with every migration applied, the users whose ids the test's rows
// name as owners (sql/003's foreign keys need them) and a `Store` over it: the set-up of the
// tests of the stores that keep one kind of owned row (backtest results, alerts).
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "meridian/storage/migrations.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {

template <class Store>
class OwnedRowsStoreTest : public PgTest {
 protected:
  explicit OwnedRowsStoreTest(std::vector<int> users) : users_(std::move(users)) {}
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    for (int id : users_)
      tx.exec_params0("INSERT INTO users (id, email) VALUES ($1, $2)", id, "u" + std::to_string(id) + "@example.com");
    tx.commit();
    store_.emplace(url());
  }
  const Store& store() const { return *store_; }

 private:
  std::vector<int> users_;
  std::optional<Store> store_;
};

}  // namespace meridian::it
