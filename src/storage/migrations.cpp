#include "meridian/storage/migrations.hpp"

#include <map>
#include <pqxx/pqxx>

#include "pg_codec.hpp"
#include "storage_log.hpp"

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
    storage_log()->info("applied migration {}", m.name);
    ++report.applied;
  }
  return report;
}

std::vector<MigrationStatus> migration_status(const std::string& database_url) {
  std::map<int, MigrationStatus> by_version;
  for (const auto& m : embedded_migrations())
    by_version.emplace(m.version, MigrationStatus{m.version, std::string(m.name), std::nullopt, true});
  pqxx::connection conn(database_url);
  pqxx::read_transaction tx(conn);
  // Resolved through search_path, as apply_migrations' unqualified CREATE TABLE is. Without
  // the table nothing is applied; status does not create it.
  if (tx.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].as<bool>()) {
    for (const auto& r :
         tx.exec("SELECT version, name, (extract(epoch from applied_at) * 1000000)::bigint AS applied_us"
                 " FROM schema_migrations")) {
      const int version = r["version"].as<int>();
      // Not embedded here: applied by a newer meridiand, or its file was removed.
      auto& status = by_version.try_emplace(version, MigrationStatus{version, r["name"].c_str(), std::nullopt, false})
                         .first->second;
      status.applied_at = pg::micros(r["applied_us"]);
    }
  }
  std::vector<MigrationStatus> rows;
  rows.reserve(by_version.size());
  for (auto& entry : by_version) rows.push_back(std::move(entry.second));
  return rows;
}

}  // namespace meridian::storage
