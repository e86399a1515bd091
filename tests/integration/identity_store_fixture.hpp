#pragma once
// A fresh database (PgTest) with every migration applied and a storage::IdentityStore over it:
// the set-up of every test of the identity tables.
#include <memory>

#include "meridian/storage/identity_store.hpp"
#include "meridian/storage/migrations.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {

class IdentityStoreFixture : public PgTest {
 protected:
  // Leaves `store` null when PgTest skipped or failed; a derived SetUp checks that first.
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    storage::apply_migrations(url());
    store = std::make_unique<storage::IdentityStore>(url());
  }

  std::unique_ptr<storage::IdentityStore> store;
};

}  // namespace meridian::it
