#include "meridian/storage/migrations.hpp"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

namespace meridian::storage {

namespace {
// Any constant shared by every Meridian process: serialises concurrent migrators.
constexpr long long kMigrationLock = 0x4d6572696469616e;  // "Meridian"
}  // namespace

MigrationReport apply_migrations(const std::string& database_url) {
  pqxx::connection conn(database_url);
  MigrationReport report;
  {
    // Creating the table races too (pg_type uniqueness), so it happens under the lock.
    pqxx::work tx(conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    tx.exec0(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    tx.commit();
  }
  for (const auto& m : embedded_migrations()) {
    pqxx::work tx(conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    if (!tx.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version).empty()) {
      ++report.already_applied;
      continue;
    }
    tx.exec0(std::string(m.sql));
    tx.exec_params0("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, std::string(m.name));
    tx.commit();
    spdlog::info("applied migration {}", m.name);
    ++report.applied;
  }
  return report;
}

}  // namespace meridian::storage
