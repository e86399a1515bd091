#pragma once
// Where GET /api/logs and /ws/logs read log records (ApiContext::logs): the records sink's ring
// (core/log_records.hpp), and with a database the system_logs table, read on a worker of its
// own with a short queue (full: 503 busy), never on an I/O thread.
#include <memory>

#include "meridian/api/worker_pool.hpp"
#include "meridian/core/log_records.hpp"
#include "meridian/storage/system_logs.hpp"

namespace meridian::api {

struct LogSources {
  LogSources(core::LogRecords& r, const storage::SystemLogStore* s) : records(r), store(s) {}

  core::LogRecords& records;
  const storage::SystemLogStore* store;  // null: no database, the ring answers
  WorkerPool readers{1, 16};             // last: stopped first, while the store still exists
};

}  // namespace meridian::api
