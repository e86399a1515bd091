#pragma once
// What handlers need: the engine (each portfolio's snapshot to read, a strand to post
// commands to) and the journal writers' health. (Read-mostly routes' answers are kept per
// snapshot by the server: read_cache.hpp.)
#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "meridian/api/api_error.hpp"

#include "meridian/engine/engine_runner.hpp"
#include "meridian/storage/journal_writer.hpp"
#include "meridian/storage/portfolio_host.hpp"
#include "meridian/storage/recovery.hpp"

namespace meridian::api {

struct ServerStats;   // http_server.hpp
class Identity;       // identity.hpp
struct AuditTrail;    // audit_trail.hpp
class WsHub;          // ws_hub.hpp
struct LogSources;    // log_sources.hpp
class LogStream;      // log_stream.hpp
class RegimeTracker;  // regime_tracker.hpp

struct ApiContext {
  engine::EngineRunner& runner;
  const core::InstrumentTable& instruments;
  const storage::JournalWriter& writer;
  core::Timestamp started_at;
  std::string version;
  bool enforce_auth = false;                // the same as ServerConfig::auth.enforce (handlers' role checks)
  const ServerStats* http_stats = nullptr;  // set once the server exists, before it starts
  storage::RecoverySummary recovery{};      // what this start recovered (GET /api/status)
  // Portfolios besides the default one (create, delete, their recovery and writers); set
  // before the server starts. Null: the daemon has only its default portfolio.
  storage::PortfolioHost* portfolios = nullptr;
  // Accounts, sessions and API keys; set before the server starts. Null: auth is off.
  Identity* identity = nullptr;
  // The audit trail; set before the server starts. Null: no database, no trail.
  AuditTrail* audit = nullptr;
  // The WebSocket hub, for GET /api/stats; set once it exists, before the server starts. May be null.
  const WsHub* ws_hub = nullptr;
  // Log records for GET /api/logs and /ws/logs; set before the server starts. Null: none kept.
  LogSources* logs = nullptr;
  // /ws/logs; set before the server starts. Null: the endpoint answers 404.
  LogStream* log_stream = nullptr;
  // POST /api/admin/reload: re-reads the configuration and applies what can change live (the
  // app's, app/reload.hpp); the answer's body, or 422 naming the problem with nothing changed.
  // Called on an I/O thread: it reads a file and posts to the engine, never waits on it. Unset:
  // no reload.
  std::function<ApiResult<nlohmann::json>()> reload{};
  // Every symbol's market regime for GET /api/engine/status; set before the server starts.
  // Null: the status has no "regime".
  const RegimeTracker* regimes = nullptr;

  // The default portfolio's (what /api/trading/* means without ?portfolio=).
  std::shared_ptr<const engine::Snapshot> snapshot() const { return runner.snapshot(); }
  // Null when there is no such portfolio.
  std::shared_ptr<const engine::Snapshot> snapshot(engine::PortfolioId id) const { return runner.snapshot(id); }
};

}  // namespace meridian::api
