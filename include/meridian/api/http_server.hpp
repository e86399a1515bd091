#pragma once
// The Beast HTTP listener: keep-alive sessions on their own strands, a body limit, read
// timeouts, routing through the Router, static files, and the /ws upgrade; plain HTTP, or only
// TLS (HTTPS and wss://) when configured with a TLS context.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "meridian/api/auth_gate.hpp"
#include "meridian/api/cors.hpp"
#include "meridian/api/request_guard.hpp"
#include "meridian/api/route_stats.hpp"
#include "meridian/api/router.hpp"
#include "meridian/api/static_files.hpp"
#include "meridian/api/ws_hub.hpp"
#include "meridian/storage/audit_sink.hpp"

namespace boost::asio::ssl {
class context;
}

namespace meridian::api {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see HttpServer::port())
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds read_timeout{30'000};
  // Whether the route table's roles are enforced, and reads opened to anonymous callers
  // (auth_gate.hpp). Enforced needs the server's Identity.
  AuthPolicy auth;
  // The request rate limit per principal or anonymous address (rate_limiter.hpp); off unless
  // set (meridiand's --rate-limit sets it).
  RateLimit rate_limit;
  // The token that admits a non-loopback caller to /metrics (auth_gate.hpp's scrape rule);
  // none: /metrics answers loopback callers only.
  std::optional<auth::SharedSecret> metrics_token;
  // Added to the daemon's own origins and names (request_guard.hpp): browser origins whose
  // pages may send state-changing requests and open WebSockets, and Host names answered.
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_hosts;
  // Browser origins answered with CORS headers (cors.hpp); each is also an allowed origin.
  std::vector<std::string> cors_origins;
  // Non-null: the listener speaks only TLS, with this server context
  // (transport::make_server_tls). A connection completes its handshake within read_timeout or
  // is dropped; a plain-HTTP request gets a plain 400 saying so; every response carries
  // Strict-Transport-Security; the daemon's own origins are https://.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

struct ServerStats {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> client_errors{0};
  std::atomic<std::uint64_t> server_errors{0};
  // By route of the table (sized by the server from its router) and status class, with latency.
  RouteStats routes;
  const WsHub* ws = nullptr;  // its clients, for /metrics (set by the server)
};

class HttpSession;
class Identity;
class ReadCache;  // read_cache.hpp

class HttpServer {
 public:
  // `identity` authenticates requests; null (auth off) is only valid when auth is not enforced.
  // Throws std::invalid_argument for an invalid CORS origin.
  HttpServer(boost::asio::io_context& io, ServerConfig config, const Router& router, const StaticFiles& files,
             WsHub& hub, Identity* identity = nullptr);
  ~HttpServer();

  // Binds and starts accepting. Throws boost::system::system_error when the address
  // cannot be bound, std::invalid_argument for an invalid allowed origin or host (start-up
  // errors).
  void start();
  std::uint16_t port() const noexcept { return port_; }
  // Stops accepting; idle keep-alive connections close, busy ones after their response.
  void stop();
  bool draining() const noexcept { return draining_.load(std::memory_order_relaxed); }

  const ServerConfig& config() const noexcept { return config_; }
  const Router& router() const noexcept { return router_; }
  const StaticFiles& files() const noexcept { return files_; }
  // Valid once started (it knows the bound port).
  const RequestGuard& guard() const noexcept { return *guard_; }
  const Cors& cors() const noexcept { return cors_; }
  WsHub& hub() noexcept { return hub_; }
  Identity* identity() noexcept { return identity_; }
  // Where every state-changing request's audit row goes (null: no audit trail). Set before start().
  void set_audit(storage::AuditSink* sink) noexcept { audit_ = sink; }
  storage::AuditSink* audit() noexcept { return audit_; }
  // The one enforcement point every routed request passes (auth_gate.hpp).
  Gate& gate() noexcept { return gate_; }
  ServerStats& stats() noexcept { return stats_; }
  // The snapshot_read routes' answers (read_cache.hpp).
  ReadCache& read_cache() noexcept { return *read_cache_; }

  // Open connections, shared with the sessions so one that outlives the server (its
  // handler destroyed with the io_context) can still remove itself safely.
  struct Registry {
    std::mutex mutex;  // connection open/close only, never per request
    std::unordered_map<std::uint64_t, std::weak_ptr<HttpSession>> sessions;
    std::uint64_t next_id = 0;
  };

 private:
  void do_accept();

  boost::asio::io_context& io_;
  ServerConfig config_;
  const Router& router_;
  const StaticFiles& files_;
  WsHub& hub_;
  Identity* identity_;
  storage::AuditSink* audit_ = nullptr;
  Gate gate_;
  Cors cors_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::optional<RequestGuard> guard_;
  std::atomic<bool> draining_{false};
  ServerStats stats_;
  std::shared_ptr<Registry> registry_ = std::make_shared<Registry>();
  std::unique_ptr<ReadCache> read_cache_;
};

}  // namespace meridian::api
