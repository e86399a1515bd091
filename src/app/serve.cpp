#include "meridian/app/serve.hpp"
#include "meridian/app/trading_config.hpp"
#include "meridian/app/venue_config.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "app_log.hpp"
#include "meridian/alerts/alert_service.hpp"
#include "meridian/api/alert_routes.hpp"
#include "meridian/api/audit_trail.hpp"
#include "meridian/api/backtests.hpp"
#include "meridian/api/decision_routes.hpp"
#include "meridian/api/gateway_routes.hpp"
#include "meridian/api/http_server.hpp"
#include "meridian/api/identity.hpp"
#include "meridian/api/log_sources.hpp"
#include "meridian/api/log_stream.hpp"
#include "meridian/api/regime_tracker.hpp"
#include "meridian/api/routes.hpp"
#include "meridian/api/sentiment_routes.hpp"
#include "meridian/api/strategy_stream.hpp"
#include "meridian/app/auth_setup.hpp"
#include "meridian/app/fd_limit.hpp"
#include "meridian/app/feed_choice.hpp"
#include "meridian/app/gateway_choice.hpp"
#include "meridian/app/logging.hpp"
#include "meridian/app/reload.hpp"
#include "meridian/app/secrets_key.hpp"
#include "meridian/app/service_monitor.hpp"
#include "meridian/app/standby_listener.hpp"
#include "meridian/app/systemd_notify.hpp"
#include "meridian/app/tls_setup.hpp"
#include "meridian/market/calendar.hpp"
#include "meridian/storage/alert_store.hpp"
#include "meridian/storage/backtest_store.hpp"
#include "meridian/storage/decision_store.hpp"
#include "meridian/storage/identity_store.hpp"
#include "meridian/storage/migrations.hpp"
#include "meridian/storage/portfolio_host.hpp"
#include "meridian/storage/portfolio_lock.hpp"
#include "meridian/storage/recovery.hpp"
#include "meridian/storage/sentiment_store.hpp"
#include "meridian/storage/system_logs.hpp"

namespace meridian::app {

namespace fs = std::filesystem;

namespace {

// The configured subset of the default and --instrument instruments, in the order given.
core::InstrumentTable make_instruments(const Config& c) {
  auto all = configured_instruments(c);
  if (c.symbols.empty()) return core::InstrumentTable(std::move(all));
  core::InstrumentTable catalogue(all);
  std::vector<core::Instrument> chosen;
  for (const auto& s : c.symbols) {
    auto id = catalogue.find(s);
    if (!id) throw std::invalid_argument("unknown symbol in --symbols: " + s);
    chosen.push_back(catalogue.at(*id));
  }
  return core::InstrumentTable(std::move(chosen));
}

fs::path find_static_dir(const Config& c) {
  if (!c.static_dir.empty()) return c.static_dir;
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  // In a build tree: build/<preset>/src/meridiand beside the bundled dashboard in
  // build/<preset>/dashboard (web/build.mjs); installed: <prefix>/bin/meridiand with
  // <prefix>/share/meridian/static.
  for (const auto& candidate :
       {exe.parent_path().parent_path() / "dashboard", exe.parent_path().parent_path() / "share/meridian/static",
        fs::current_path() / "static"})
    if (fs::is_regular_file(candidate / "index.html", ec)) return candidate;
  return fs::current_path() / "static";
}

engine::PortfolioConfig engine_config(const Config& c) {
  engine::PortfolioConfig e;
  e.mode = engine::Mode::simulation;
  e.initial_capital = core::Money::from_double(c.initial_capital);
  e.strategy = engine::StrategyConfig::sma_crossover(c.fast_period, c.slow_period);
  e.strategy.position_fraction = c.position_fraction;
  e.autostart = c.autostart;
  e.journal_backlog_limit = static_cast<std::uint64_t>(c.journal_backlog_limit);
  e.limits = risk_limits(c);
  e.exits = {c.stop_loss_pct, c.take_profit_pct, c.trailing_stop_pct};
  e.use_calendars = c.calendars;
  e.calendars = make_calendars(c);  // checked at start-up (check_venue_config)
  return e;
}

constexpr engine::PortfolioId kPortfolioId = engine::kDefaultPortfolioId;

// The standby's own listener (standby_listener.hpp) on the daemon's address: /health says
// "standby" with a 503, so a load balancer never routes to it and an operator sees why. Null
// when it cannot listen (TLS configured, or the port is taken by a daemon on this host): the
// standby then waits without listening, as it says in the log.
std::unique_ptr<StandbyListener> standby_listener(boost::asio::io_context& io, const Config& config,
                                                  std::string reason) {
  if (!config.tls_cert.empty()) {
    app_log()->info("standby: TLS is configured, so /health is not served until the takeover");
    return nullptr;
  }
  try {
    auto listener =
        std::make_unique<StandbyListener>(io, config.host, static_cast<std::uint16_t>(config.port), std::move(reason));
    app_log()->info("standby: {}:{} answers /health with 503 standby until the takeover", config.host,
                    listener->port());
    return listener;
  } catch (const std::exception& e) {
    app_log()->warn("standby: not listening on {}:{} while waiting ({})", config.host, config.port, e.what());
    return nullptr;
  }
}

// Calls `fn` (on an io thread) at every delivery of one of `signals`' signals, until they are
// cancelled. `signals` must outlive the waits (serve's locals: they do).
void on_each_signal(boost::asio::signal_set& signals, std::function<void()> fn) {
  signals.async_wait([&signals, fn = std::move(fn)](const boost::system::error_code& ec, int) mutable {
    if (ec) return;
    fn();
    on_each_signal(signals, std::move(fn));
  });
}

// Hot standby: while another daemon holds the portfolio, wait (answering /health with a 503
// "standby", never writing the port file, so a load balancer or the port file only ever sees
// the active daemon) and take over as soon as its lock is released. False when a signal asked
// us to stop first.
bool wait_for_portfolio(boost::asio::io_context& io, boost::asio::signal_set& signals, storage::PortfolioLock& lock,
                        const Config& config) {
  if (lock.try_acquire()) return true;
  app_log()->warn("standby: portfolio {} is held by another meridiand on this database; waiting to take over",
                  kPortfolioId);
  const auto reason = "another meridiand holds portfolio " + std::to_string(kPortfolioId);
  systemd::status("standby: " + reason + "; waiting to take over");
  auto listener = standby_listener(io, config, reason);
  // Shared: the handler outlives this frame when cancelled (it runs, aborted, on a later run).
  auto stop = std::make_shared<bool>(false);
  signals.async_wait([stop](const boost::system::error_code& ec, int) { *stop = *stop || !ec; });
  const auto poll = std::chrono::milliseconds(config.standby_poll_ms);
  while (!*stop) {
    io.run_for(poll);
    if (*stop) break;
    try {
      if (lock.try_acquire()) break;
    } catch (const std::exception& e) {
      app_log()->warn("standby: database unreachable: {}", e.what());
    }
  }
  if (*stop) {
    app_log()->info("standby: stopped by signal before taking over");
    return false;
  }
  if (listener) listener->close();  // the port is the real listener's from here on
  signals.cancel();
  io.restart();
  app_log()->warn("standby: took over portfolio {}", kPortfolioId);
  systemd::status("recovering: took over portfolio " + std::to_string(kPortfolioId));
  return true;
}

}  // namespace

int migrate(const Config& config) {
  if (config.database_url.empty()) {
    app_log()->error("migrate needs --database-url or DATABASE_URL");
    return 2;
  }
  if (config.migrate_status) {
    try {
      const auto rows = storage::migration_status(config.database_url);
      std::size_t name_width = 4;  // "name"
      for (const auto& r : rows) name_width = std::max(name_width, r.name.size());
      int applied = 0, pending = 0, unknown = 0;
      std::cout << fmt::format("{:>7}  {:<{}}  {}\n", "version", "name", name_width, "applied at");
      for (const auto& r : rows) {
        std::string state = r.applied_at ? core::to_iso8601(*r.applied_at) : "pending";
        if (!r.known) {
          state += "  (unknown to this binary)";
          ++unknown;
        } else {
          ++(r.applied_at ? applied : pending);
        }
        std::cout << fmt::format("{:>7}  {:<{}}  {}\n", r.version, r.name, name_width, state);
      }
      std::cout << fmt::format("{} applied, {} pending", applied, pending);
      if (unknown) std::cout << fmt::format(", {} unknown to this binary", unknown);
      std::cout << std::endl;
      return 0;
    } catch (const std::exception& e) {
      app_log()->error("cannot read migration status: {}", e.what());
      return 1;
    }
  }
  try {
    auto report = storage::apply_migrations(config.database_url);
    app_log()->info("migrations: {} applied, {} already present", report.applied, report.already_applied);
    return 0;
  } catch (const std::exception& e) {
    app_log()->error("migration failed: {}", e.what());
    return 1;
  }
}

int serve(const Config& config) {
  const auto started = core::now();
  // With a database, warnings and errors are queued for system_logs from the start (the queue is
  // bounded), so the start-up's reach the table once its writer runs.
  if (!config.database_url.empty() && log_records()) log_records()->enable_queue(true);
  // Configuration mistakes first, before anything is opened (exit 2).
  const bool auth_on = auth_enabled(config);
  if (const auto problem = auth_config_problem(config); !problem.empty()) {
    app_log()->error("configuration error: {}", problem);
    return 2;
  }
  std::shared_ptr<boost::asio::ssl::context> tls;
  try {
    tls = load_server_tls(config);
  } catch (const std::exception& e) {
    app_log()->error("configuration error: {}", e.what());
    return 2;
  }
  std::optional<auth::TokenSigner> signer;
  if (auth_on) {
    try {
      auto made = auth::TokenSigner::create(load_signing_secret(config), kTokenIssuer);
      if (!made) throw std::runtime_error("the access-token signing secret is weak (one byte repeated)");
      signer.emplace(std::move(*made));
    } catch (const std::exception& e) {
      app_log()->error("configuration error: {}", e.what());
      return 2;
    }
  }
  // Each client is a descriptor: the soft limit goes up to the hard one before anything listens.
  if (const auto fds = raise_fd_limit(); !fds.error.empty())
    app_log()->warn("open files: cannot raise the limit of {}: {}", fds.before, fds.error);
  else if (fds.after != fds.before)
    app_log()->info("open files: limit raised from {} to {}", fds.before, fds.after);
  const int threads =
      config.threads > 0 ? config.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  boost::asio::io_context io(threads);
  // Registered first, so a SIGTERM during start-up waits for the handler installed below
  // instead of killing the process before the journal can be flushed.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  // SIGHUP reloads the configuration (below); caught from here on, so one sent during start-up
  // waits for the reloader instead of ending the process (its default action).
  boost::asio::signal_set hangups(io, SIGHUP);
  // SIGUSR1 is the kill switch for an operator with a shell and no API session; caught from
  // here on (its default action would end the process without flushing the journal).
  boost::asio::signal_set kill_signals(io, SIGUSR1);
  std::unique_ptr<core::InstrumentTable> instruments;
  engine::EngineRunner::FeedFactory feed;
  // Live gateways publish their status here; GET /api/gateway/status reads it.
  auto gateways = std::make_shared<execution::GatewayBoard>();
  // Which portfolio trades through which gateway; declared before the runner, which it outlives.
  std::unique_ptr<GatewayBindings> bindings;
  try {
    instruments = std::make_unique<core::InstrumentTable>(make_instruments(config));
    feed = choose_feed(config, *instruments);
    bindings =
        std::make_unique<GatewayBindings>(config, *instruments, gateways, state_dir(config) / "gateway-bindings.json");
  } catch (const std::exception& e) {
    app_log()->error("configuration error: {}", e.what());
    return 2;
  }
  auto engine_cfg = engine_config(config);

  systemd::status("recovering");
  engine::RecoveredState recovered;
  std::unique_ptr<storage::PortfolioLock> lock;
  storage::RecoverySummary recovery;
  double standby_ms = 0;
  if (config.database_url.empty()) {
    app_log()->warn("no database configured: state lives in memory only and is lost on exit");
  } else {
    try {
      auto migrations = storage::apply_migrations(config.database_url);
      if (migrations.applied) app_log()->info("applied {} migrations", migrations.applied);
      lock = std::make_unique<storage::PortfolioLock>(config.database_url, kPortfolioId, engine_cfg.initial_capital);
      const auto wait_started = std::chrono::steady_clock::now();
      if (!wait_for_portfolio(io, signals, *lock, config)) return 0;
      standby_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wait_started).count();
      lock->start_keeper(std::chrono::seconds(1));
      storage::RecoveryOptions options;
      options.portfolio_id = kPortfolioId;
      options.initial_capital = engine_cfg.initial_capital;
      try {
        auto report = storage::load_state(config.database_url, *instruments, options);
        recovered = std::move(report.state);
        recovery = report.summary;
      } catch (const storage::UnloadableState& e) {
        // Recovery never refuses to start on a value it wrote itself: the daemon comes up
        // read-only, shows what it can, and says why (issue 11 item 1).
        app_log()->critical("stored data cannot be loaded, starting READ-ONLY (trading refused until repaired): {}",
                            e.what());
        recovery.read_only_reason =
            "read-only: stored data cannot be loaded (" + std::string(e.what()).substr(0, 160) + ")";
      }
      recovery.from_database = true;
      recovery.standby_ms = standby_ms;
      recovery.writer_epoch = lock->epoch();
      app_log()->info(
          "recovery report: {} trades replayed, {} positions, {} bars, {} signals, {} strategy instances, session {}, "
          "cash {}, {:.1f} ms, {}",
          recovery.trades, recovery.positions, recovery.bars, recovery.signals, recovery.instances, recovery.session,
          recovered.cash.to_string(), recovery.duration_ms,
          recovery.reconciled ? "reconciled with the trade log" : "NOT reconciled: " + recovery.reconcile_detail);
    } catch (const std::exception& e) {
      app_log()->error("cannot start from the database: {}", e.what());
      return 1;
    }
  }
  const bool read_only = !recovery.read_only_reason.empty();
  if (read_only) {
    // Nothing trades and nothing is written: the stored state stays as it is for repair.
    engine_cfg.autostart = false;
  }

  engine::JournalQueue journal(1 << 16);

  engine::RunnerConfig runner_cfg;
  runner_cfg.tick_interval = std::chrono::milliseconds(config.tick_interval_ms);
  runner_cfg.publish_interval = std::chrono::milliseconds(config.publish_interval_ms);
  runner_cfg.history_bars = static_cast<std::size_t>(config.history_bars);
  runner_cfg.paper = paper_config(config);
  runner_cfg.durable_store = !config.database_url.empty() && !read_only;
  runner_cfg.read_only_reason = recovery.read_only_reason;
  market::SimConfig sim;
  sim.seed = config.sim_seed;
  sim.time_step = std::chrono::milliseconds(config.sim_time_step_ms);

  // The executor is the app's choice, like the feed: paper fills, or a broker gateway (--gateway).
  if (config.gateway != "paper")
    app_log()->warn("{}orders of portfolio {} go to the {} gateway at {}",
                    config.mode == "live" ? "LIVE TRADING: " : "", config.gateway_portfolio, config.gateway,
                    config.alpaca_trading_url);
  engine::EngineRunner runner(io, *instruments, engine_cfg, runner_cfg, sim, journal, std::move(recovered),
                              std::move(feed), bindings->factory());
  // Read-only: a memory-only writer, so the engine's records never touch the stored state.
  storage::JournalWriter writer(read_only ? std::string() : config.database_url, journal, *instruments, kPortfolioId,
                                [&runner](std::uint64_t seq) { runner.durable(kPortfolioId, seq); });
  if (lock && !read_only) {
    writer.set_fencing(lock->epoch(), [] { storage::exit_fenced(kPortfolioId); });
  }
  // The other portfolios: each with its own lock, recovery and writer. The daemon that holds
  // the default portfolio holds them all (a standby waited above for the default one's lock).
  storage::PortfolioHost::Options host_options;
  host_options.database_url = read_only ? std::string() : config.database_url;
  host_options.defaults = engine_cfg;
  host_options.defaults.journal_bars = false;
  host_options.shutdown_grace = std::chrono::milliseconds(config.shutdown_grace_ms);
  storage::PortfolioHost host(std::move(host_options), *instruments, runner);
  try {
    if (const auto joined = host.restore_all()) app_log()->info("{} more portfolios recovered", joined);
  } catch (const std::exception& e) {
    app_log()->error("cannot list the stored portfolios: {}", e.what());
    return 1;
  }

  // Accounts: the first administrator, then every live API key and user into memory.
  std::unique_ptr<storage::IdentityStore> identity_store;
  std::unique_ptr<api::Identity> identity;
  if (auth_on) {
    api::IdentityConfig identity_cfg;
    identity_cfg.registration = *api::parse_registration_mode(config.registration);
    identity_cfg.secrets = secrets_box(config);
    try {
      identity_store = std::make_unique<storage::IdentityStore>(config.database_url);
      bootstrap_admin(*identity_store, state_dir(config), identity_cfg.cost);
      identity = std::make_unique<api::Identity>(*identity_store, std::move(*signer), identity_cfg);
      if (auto loaded = identity->load(); !loaded) throw std::runtime_error(loaded.error().message());
    } catch (const std::exception& e) {
      app_log()->error("cannot start authentication: {}", e.what());
      return 1;
    }
    app_log()->info("auth on: registration {}, reads {}", config.registration,
                    config.public_read ? "open to anonymous callers" : "need a viewer");
    if (identity_cfg.secrets)
      app_log()->info("broker credentials are encrypted under secrets key {}", identity_cfg.secrets->key_id());
    else
      app_log()->warn("no secrets key (--secrets-key-file or {}): broker credentials cannot be stored", kSecretsKeyEnv);
  } else {
    app_log()->warn("auth off: every caller may trade; listening on loopback only");
  }

  // The audit trail: a row per state-changing request, from the HTTP server's I/O threads through
  // its own bounded queue and writer thread. Kept in a read-only daemon too: it is not the
  // trading state under repair, and refused attempts are worth seeing then as ever.
  std::unique_ptr<storage::AuditWriter> audit_writer;
  std::unique_ptr<storage::AuditStore> audit_store;
  std::unique_ptr<api::AuditTrail> audit;
  if (!config.database_url.empty()) {
    audit_writer = std::make_unique<storage::AuditWriter>(config.database_url);
    audit_store = std::make_unique<storage::AuditStore>(config.database_url);
    audit = std::make_unique<api::AuditTrail>(*audit_writer, *audit_store);
  }

  // Log records: warnings and errors into system_logs on a writer of their own (never blocking
  // a thread that logs), and the records for /api/logs and /ws/logs.
  std::unique_ptr<storage::SystemLogWriter> log_writer;
  std::unique_ptr<storage::SystemLogStore> log_store;
  std::unique_ptr<api::LogSources> log_sources;
  if (const auto& records = log_records()) {
    if (!config.database_url.empty()) {
      log_writer = std::make_unique<storage::SystemLogWriter>(config.database_url, *records);
      log_store = std::make_unique<storage::SystemLogStore>(config.database_url);
    }
    log_sources = std::make_unique<api::LogSources>(*records, log_store.get());
  }
  ConfigReloader reloader(config, runner, reread_config);

  api::ApiContext ctx{runner, *instruments, writer, started, kVersion, auth_on, {}, {}};
  ctx.logs = log_sources.get();
  ctx.reload = [&reloader]() -> api::ApiResult<nlohmann::json> {
    auto outcome = reloader.reload("POST /api/admin/reload");
    if (!outcome.ok)
      return {boost::system::in_place_error,
              api::api_error(api::http::status::unprocessable_entity, "invalid_config",
                             "the configuration was not reloaded: " + outcome.problem, {{"field", "config"}})};
    return {boost::system::in_place_value, std::move(outcome.answer)};
  };
  ctx.identity = identity.get();
  ctx.audit = audit.get();
  ctx.recovery = recovery;
  ctx.portfolios = read_only ? nullptr : &host;  // nothing may be created on a daemon that cannot write
  // Backtests through the API keep their results in backtest_results: without a database they
  // are refused (503) rather than kept in memory, since a result is a document read later, listed,
  // resampled and meant to outlive a restart; `meridiand backtest` runs without one. Not on a
  // read-only daemon: the rows it would mark interrupted are the writing daemon's.
  std::unique_ptr<storage::BacktestStore> backtest_store;
  std::unique_ptr<api::Backtests> backtests;
  if (!config.database_url.empty() && !read_only) {
    backtest_store = std::make_unique<storage::BacktestStore>(config.database_url);
    backtests = std::make_unique<api::Backtests>(*backtest_store, *instruments, config.database_url);
    backtests->mark_interrupted();
  }
  // Alerts live in `alerts` and are loaded before the engine starts, so none misses an event. Not
  // on a read-only daemon (its rows are the writing daemon's, which evaluates and delivers them).
  std::unique_ptr<storage::AlertStore> alert_store;
  std::unique_ptr<alerts::AlertService> alert_service;
  if (!config.database_url.empty() && !read_only) {
    // The retry policy from --alert-webhook-*, replaced on reload; the bounds are the defaults.
    alerts::ServiceLimits alert_limits;
    alert_limits.webhook = webhook_limits(config);
    alert_store = std::make_unique<storage::AlertStore>(config.database_url);
    alert_service = std::make_unique<alerts::AlertService>(io, *instruments, *alert_store, secrets_box(config),
                                                           runner.default_portfolio(), alert_limits);
    auto loaded = alert_service->load();
    if (!loaded) {
      app_log()->error("cannot load the stored alerts");
      return 1;
    }
    app_log()->info("{} alerts loaded", *loaded);
    alert_service->attach(runner.bus());
    reloader.set_webhook_policy(
        [service = alert_service.get()](const Config& next) { service->set_webhook_policy(webhook_limits(next)); });
  }
  // Sentiment items (#14 item 9) live in sentiment_data: without a database both routes answer
  // 503, as backtests and alerts do; a read-only daemon reads them but stores none.
  std::unique_ptr<api::SentimentBackend> sentiment;
  if (!config.database_url.empty())
    sentiment = std::make_unique<api::SentimentBackend>(config.database_url, !read_only);
  // Every symbol's market regime, from the default portfolio's bar closes, on a strand of its own.
  api::RegimeTracker regimes(io, *instruments, runner.default_portfolio());
  regimes.attach(runner.bus());
  ctx.regimes = &regimes;
  api::Router router;
  api::add_all_routes(router, ctx);
  api::add_backtest_routes(router, ctx, backtests.get());
  api::add_alert_routes(router, ctx, alert_service.get());
  api::add_sentiment_routes(router, ctx, sentiment.get());
  // The decision model's decisions live in ai_decisions: without a database they are refused
  // (503), as backtests. Sentiment is one more input, read from the sentiment routes' store
  // (sentiment_data over the last day; each call has a connection of its own).
  std::unique_ptr<storage::DecisionStore> decision_store;
  std::unique_ptr<api::Decisions> decisions;
  if (sentiment && !read_only) {
    decision_store = std::make_unique<storage::DecisionStore>(config.database_url);
    api::SentimentSource source = [store = &sentiment->store](const std::string& symbol,
                                                              core::Timestamp until) -> std::optional<double> {
      auto summary = store->aggregate(symbol, until - std::chrono::hours(24), until, std::chrono::hours(6));
      if (!summary || summary->items == 0) return std::nullopt;
      return summary->score;
    };
    decisions =
        std::make_unique<api::Decisions>(*decision_store, *instruments, std::move(source),
                                         api::DecisionConfig{.sentiment_weight = config.decision_sentiment_weight});
  }
  api::add_decision_routes(router, ctx, decisions.get());
  api::add_gateway_routes(router, gateways, ctx, bindings.get());
  const auto static_dir = find_static_dir(config);
  api::StaticFiles files(static_dir);
  api::WsHub hub(io, ctx, {.replay_entries = static_cast<std::size_t>(config.ws_replay)});
  ctx.ws_hub = &hub;
  hub.attach(runner.bus());
  // /ws/logs and /ws/strategies: declared after the hub, so they leave before it goes.
  std::unique_ptr<api::LogStream> log_stream;
  if (log_sources) {
    log_stream = std::make_unique<api::LogStream>(io, hub, log_sources->records);
    ctx.log_stream = log_stream.get();
    log_stream->start();
  }
  api::StrategyStream strategy_stream(io, hub, ctx);
  if (backtests)  // a backtest's progress goes to its owner's clients
    backtests->set_publisher([&hub](std::shared_ptr<const std::string> message, std::int64_t owner) {
      hub.publish(std::move(message), {.audience = api::WsTarget::main, .user = owner});
    });
  regimes.set_publisher([&hub](std::shared_ptr<const std::string> message, core::SymbolId symbol) {
    hub.publish(std::move(message), {.symbol = static_cast<int>(symbol), .audience = api::WsTarget::main});
  });
  if (alert_service)  // an alert goes to its owner's clients
    alert_service->set_publisher([&hub](std::shared_ptr<const std::string> message, std::int64_t owner) {
      hub.publish(std::move(message), {.audience = api::WsTarget::main, .user = owner});
    });
  // A gateway's state changes go to the clients of the portfolio trading through it. The hook
  // leaves before the hub does (declared after it), and the board calls it under its lock.
  gateways->on_state_change([&hub](const execution::GatewayStatus& status) {
    hub.publish(api::gateway_message(status), {.audience = api::WsTarget::main, .portfolio = status.portfolio_id});
  });
  struct UnhookGateways {
    execution::GatewayBoard& board;
    ~UnhookGateways() { board.on_state_change(nullptr); }
  } unhook_gateways{*gateways};

  api::ServerConfig server_cfg;
  server_cfg.host = config.host;
  server_cfg.port = static_cast<std::uint16_t>(config.port);
  server_cfg.body_limit = config.body_limit;
  server_cfg.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
  server_cfg.allowed_origins = config.allowed_origins;
  server_cfg.allowed_hosts = config.allowed_hosts;
  server_cfg.cors_origins = config.cors_origins;
  server_cfg.auth = {auth_on, config.public_read, config.ws_anonymous};
  server_cfg.rate_limit = {config.rate_limit, static_cast<std::uint32_t>(config.rate_burst)};
  // Checked when the configuration was read (config.cpp): a token given is a strong one.
  if (!config.metrics_token.empty())
    server_cfg.metrics_token = auth::SharedSecret::create(config.metrics_token).value();
  app_log()->info("requests: {}; /metrics: loopback{}",
                  config.rate_limit > 0
                      ? fmt::format("at most {}/s per client, bursts of {}", config.rate_limit, config.rate_burst)
                      : std::string("no rate limit"),
                  server_cfg.metrics_token ? " or the metrics token" : " only");
  server_cfg.tls = tls;
  api::HttpServer server(io, server_cfg, router, files, hub, identity.get());
  ctx.http_stats = &server.stats();
  if (audit_writer) {
    server.set_audit(audit_writer.get());
    audit_writer->start();
  }
  if (log_writer) log_writer->start();
  try {
    server.start();
  } catch (const std::exception& e) {
    app_log()->error("cannot listen on {}:{}: {}", config.host, config.port, e.what());
    return 1;
  }
  if (!config.port_file.empty()) {
    const auto tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << server.port() << "\n";
    fs::rename(tmp, config.port_file);
  }

  writer.start();
  runner.start();
  strategy_stream.start();
  // Recovery is done and the listener accepts: READY=1 (Type=notify), then status and watchdog.
  ServiceMonitor monitor(io, ctx);
  monitor.start();
  const auto shown_host = config.host == "0.0.0.0" || config.host == "127.0.0.1" ? "localhost" : config.host;
  app_log()->info("serving {} from {}", "dashboard", static_dir.string());
  std::cout << "Meridian " << kVersion << " listening on " << (tls ? "https://" : "http://") << shown_host << ":"
            << server.port()
            << (config.gateway == "paper" ? " (simulation mode)"
                : config.mode == "live"   ? " (LIVE TRADING: portfolio " + std::to_string(config.gateway_portfolio) +
                                              "'s orders go to " + config.gateway + " with real money)"
                                        : " (portfolio " + std::to_string(config.gateway_portfolio) + " trades on " +
                                              config.gateway + "'s paper account)")
            << std::endl;

  // SIGHUP: the configuration read again, what can change live applied (app/reload.hpp); a bad
  // file is logged as an error and changes nothing.
  on_each_signal(hangups, [&] { reloader.reload("SIGHUP"); });

  // SIGUSR1: the kill switch for every portfolio (engine::Portfolio::kill): halted, every open
  // order asked to cancel at its venue, sessions stopped. The same as POST /api/trading/kill on each.
  on_each_signal(kill_signals, [&] {
    const auto portfolios = runner.portfolios();
    app_log()->warn("SIGUSR1: kill switch thrown for {} portfolio(s)", portfolios->size());
    for (const auto& entry : *portfolios)
      runner.command(
          entry.id, [](engine::Portfolio& p) { return p.kill(0); },
          [id = entry.id](const engine::CommandResult& r) {
            if (r) app_log()->error("SIGUSR1: portfolio {} not killed: {}", id, r->message);
          });
  });

  std::thread shutdown_thread;
  bool others_clean = true;
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    app_log()->info("signal {}: draining", signo);
    monitor.stop();
    hangups.cancel();
    kill_signals.cancel();
    strategy_stream.stop();
    if (log_stream) log_stream->stop();
    server.stop();
    hub.close_all();
    runner.shutdown();
    // Joining the writer blocks, so it happens off the I/O threads.
    const auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config.shutdown_grace_ms);
    shutdown_thread = std::thread([&, stop_deadline] {
      writer.join(std::chrono::milliseconds(config.shutdown_grace_ms));
      if (backtests) backtests->stop();  // while the hub and the database are there
      if (decisions) decisions->stop();
      reloader.set_webhook_policy({});  // a late reload no longer reaches the stopping service
      if (alert_service) alert_service->stop();
      others_clean = host.join_all(std::chrono::milliseconds(config.shutdown_grace_ms));
      // Whatever is left of the grace period: with the database up the rows take milliseconds;
      // with it down they are lost anyway, and the stop must not outlast the supervisor's patience.
      if (audit_writer)
        audit_writer->stop(std::max(
            std::chrono::milliseconds(0),
            std::chrono::duration_cast<std::chrono::milliseconds>(stop_deadline - std::chrono::steady_clock::now())));
      if (log_writer)
        log_writer->stop(std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                    stop_deadline - std::chrono::steady_clock::now())));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let closing frames go out
      io.stop();
    });
  });

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  if (shutdown_thread.joinable()) shutdown_thread.join();
  const auto h = writer.health();
  app_log()->info("stopped: {} journal records in {} commits", h.records, h.commits);
  if ((!h.stopped_cleanly && !h.fenced) || !others_clean) {
    // Never exit 0 with records unwritten: a supervisor (and an operator) must know.
    app_log()->error(
        "SHUTDOWN WITH UNWRITTEN JOURNAL RECORDS: {} records ({}) were not made durable within --shutdown-grace-ms={}"
        " (and any the engine had not yet handed to the journal); they are lost. Last database error: {}",
        h.unwritten, h.unwritten_kinds.empty() ? "-" : h.unwritten_kinds, config.shutdown_grace_ms,
        h.last_error.empty() ? "-" : h.last_error);
    spdlog::shutdown();
    return 1;
  }
  return 0;
}

}  // namespace meridian::app
