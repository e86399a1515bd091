#pragma once
// The daemon's health verdict, one evaluation shared by GET /health and the service manager's
// STATUS= line (app/service_monitor.hpp). Any thread: it reads the published snapshot and the
// writer's and feed's health counters only.
#include <memory>
#include <string>

#include "meridian/api/api_context.hpp"
#include "meridian/market/feed.hpp"
#include "meridian/storage/journal_writer.hpp"

namespace meridian::api {

struct HealthVerdict {
  const char* status = "ok";     // "ok", "degraded" (serving; not everything durable) or "down"
  std::string reason;            // why not ok, first cause first; empty when ok
  const char* db_status = "ok";  // "ok", "down" or "disabled"
  storage::WriterHealth db;
  market::FeedHealth feed;
  std::shared_ptr<const engine::Snapshot> snapshot;  // the one evaluated
  long long snapshot_age_ms = 0;
  bool engine_ok = true;   // published a snapshot within the last 5 s
  bool read_only = false;  // stored data could not be loaded (ApiContext::recovery)
};

HealthVerdict evaluate_health(const ApiContext& ctx);

}  // namespace meridian::api
