#include "meridian/app/config.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "meridian/api/request_guard.hpp"
#include "meridian/app/backtest_cmd.hpp"
#include "meridian/app/data_cmd.hpp"
#include "meridian/app/health_cmd.hpp"
#include "meridian/app/indicators_cmd.hpp"
#include "meridian/app/journal_cmd.hpp"
#include "meridian/app/secrets.hpp"
#include "meridian/app/secrets_cmd.hpp"
#include "meridian/app/secrets_key.hpp"
#include "meridian/app/serve.hpp"
#include "meridian/app/trading_config.hpp"
#include "meridian/app/user_cmd.hpp"
#include "meridian/app/venue_config.hpp"
#include "meridian/auth/shared_secret.hpp"
#include "meridian/core/fixed.hpp"
#include "meridian/engine/id_space.hpp"
#include "meridian/market/calendar.hpp"

namespace meridian::app {

namespace {

// Browser origins (--allowed-origin, --cors-origin): scheme://host[:port], as request_guard
// normalises them.
CLI::Validator origin_check() {
  return CLI::Validator(
      [](std::string& value) {
        return api::normalize_origin(value) ? std::string() : "not an origin (scheme://host[:port]): " + value;
      },
      "ORIGIN");
}

// A repeatable option of `NAME=...` entries, each checked by its parser (`parse(text, error)`,
// which says in `error` what is wrong): a bad entry is refused with the parser's own message.
template <class Parsed>
void add_entries(CLI::App& app, const std::string& flag, std::vector<std::string>& into, const std::string& help,
                 Parsed (*parse)(std::string_view, std::string&), const std::string& form) {
  app.add_option(flag, into, help)
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(CLI::Validator(
          [parse](std::string& value) {
            std::string error;
            return parse(value, error) ? std::string() : error;
          },
          form));
}

// A request rate: "N/s", "N/min" or "N" (per second), N a number from 0 to 1,000,000 per
// second; nullopt otherwise.
std::optional<double> parse_rate(std::string_view text) {
  double per = 1;
  if (text.ends_with("/s")) {
    text.remove_suffix(2);
  } else if (text.ends_with("/min")) {
    text.remove_suffix(4);
    per = 60;
  }
  double n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(n) || n < 0 || n / per > 1e6)
    return std::nullopt;
  return n / per;
}

// The largest amount (money, quantity) the ledger holds, in whole units (core/fixed.hpp): a
// configured capital or limit beyond it is refused here, never clamped later.
constexpr double kMaxAmount = static_cast<double>(core::kMaxFixedRaw / core::kFixedScale);

void add_options(CLI::App& app, Config& c) {
  app.add_option("--host", c.host, "Address to listen on")->envname("MERIDIAN_HOST");
  app.add_option("--port", c.port, "Port to listen on (0: any free port)")
      ->envname("MERIDIAN_PORT")
      ->check(CLI::Range(0, 65535));
  app.add_option("--port-file", c.port_file, "Write the bound port to this file once listening");
  app.add_option("--static-dir", c.static_dir, "Directory of the dashboard files")->envname("MERIDIAN_STATIC_DIR");
  app.add_option("--threads", c.threads, "I/O threads (0: one per core)")
      ->envname("MERIDIAN_THREADS")
      ->check(CLI::Range(0, 256));
  app.add_option("--body-limit", c.body_limit, "Largest request body in bytes")
      ->envname("MERIDIAN_BODY_LIMIT")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{64} << 20));
  app.add_option("--read-timeout-ms", c.read_timeout_ms, "Idle time before a connection is closed")
      ->check(CLI::Range(100, 3'600'000));
  // Cross-site and DNS-rebinding defence (api/request_guard.hpp): what is allowed besides
  // the daemon's own origins and names.
  app.add_option("--allowed-origin", c.allowed_origins,
                 "A browser origin (scheme://host[:port]) whose pages may send commands and open "
                 "WebSockets, besides the daemon's own; repeatable")
      ->envname("MERIDIAN_ALLOWED_ORIGINS")
      ->expected(1)
      ->delimiter(',')
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(origin_check());
  app.add_option("--cors-origin", c.cors_origins,
                 "A browser origin (scheme://host[:port]) whose pages may call the API cross-origin (CORS "
                 "headers, preflights answered); also an allowed origin; repeatable; none by default")
      ->envname("MERIDIAN_CORS_ORIGIN")
      ->expected(1)
      ->delimiter(',')
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(origin_check());
  app.add_option("--allowed-host", c.allowed_hosts,
                 "A Host name (optionally :port) answered besides localhost, 127.0.0.1, ::1 and the bound "
                 "address; repeatable")
      ->envname("MERIDIAN_ALLOWED_HOSTS")
      ->expected(1)
      ->delimiter(',')
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check(CLI::Validator(
          [](std::string& value) {
            return api::normalize_host(value) ? std::string() : "not a host name or address: " + value;
          },
          "HOST[:PORT]"));
  // The native TLS listener (app/tls_setup.hpp): both files or neither.
  app.add_option("--tls-cert", c.tls_cert,
                 "PEM certificate chain (the server's certificate first) to serve HTTPS and wss:// only; needs "
                 "--tls-key")
      ->envname("MERIDIAN_TLS_CERT");
  app.add_option("--tls-key", c.tls_key,
                 "PEM private key of --tls-cert: unencrypted, readable by its owner only (mode 600)")
      ->envname("MERIDIAN_TLS_KEY");
  // Authentication (issue 13; app/auth_setup.hpp).
  app.add_option("--auth", c.auth,
                 "on: every route but the public ones needs a token or API key (default when a database is "
                 "configured; needs one); off: no accounts, and the daemon listens on loopback only")
      ->envname("MERIDIAN_AUTH")
      ->check(CLI::IsMember({"on", "off"}));
  app.add_option("--public-read", c.public_read, "Open reads (viewer routes) to callers without credentials")
      ->envname("MERIDIAN_PUBLIC_READ");
  app.add_option("--ws-anonymous", c.ws_anonymous,
                 "WebSocket clients without credentials get public market data (prices, bars, candles); false: "
                 "a socket must authenticate within 5 s")
      ->envname("MERIDIAN_WS_ANONYMOUS");
  app.add_option("--registration", c.registration,
                 "Who may create an account with POST /api/auth/register: open, invite (nobody yet: admins create "
                 "accounts) or closed")
      ->envname("MERIDIAN_REGISTRATION")
      ->check(CLI::IsMember({"open", "invite", "closed"}));
  app.add_option("--jwt-secret-file", c.jwt_secret_file,
                 "File holding the access-token signing secret (mode 600, at least 32 bytes); default: generated "
                 "on the first start into the state directory")
      ->envname("MERIDIAN_JWT_SECRET_FILE");
  app.add_option("--secrets-key-file", c.secrets_key_file,
                 "File holding the key broker credentials are encrypted under (mode 600; 32 bytes as 64 hex digits "
                 "or base64), or MERIDIAN_SECRETS_KEY; without one, broker credentials cannot be stored")
      ->envname("MERIDIAN_SECRETS_KEY_FILE");
  app.add_option("--state-dir", c.state_dir,
                 "Directory for the daemon's own files (signing secret, first admin password); default: "
                 "$STATE_DIRECTORY, else .run")
      ->envname("MERIDIAN_STATE_DIR");
  // Abuse limits (issue 13 item 6).
  app.add_option("--rate-limit", c.rate_limit,
                 "Requests per second of each signed-in principal (API key or user), or of each anonymous "
                 "address: N/s, N/min or N (per second); 0: no limit")
      ->envname("MERIDIAN_RATE_LIMIT")
      ->transform(CLI::Validator(
          [](std::string& value) {
            auto rate = parse_rate(value);
            if (!rate) return "not a rate (N/s, N/min or N per second, 0 to 1000000): " + value;
            char text[32];
            value.assign(text, std::to_chars(text, text + sizeof text, *rate).ptr);  // shortest exact form
            return std::string();
          },
          "RATE"));
  app.add_option("--rate-burst", c.rate_burst, "Requests a rested client may send at once under --rate-limit")
      ->envname("MERIDIAN_RATE_BURST")
      ->check(CLI::Range(1, 1'000'000));
  // Secrets: the environment, a file or the config file; a flag is accepted but wiped (secrets.hpp).
  auto* metrics_token = app.add_option("--metrics-token", c.metrics_token,
                                       "Token (at least 16 characters) that opens /metrics to non-loopback callers "
                                       "as Authorization: Bearer <token> (prefer MERIDIAN_METRICS_TOKEN or "
                                       "--metrics-token-file: a command line is visible to every local user)")
                            ->envname("MERIDIAN_METRICS_TOKEN");
  app.add_option("--metrics-token-file", c.metrics_token_file, "File holding the /metrics token (mode 600 or stricter)")
      ->envname("MERIDIAN_METRICS_TOKEN_FILE")
      ->excludes(metrics_token);
  app.add_option("--database-url", c.database_url,
                 "PostgreSQL URL (also MERIDIAN_DATABASE_URL or DATABASE_URL); empty: memory only")
      ->envname("MERIDIAN_DATABASE_URL");
  app.add_option("--symbols", c.symbols, "Symbols to trade (default: the ten defaults)")
      ->envname("MERIDIAN_SYMBOLS")
      ->delimiter(',');
  app.add_option("--initial-capital", c.initial_capital, "Paper capital of a new portfolio")
      ->envname("MERIDIAN_INITIAL_CAPITAL")
      ->check(CLI::Range(1.0, kMaxAmount));
  app.add_option("--fee-bps", c.fee_bps, "Paper taker fee in basis points of notional")->check(CLI::Range(0.0, 1000.0));
  app.add_option("--maker-fee-bps", c.maker_fee_bps, "Paper maker fee (resting limit orders), basis points")
      ->check(CLI::Range(0.0, 1000.0));
  add_entries(app, "--venue-fee", c.venue_fees,
              "Fees of one venue, VENUE=MAKER_BPS:TAKER_BPS (crypto, nse, nyse or a --venue); repeatable",
              parse_venue_fee, "VENUE=MAKER:TAKER");
  app.add_option("--slippage-bps", c.slippage_bps, "Paper market orders: fixed slippage, basis points")
      ->check(CLI::Range(0.0, 1000.0));
  app.add_option("--impact-bps", c.impact_bps, "Paper market orders: impact at an order the size of a tick's volume")
      ->check(CLI::Range(0.0, 10000.0));
  app.add_option("--max-participation", c.max_participation, "Share of a tick's volume one order may fill, (0, 1]")
      ->check(CLI::Range(0.0001, 1.0));
  app.add_option("--fill-latency-ms", c.fill_latency_ms, "Paper fills: time from decision to the earliest fill")
      ->check(CLI::Range(0, 60'000));
  app.add_option("--max-order-notional", c.max_order_notional, "Risk: largest order value (0: no limit)")
      ->check(CLI::Range(0.0, kMaxAmount));
  app.add_option("--max-order-quantity", c.max_order_quantity, "Risk: largest order quantity (0: no limit)")
      ->check(CLI::Range(0.0, kMaxAmount));
  app.add_option("--max-position-notional", c.max_position_notional, "Risk: largest position value per symbol")
      ->check(CLI::Range(0.0, kMaxAmount));
  app.add_option("--max-open-positions", c.max_open_positions, "Risk: most symbols held at once (0: no limit)")
      ->check(CLI::Range(0, 100'000));
  app.add_option("--max-gross-exposure", c.max_gross_exposure, "Risk: largest sum of position values (0: no limit)")
      ->check(CLI::Range(0.0, kMaxAmount));
  app.add_option("--max-daily-loss", c.max_daily_loss, "Risk: loss in a UTC day that stops new entries until the next")
      ->check(CLI::Range(0.0, kMaxAmount));
  app.add_option("--max-drawdown", c.max_drawdown, "Risk: fall from peak equity (fraction) that halts the portfolio")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--max-orders-per-minute", c.max_orders_per_minute, "Risk: order rate limit (0: none)")
      ->check(CLI::Range(0, 4096));
  app.add_option("--price-band", c.price_band,
                 "Risk: largest distance of a limit/stop price from the last trade, as a fraction (0: off)")
      ->check(CLI::Range(0.0, 10.0));
  app.add_option("--stop-loss-pct", c.stop_loss_pct, "Exits: stop-loss placed with each strategy entry, percent")
      ->check(CLI::Range(0.0, 99.0));
  app.add_option("--take-profit-pct", c.take_profit_pct, "Exits: take-profit placed with each strategy entry, percent")
      ->check(CLI::Range(0.0, 1000.0));
  app.add_option("--trailing-stop-pct", c.trailing_stop_pct, "Exits: trailing stop with each strategy entry, percent")
      ->check(CLI::Range(0.0, 99.0));
  app.add_option("--position-fraction", c.position_fraction, "Share of equity per entry")
      ->check(CLI::Range(0.0001, 1.0));
  app.add_option("--fast-period", c.fast_period, "SMA crossover fast period")->check(CLI::Range(1, 1000));
  app.add_option("--slow-period", c.slow_period, "SMA crossover slow period")->check(CLI::Range(2, 1000));
  app.add_option("--autostart", c.autostart, "Start trading on a first start (no saved session)")
      ->envname("MERIDIAN_AUTOSTART");
  app.add_option("--tick-interval-ms", c.tick_interval_ms, "Simulated feed: wall time between ticks (0: flat out)")
      ->envname("MERIDIAN_TICK_INTERVAL_MS")
      ->check(CLI::Range(0, 60'000));
  app.add_option("--sim-time-step-ms", c.sim_time_step_ms, "Simulated feed: market time per tick")
      ->envname("MERIDIAN_SIM_TIME_STEP_MS")
      ->check(CLI::Range(1, 3'600'000));
  app.add_option("--sim-seed", c.sim_seed, "Simulated feed: random seed")->envname("MERIDIAN_SIM_SEED");
  app.add_option(
         "--feed", c.feed,
         "Market data: simulated, csv (replay --replay-file), coinbase (live REST), binance or alpaca (live WSS)")
      ->envname("MERIDIAN_FEED")
      ->check(CLI::IsMember({"simulated", "csv", "coinbase", "binance", "alpaca"}));
  app.add_option("--coinbase-url", c.coinbase_url, "Coinbase feed: Exchange REST base URL (https://)")
      ->envname("MERIDIAN_COINBASE_URL");
  app.add_option("--coinbase-poll-ms", c.coinbase_poll_ms, "Coinbase feed: ticker poll interval per product")
      ->envname("MERIDIAN_COINBASE_POLL_MS")
      ->check(CLI::Range(100, 3'600'000));
  app.add_option("--coinbase-backfill-minutes", c.coinbase_backfill_minutes,
                 "Coinbase feed: 1-minute candles fetched on start and at most after a gap (0: none)")
      ->check(CLI::Range(0, 300));
  app.add_option("--binance-ws-url", c.binance_ws_url, "Binance feed: combined-stream WebSocket base URL (wss://)")
      ->envname("MERIDIAN_BINANCE_WS_URL");
  app.add_option("--binance-rest-url", c.binance_rest_url, "Binance feed: REST base URL for kline backfill (https://)")
      ->envname("MERIDIAN_BINANCE_REST_URL");
  app.add_option("--alpaca-ws-url", c.alpaca_ws_url, "Alpaca feed: market data stream URL, wss://.../v2/{iex|sip}")
      ->envname("MERIDIAN_ALPACA_WS_URL");
  app.add_option("--alpaca-rest-url", c.alpaca_rest_url, "Alpaca feed: market data REST base URL for bar backfill")
      ->envname("MERIDIAN_ALPACA_REST_URL");
  app.add_option("--alpaca-key-id", c.alpaca_key_id, "Alpaca feed: API key id")->envname("MERIDIAN_ALPACA_KEY_ID");
  // Secrets: the environment, a file or the config file; a flag is accepted but wiped (secrets.hpp).
  auto* secret_key = app.add_option("--alpaca-secret-key", c.alpaca_secret_key,
                                    "Alpaca feed: API secret key (prefer MERIDIAN_ALPACA_SECRET_KEY or "
                                    "--alpaca-secret-file: a command line is visible to every local user)")
                         ->envname("MERIDIAN_ALPACA_SECRET_KEY");
  app.add_option("--alpaca-secret-file", c.alpaca_secret_file,
                 "Alpaca feed: file holding the API secret key (mode 600 or stricter)")
      ->envname("MERIDIAN_ALPACA_SECRET_FILE")
      ->excludes(secret_key);
  app.add_option("--gateway", c.gateway,
                 "Orders: paper (every portfolio on the paper executor), alpaca or binance (--gateway-portfolio "
                 "trades through Alpaca's trading API or Binance spot)")
      ->envname("MERIDIAN_GATEWAY")
      ->check(CLI::IsMember({"paper", "alpaca", "binance"}));
  app.add_option("--gateway-portfolio", c.gateway_portfolio,
                 "Orders: the portfolio id that trades through --gateway (the default portfolio, 1, unless said); "
                 "every other portfolio stays on the paper executor")
      ->envname("MERIDIAN_GATEWAY_PORTFOLIO")
      ->check(CLI::Range(engine::kDefaultPortfolioId, engine::kMaxPortfolioId));
  app.add_option("--mode", c.mode,
                 "paper (the default) or live: a gateway URL that reaches real money (not Alpaca's paper endpoint) "
                 "is refused unless this says live")
      ->envname("MERIDIAN_MODE")
      ->check(CLI::IsMember({"paper", "live"}));
  app.add_option("--alpaca-url", c.alpaca_trading_url,
                 "Alpaca gateway: trading REST base URL (https://paper-api.alpaca.markets for paper trading)")
      ->envname("MERIDIAN_ALPACA_URL");
  app.add_option("--alpaca-stream-url", c.alpaca_stream_url, "Alpaca gateway: trade_updates stream URL (wss://)")
      ->envname("MERIDIAN_ALPACA_STREAM_URL");
  app.add_option("--alpaca-trading-key-id", c.alpaca_trading_key_id, "Alpaca gateway: API key id")
      ->envname("APCA_API_KEY_ID");
  app.add_option("--alpaca-trading-secret-key", c.alpaca_trading_secret_key,
                 "Alpaca gateway: API secret key (prefer APCA_API_SECRET_KEY or the config file: a command line is "
                 "visible to every local user)")
      ->envname("APCA_API_SECRET_KEY");
  app.add_option("--reconcile-interval", c.reconcile_interval_s,
                 "Live gateway: seconds between reconciliations with the venue (open orders, positions); also "
                 "after every stream (re)connect")
      ->envname("MERIDIAN_RECONCILE_INTERVAL")
      ->check(CLI::Range(1, 86'400));
  app.add_option("--alpaca-orders-per-minute", c.alpaca_orders_per_minute,
                 "Alpaca gateway: new orders sent per minute at most, every portfolio on the account together; "
                 "beyond it an order is rejected (venue_order_rate) rather than sent into Alpaca's 429")
      ->envname("MERIDIAN_ALPACA_ORDERS_PER_MINUTE")
      ->check(CLI::Range(1, 10'000));
  app.add_flag("--binance-testnet", c.binance_testnet,
               "Binance gateway: Binance's spot testnet (https://testnet.binance.vision) instead of production")
      ->envname("MERIDIAN_BINANCE_TESTNET");
  app.add_option("--binance-trading-url", c.binance_trading_url,
                 "Binance gateway: REST base URL (default: api.binance.com, or the testnet's)")
      ->envname("MERIDIAN_BINANCE_TRADING_URL");
  app.add_option("--binance-trading-stream-url", c.binance_trading_stream_url,
                 "Binance gateway: user data stream base URL (wss://; default: stream.binance.com:9443, or the "
                 "testnet's)")
      ->envname("MERIDIAN_BINANCE_TRADING_STREAM_URL");
  app.add_option("--binance-api-key", c.binance_api_key, "Binance gateway: API key")->envname("BINANCE_API_KEY");
  app.add_option("--binance-secret-key", c.binance_secret_key,
                 "Binance gateway: secret key (prefer BINANCE_SECRET_KEY or the config file: a command line is "
                 "visible to every local user)")
      ->envname("BINANCE_SECRET_KEY");
  app.add_option("--binance-orders-per-10s", c.binance_orders_per_10s,
                 "Binance gateway: new orders sent per 10 seconds at most, every portfolio on the account together; "
                 "beyond it an order is rejected (venue_order_rate)")
      ->envname("MERIDIAN_BINANCE_ORDERS_PER_10S")
      ->check(CLI::Range(1, 10'000));
  app.add_option("--venue-ca-file", c.venue_ca_file, "Venue feeds: PEM CA file trusted for TLS (default: system store)")
      ->envname("MERIDIAN_VENUE_CA_FILE");
  app.add_option("--replay-file", c.replay_files, "CSV replay: SYMBOL=PATH, once per symbol")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--replay-speed", c.replay_speed, "CSV replay: multiple of real time (0: as fast as possible)")
      ->check(CLI::Range(0.0, 1e9));
  app.add_option("--replay-format", c.replay_format, "CSV replay: auto, generic, binance or coinbase")
      ->check(CLI::IsMember({"auto", "generic", "binance", "coinbase"}));
  app.add_option("--calendars", c.calendars,
                 "Venue calendars: on (strategies trade a symbol only while its venue is open) or off")
      ->envname("MERIDIAN_CALENDARS");
  add_entries(app, "--venue", c.venues,
              "A venue's calendar, NAME=ZONE,HH:MM-HH:MM[,WEEKEND] (IANA zone, local regular hours, weekend "
              "days sun..sat joined by '+', default sat+sun), e.g. lse=Europe/London,08:00-16:30; adds a venue or "
              "redefines nse/nyse; repeatable",
              market::parse_venue_spec, "NAME=ZONE,OPEN-CLOSE[,WEEKEND]");
  add_entries(app, "--early-close", c.early_closes,
              "A half day: the venue closes at a local time on a local date, VENUE=YYYY-MM-DDTHH:MM; repeatable",
              market::parse_early_close, "VENUE=YYYY-MM-DDTHH:MM");
  add_entries(app, "--instrument", c.instruments,
              "An equity besides the defaults, SYMBOL=VENUE,CURRENCY,PRICE (a --venue or built-in venue; the "
              "simulated feed starts at PRICE), e.g. VOD=lse,GBP,72.5; repeatable",
              parse_instrument, "SYMBOL=VENUE,CURRENCY,PRICE");
  add_entries(app, "--holiday", c.holidays,
              "A venue-local day without trading, VENUE=YYYY-MM-DD (nse, nyse or a --venue); repeatable",
              market::parse_holiday, "VENUE=YYYY-MM-DD");
  app.add_option("--history-bars", c.history_bars,
                 "One-minute bars of history generated on a first start in simulation mode (a week by default)")
      ->check(CLI::Range(0, 20'160));
  app.add_option("--publish-interval-ms", c.publish_interval_ms, "Snapshot/price broadcast interval")
      ->check(CLI::Range(10, 10'000));
  app.add_option("--standby-poll-ms", c.standby_poll_ms,
                 "Hot standby: how often to try for the portfolio another daemon holds")
      ->check(CLI::Range(10, 60'000));
  app.add_option("--journal-backlog-limit", c.journal_backlog_limit,
                 "Journal records buffered while the database is behind before new entries pause")
      ->envname("MERIDIAN_JOURNAL_BACKLOG_LIMIT")
      ->check(CLI::Range(100, 100'000'000));
  app.add_option("--shutdown-grace-ms", c.shutdown_grace_ms,
                 "On SIGTERM, how long to wait for the journal to make every record durable (keep it under "
                 "systemd's TimeoutStopSec); records still unwritten then make the exit status 1")
      ->envname("MERIDIAN_SHUTDOWN_GRACE_MS")
      ->check(CLI::Range(0, 600'000));
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error, off")
      ->envname("MERIDIAN_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-format", c.log_format, "text, or json: one object per line (ts, level, logger, msg)")
      ->envname("MERIDIAN_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--ws-replay", c.ws_replay,
                 "WebSocket resume: messages kept per trades/orders/signals/session/bars topic for clients that "
                 "reconnect; one that missed more gets a snapshot")
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--alert-webhook-timeout-ms", c.alert_webhook_timeout_ms,
                 "Alert webhooks: one attempt's deadline (resolve, connect, TLS, write and read)")
      ->check(CLI::Range(100, 60'000));
  app.add_option("--alert-webhook-attempts", c.alert_webhook_attempts,
                 "Alert webhooks: attempts before a delivery is given up as a dead letter")
      ->check(CLI::Range(1, 20));
  app.add_option("--alert-webhook-backoff-ms", c.alert_webhook_backoff_ms,
                 "Alert webhooks: the delay before the first retry (doubling per retry, at most 30 s, 20% jitter)")
      ->check(CLI::Range(10, 30'000));
  app.add_option("--decision-sentiment-weight", c.decision_sentiment_weight,
                 "Decision model: the sentiment input's weight beside the seven strategies' (which share 1); 0 leaves "
                 "sentiment out")
      ->check(CLI::Range(0.0, 10.0));
}

std::string default_config_path() {
  if (const char* env = std::getenv("MERIDIAN_CONFIG")) return env;
  return "config/meridian.toml";
}

// CLI11 2.1 reads the config file before the environment, so a file value would beat a
// MERIDIAN_* variable. Feeding set variables in as leading flags restores the documented
// order (defaults < file < env < flags): flags come later and the last value wins.
std::vector<std::string> with_env_flags(const CLI::App& app, const std::vector<std::string>& given) {
  std::vector<std::string> args;
  for (const auto* opt : app.get_options()) {
    const auto& env = opt->get_envname();
    if (env.empty()) continue;
    // An empty variable counts as unset (`DATABASE_URL= meridiand ...` means "no database").
    const char* value = std::getenv(env.c_str());
    // Names the seeds' deployments use (DATABASE_URL; seed 000's PORT), below the MERIDIAN_ one.
    if (!value || !*value) {
      if (env == "MERIDIAN_DATABASE_URL") value = std::getenv("DATABASE_URL");
      if (env == "MERIDIAN_PORT") value = std::getenv("PORT");
    }
    if (value && *value)
      args.push_back(opt->get_name(false, true).substr(0, opt->get_name(false, true).find(',')) + "=" + value);
  }
  args.insert(args.end(), given.begin(), given.end());
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  return args;
}

// Where a secret given as a flag should come from instead.
std::string_view secret_sources(std::string_view flag) {
  if (flag == "--database-url") return "DATABASE_URL or MERIDIAN_DATABASE_URL in the environment, or a PGPASSFILE";
  if (flag == "--metrics-token") return "MERIDIAN_METRICS_TOKEN, --metrics-token-file or the config file";
  if (flag == "--alpaca-trading-secret-key") return "APCA_API_SECRET_KEY or the config file";
  if (flag == "--binance-secret-key") return "BINANCE_SECRET_KEY or the config file";
  return "MERIDIAN_ALPACA_SECRET_KEY, --alpaca-secret-file or the config file";
}

// A secret given as a flag anyway: said once on stderr (logging is not set up yet), never the value.
void warn_hidden_secrets(const std::vector<std::string>& flags) {
  for (const auto& flag : flags) {
    const bool url = flag == "--database-url";
    std::cerr << "meridiand: warning: " << (url ? "the password in " : "the value of ") << flag
              << " was visible to every local user in the process list; it has been wiped from this process's "
                 "arguments (but may be in your shell history). Use "
              << secret_sources(flag) << " instead.\n";
  }
}

// Reads `option`'s secret file into `secret` when one is named (a ValidationError naming the option).
void read_secret_option(const char* option, const std::string& file, std::string& secret) {
  if (file.empty()) return;
  try {
    secret = read_secret_file(file);
  } catch (const std::runtime_error& e) {
    throw CLI::ValidationError(option, e.what());
  }
}

// The secrets of `config` that no log line may show.
std::vector<std::string> config_secrets(const Config& config) {
  auto secrets = database_url_secrets(config.database_url);
  secrets.push_back(config.alpaca_secret_key);
  secrets.push_back(config.alpaca_trading_secret_key);
  secrets.push_back(config.metrics_token);
  secrets.push_back(config.secrets_key);
  return secrets;
}

// The checks beyond each option's own, and the secrets read from their files: at start and on
// a reload alike. Throws CLI::ValidationError naming the option.
void check_config(Config& config) {
  if (config.fast_period >= config.slow_period)
    throw CLI::ValidationError("--fast-period", "must be less than --slow-period");
  try {
    check_venue_config(config);
  } catch (const std::exception& e) {
    throw CLI::ValidationError("venues", e.what());
  }
  read_secret_option("--alpaca-secret-file", config.alpaca_secret_file, config.alpaca_secret_key);
  read_secret_option("--metrics-token-file", config.metrics_token_file, config.metrics_token);
  if (!config.metrics_token.empty() && !auth::SharedSecret::create(config.metrics_token))
    throw CLI::ValidationError("--metrics-token", "the token must have at least " +
                                                      std::to_string(auth::kMinSharedSecretChars) +
                                                      " characters, not all the same one");
  try {
    config.secrets_key = configured_secrets_key(config);
  } catch (const std::runtime_error& e) {
    throw CLI::ValidationError("--secrets-key-file", e.what());
  }
}

// The arguments the process started with (after the program name), for a reload.
std::vector<std::string>& start_args() {
  static std::vector<std::string> args;
  return args;
}

}  // namespace

Config reread_config() {
  Config config;
  CLI::App app{"meridiand", "meridiand"};
  app.set_config("--config", default_config_path(), "TOML configuration file", false);
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  add_options(app, config);
  app.fallthrough();
  app.add_subcommand("serve", "Run the daemon (default)");
  try {
    app.parse(with_env_flags(app, start_args()));
    check_config(config);
  } catch (const CLI::ParseError& e) {
    throw std::runtime_error(e.what());
  }
  return config;
}

int run(int argc, char** argv) {
  // First, before any thread: the secrets on the command line leave the process's argv.
  const auto taken = take_args(argc, argv);
  warn_hidden_secrets(taken.hidden);
  Config config;
  CLI::App app{"meridiand: trading daemon (simulated, replayed and live market data; paper and live execution)",
               "meridiand"};
  app.set_config("--config", default_config_path(), "TOML configuration file", false);
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  add_options(app, config);
  app.fallthrough();  // inherited by subcommands: `meridiand serve --port 9000` works
  auto* serve_cmd = app.add_subcommand("serve", "Run the daemon (default)");
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply database migrations and exit");
  migrate_cmd->add_flag("--status", config.migrate_status,
                        "List every migration (applied or pending) without applying any, and exit");
  auto* version_cmd = app.add_subcommand("version", "Print the version and exit");
  auto* indicators_cmd = app.add_subcommand("indicators", "Compute the indicator panel over a CSV of bars");
  std::string indicators_input, indicators_output;
  indicators_cmd->add_option("--input", indicators_input, "CSV of ts,open,high,low,close,volume")
      ->required()
      ->check(CLI::ExistingFile);
  indicators_cmd->add_option("--output", indicators_output, "Output CSV (default: stdout)");
  DataCommand data_cmd(app);
  JournalCommand journal_cmd(app);
  UserCommand user_cmd(app);
  SecretsCommand secrets_cmd(app);
  BacktestCommand backtest_cmd(app);
  HealthCommand health_cmd(app);
  app.require_subcommand(0, 1);
  (void)serve_cmd;

  try {
    start_args() = taken.args;
    app.parse(with_env_flags(app, taken.args));
    check_config(config);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "meridiand: configuration error: " << e.what() << "\n";
    return 2;
  }
  if (version_cmd->parsed()) {
    std::cout << "meridiand " << kVersion << "\n";
    return 0;
  }
  if (indicators_cmd->parsed()) return run_indicators_command(indicators_input, indicators_output);
  if (health_cmd.parsed()) return health_cmd.run(config);
  // Logging first, then the redaction over its sinks: a default logger set up after the
  // redaction would not redact.
  if (data_cmd.parsed() || journal_cmd.parsed() || user_cmd.parsed() || secrets_cmd.parsed() || backtest_cmd.parsed()) {
    setup_stderr_logging(config.log_level);
    redact_secrets_in_logs(config_secrets(config));
    if (backtest_cmd.parsed()) return backtest_cmd.run(config);
    if (user_cmd.parsed()) return user_cmd.run(config);
    if (secrets_cmd.parsed()) return secrets_cmd.run(config);
    return data_cmd.parsed() ? data_cmd.run(config) : journal_cmd.run(config);
  }
  setup_logging(config.log_level, config.log_format);
  redact_secrets_in_logs(config_secrets(config));
  if (migrate_cmd->parsed()) return migrate(config);
  return serve(config);
}

}  // namespace meridian::app
