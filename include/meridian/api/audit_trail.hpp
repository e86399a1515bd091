#pragma once
// The audit trail as the handlers see it (ApiContext::audit): the writer, whose counters /metrics
// shows, and the reads of GET /api/audit, which block on the database and so run on a worker of
// their own with a short queue (a full queue is 503 busy), never on an I/O thread.
#include "meridian/api/worker_pool.hpp"
#include "meridian/storage/audit_store.hpp"
#include "meridian/storage/audit_writer.hpp"

namespace meridian::api {

struct AuditTrail {
  AuditTrail(storage::AuditWriter& w, const storage::AuditStore& s) : writer(w), store(s) {}

  storage::AuditWriter& writer;
  const storage::AuditStore& store;
  WorkerPool readers{1, 16};  // last: stopped first, while the store still exists
};

}  // namespace meridian::api
