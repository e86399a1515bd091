#pragma once
// Schema migrations from sql/NNN_name.sql, embedded at build time and applied in order,
// each once (tracked in schema_migrations). Never edit an applied migration: add one.
#include <string>
#include <string_view>
#include <vector>

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

}  // namespace meridian::storage
