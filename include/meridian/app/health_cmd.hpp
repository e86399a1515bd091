#pragma once
// `meridiand health`: asks the daemon configured here (host, port, TLS from the same flags,
// environment and config file as `serve`) for GET /health and exits 0 only on a 200. For
// container and orchestrator health checks (docker/Dockerfile's HEALTHCHECK, compose's
// healthcheck) in an image that carries no curl.
namespace CLI {
class App;
}

namespace meridian::app {

struct Config;

class HealthCommand {
 public:
  explicit HealthCommand(CLI::App& app);
  HealthCommand(const HealthCommand&) = delete;  // the app holds pointers to the options
  HealthCommand& operator=(const HealthCommand&) = delete;
  bool parsed() const;
  // Exit code: 0 healthy (200); 1 answered but not healthy (503 degraded, down, standby), with
  // the body on stdout; 2 no answer within --timeout-ms (refused, reset, timed out).
  int run(const Config& config) const;

 private:
  CLI::App* health_;
  int timeout_ms_ = 3000;
};

}  // namespace meridian::app
