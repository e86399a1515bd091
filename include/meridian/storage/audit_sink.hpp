#pragma once
// The audit trail's row (sql/012_audit_log.sql) and the interface that takes rows: the HTTP
// server hands it one per state-changing request (api/audit.hpp builds them); AuditWriter
// (audit_writer.hpp) implements it over PostgreSQL. It lives here, below the API, so that
// storage can implement it and the server depend on nothing but it.
//
// Contract: record() is called on the I/O threads, for every state-changing request. It never
// waits on the database, a disk or another request, and never throws: a row it cannot take is
// dropped and counted by the implementation.
#include <cstdint>
#include <optional>
#include <string>

#include "meridian/auth/role.hpp"
#include "meridian/core/time.hpp"

namespace meridian::storage {

struct AuditEntry {
  core::Timestamp at{};      // when the request was dispatched
  std::int64_t user_id = 0;  // 0: anonymous (stored NULL)
  auth::Role role = auth::Role::anonymous;
  std::int64_t api_key_id = 0;               // 0: no API key (stored NULL)
  std::string address;                       // the peer's IP address; empty: unknown (stored NULL)
  std::string method;                        // "POST"
  std::string route;                         // the route's pattern: "/api/portfolios/{id}/trades"
  std::string path;                          // the path as requested, without the query
  std::optional<std::int64_t> portfolio_id;  // the portfolio the request named by id
  std::string params;                        // a JSON object, as text, with secrets redacted (api/audit.hpp)
  int status = 0;                            // the HTTP status answered
  std::string result;                        // "ok", or the error's code ("forbidden", "invalid_credentials", ...)
};

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Any thread; see the contract above.
  virtual void record(AuditEntry&& entry) noexcept = 0;
};

}  // namespace meridian::storage
