#pragma once
// Schema migrations from sql/NNN_name.sql, embedded at build time and applied in order,
// each once (tracked in schema_migrations). Never edit an applied migration: add one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meridian/core/time.hpp"

namespace meridian::storage {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& embedded_migrations();

struct MigrationReport {
  int applied = 0;
  int already_applied = 0;
};

// Applies pending migrations under an advisory lock, so two starting processes cannot
// race. Throws on failure: a schema that cannot be brought up to date is a start-up error.
MigrationReport apply_migrations(const std::string& database_url);

// One row of `meridiand migrate --status`.
struct MigrationStatus {
  int version = 0;
  std::string name;
  std::optional<core::Timestamp> applied_at;  // empty: pending
  bool known = true;                          // false: recorded in the database, not in this binary
};

// Every migration this binary embeds plus every version the database records, by version.
// Only reads: a database never migrated (no schema_migrations) shows everything pending and
// is left as it was. Throws when the database cannot be read.
std::vector<MigrationStatus> migration_status(const std::string& database_url);

}  // namespace meridian::storage
