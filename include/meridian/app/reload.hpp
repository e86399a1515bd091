#pragma once
// Configuration reload (SIGHUP, POST /api/admin/reload): the configuration read again as at
// start (the same arguments and environment, the file re-read, the same checks), compared key by
// key with the one in force, and what can change live applied:
// - risk limits (max-order-notional ... price-band): the default portfolio's, posted to the
//   engine strand as POST /api/risk/limits would (only the keys that changed, so limits an
//   operator set over the API on other keys stay); other portfolios keep their own limits;
// - log-level: every logger at once;
// - holiday, early-close: the default portfolio's venue calendars (the venues themselves are
//   start-up configuration), posted to the strand.
// - alert-webhook-timeout-ms, -attempts, -backoff-ms: the webhooks' retry policy, through the
//   hook set_webhook_policy() installs (none when alerts are off).
// Every other key that differs (listen address, database URL, threads, feed, ...) needs a
// restart and is named in the answer, never its value (some are secrets).
//
// Contract: reload() may be called from any thread (a signal handler's completion on an I/O
// thread, an HTTP handler); calls are serialised. It never waits on the engine. A configuration
// that fails to parse or check changes nothing: reload() returns its problem.
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meridian/app/config.hpp"
#include "meridian/engine/engine_runner.hpp"

namespace meridian::app {

// The keys (long option names, as in the config file) whose values differ between two
// configurations: `live` ones apply without a restart, `restart` ones do not.
struct ConfigDiff {
  std::vector<std::string> live;
  std::vector<std::string> restart;
};
ConfigDiff diff_config(const Config& before, const Config& after);

struct ReloadOutcome {
  bool ok = false;
  std::string problem;  // !ok: why nothing changed
  // ok: {"applied": [keys], "restart_required": [keys], "unchanged": bool, "notes": [text]}
  nlohmann::json answer;
};

class ConfigReloader {
 public:
  // `read` reads and checks the configuration again (throws std::exception naming the problem).
  ConfigReloader(Config current, engine::EngineRunner& runner, std::function<Config()> read);
  ReloadOutcome reload(std::string_view trigger);
  // Called with the new configuration when an alert-webhook-* key changed; set before the first
  // reload, cleared (an empty function) before what it calls goes away.
  void set_webhook_policy(std::function<void(const Config&)> hook);

 private:
  void apply(const Config& next, const ConfigDiff& diff);

  std::mutex mutex_;  // one reload at a time; current_ under it
  Config current_;
  engine::EngineRunner& runner_;
  std::function<Config()> read_;
  std::function<void(const Config&)> webhook_policy_;  // under mutex_
};

}  // namespace meridian::app
