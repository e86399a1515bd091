#pragma once
// Reads of the audit trail (sql/012_audit_log.sql) for GET /api/audit: a page of rows, newest
// first, filtered. Rows are written by AuditWriter.
//
// Contract: page() blocks on the database, so it runs on a worker thread, never an I/O thread;
// it opens a connection per call (an administrator's occasional read: nothing to keep open) and
// may be called from several threads at once. A database that is down or refuses the read is
// Errc::unavailable (logged), never an exception.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "meridian/core/error.hpp"
#include "meridian/core/time.hpp"
#include "meridian/storage/audit_sink.hpp"

namespace meridian::storage {

struct AuditFilter {
  std::size_t limit = 100;
  std::int64_t before = 0;  // only rows with a smaller id (the page after one ending there); 0: from the newest
  std::optional<std::int64_t> user_id;
  std::optional<std::int64_t> portfolio_id;
  std::optional<std::string> route;     // a route pattern, exactly
  std::optional<core::Timestamp> from;  // at >= from
  std::optional<core::Timestamp> to;    // at <= to
};

struct AuditRow {
  std::int64_t id = 0;
  AuditEntry entry;
};

class AuditStore {
 public:
  explicit AuditStore(std::string database_url) : url_(std::move(database_url)) {}

  // At most filter.limit rows matching the filter, by id descending (newest first).
  core::Result<std::vector<AuditRow>> page(const AuditFilter& filter) const;

 private:
  std::string url_;
};

}  // namespace meridian::storage
