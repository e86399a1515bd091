#pragma once
// meridiand's configuration: defaults < config/meridian.toml < MERIDIAN_* env < flags.
#include <cstdint>
#include <string>
#include <vector>

namespace meridian::app {

struct Config {
  // server
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string port_file;   // written with the bound port once listening (for --port 0)
  std::string static_dir;  // default: static/ beside the binary's share dir or the CWD
  int threads = 0;         // 0: one per core
  std::size_t body_limit = 1024 * 1024;
  int read_timeout_ms = 30'000;
  // Browser origins (scheme://host[:port]) allowed to send state-changing requests and open
  // WebSockets, and Host names answered, beyond the daemon's own (loopback, bound address).
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_hosts;
  // Browser origins answered with CORS headers (api/cors.hpp); none by default.
  std::vector<std::string> cors_origins;
  // A native TLS listener (tls_setup.hpp): the PEM certificate chain and its private key
  // (mode 600), both or neither. Set: the port speaks only HTTPS and wss://.
  std::string tls_cert;
  std::string tls_key;
  // authentication (auth_setup.hpp)
  std::string auth;                     // "on" or "off"; empty: on when a database is configured
  bool public_read = false;             // reads (viewer routes) open to anonymous callers
  bool ws_anonymous = true;             // WebSocket clients without credentials get public market data
  std::string registration = "closed";  // POST /api/auth/register: open, invite or closed
  std::string jwt_secret_file;          // empty: <state dir>/jwt-secret, generated on the first start
  std::string state_dir;                // empty: $STATE_DIRECTORY, else .run
  // Abuse limits (api/rate_limiter.hpp): requests per second of each principal, or of each
  // anonymous address (0: no limit), and how many a rested client may send at once.
  double rate_limit = 50;
  int rate_burst = 100;
  // The token that opens /metrics to non-loopback scrapers (api/auth_gate.hpp): from
  // MERIDIAN_METRICS_TOKEN, the config file, or read at start from metrics_token_file (mode
  // 600); a --metrics-token flag is accepted but wiped from argv. At least 16 characters.
  std::string metrics_token;
  std::string metrics_token_file;
  // The master key broker credentials are sealed under (app/secrets_key.hpp): the file, and
  // the key's text as loaded at start from it or MERIDIAN_SECRETS_KEY (never a flag).
  std::string secrets_key_file;
  std::string secrets_key;
  // storage
  std::string database_url;     // empty: memory only (nothing survives a restart)
  bool migrate_status = false;  // `migrate --status`: list migrations instead of applying them
  // engine and simulation
  std::vector<std::string> symbols;  // empty: the default ten
  double initial_capital = 100'000;
  // paper fills: taker/maker fees (bps of notional), per-venue overrides VENUE=MAKER:TAKER,
  // slippage and impact (bps), the share of a tick's volume one order may take, latency
  double fee_bps = 10;
  double maker_fee_bps = 5;
  std::vector<std::string> venue_fees;
  double slippage_bps = 1.0;
  double impact_bps = 10.0;
  double max_participation = 1.0;
  int fill_latency_ms = 0;
  // risk limits of the portfolio (0: off) and default exits of strategy entries (percent)
  double max_order_notional = 1'000'000;
  double max_order_quantity = 0;
  double max_position_notional = 0;
  int max_open_positions = 0;
  double max_gross_exposure = 0;
  double max_daily_loss = 0;
  double max_drawdown = 0;
  int max_orders_per_minute = 0;
  double price_band = 0.10;
  double stop_loss_pct = 0;
  double take_profit_pct = 0;
  double trailing_stop_pct = 0;
  double position_fraction = 0.10;
  int fast_period = 20;
  int slow_period = 50;
  bool autostart = true;
  int tick_interval_ms = 1000;  // 0: as fast as the engine takes them
  int sim_time_step_ms = 1000;  // simulated time per tick
  std::uint64_t sim_seed = 42;
  // market data: "simulated", or "csv" to replay replay_files (SYMBOL=PATH, one per symbol)
  std::string feed = "simulated";
  std::vector<std::string> replay_files;
  double replay_speed = 1.0;  // market time per wall time; 0: as fast as the engine takes them
  std::string replay_format = "auto";
  // Venue feeds: Coinbase Exchange REST polling (--feed coinbase) and the TLS trust for venues
  std::string coinbase_url = "https://api.exchange.coinbase.com";
  int coinbase_poll_ms = 5000;
  int coinbase_backfill_minutes = 60;  // candles fetched on start and at most after a gap
  // Binance spot klines (--feed binance): combined-stream WSS base and REST base for backfill
  std::string binance_ws_url = "wss://stream.binance.com:9443";
  std::string binance_rest_url = "https://api.binance.com";
  // Alpaca market data v2 (--feed alpaca): stream URL ({ws_base}/v2/{feed}), REST base for bar
  // backfill, and the API key pair (sent to Alpaca only, never logged)
  std::string alpaca_ws_url = "wss://stream.data.alpaca.markets/v2/iex";
  std::string alpaca_rest_url = "https://data.alpaca.markets";
  std::string alpaca_key_id;
  // The secret: MERIDIAN_ALPACA_SECRET_KEY, the config file, or read at start from
  // alpaca_secret_file (mode 600); a --alpaca-secret-key flag is accepted but wiped from argv.
  std::string alpaca_secret_key;
  std::string alpaca_secret_file;
  // Orders (issue 15): "paper" (every portfolio on the paper executor) or "alpaca" (portfolio
  // gateway_portfolio trades through Alpaca's trading API: the paper endpoint unless the URLs
  // say otherwise; every other portfolio stays on paper). Keys: APCA_API_KEY_ID /
  // APCA_API_SECRET_KEY or the config file; a --alpaca-trading-secret-key flag is accepted but
  // wiped from argv. Sent to Alpaca only.
  std::string gateway = "paper";
  // The one portfolio bound to the gateway (explicitly, so a new portfolio never trades real
  // money by accident); the default portfolio unless said otherwise.
  std::int64_t gateway_portfolio = 1;
  // "paper" or "live". Live money needs it said twice: a gateway URL other than Alpaca's paper
  // endpoint (or loopback, where only a test broker or a local proxy listens) is refused unless
  // the mode is live, so a mistyped URL never sends real orders.
  std::string mode = "paper";
  std::string alpaca_trading_url = "https://paper-api.alpaca.markets";
  std::string alpaca_stream_url = "wss://paper-api.alpaca.markets/stream";
  std::string alpaca_trading_key_id;
  std::string alpaca_trading_secret_key;
  // Reconciliation with the gateway's venue (open orders, positions): after every stream
  // (re)connect and every this many seconds.
  int reconcile_interval_s = 60;
  // New orders a minute to Alpaca, every portfolio on the account together (Alpaca allows 200
  // API requests a minute; the rest is left for reads, cancels and reconciliation).
  int alpaca_orders_per_minute = 150;
  // The Binance spot gateway (--gateway binance): Binance's production endpoints unless
  // binance_testnet (its spot testnet) or the URLs say otherwise (empty: by binance_testnet).
  // Keys: BINANCE_API_KEY / BINANCE_SECRET_KEY or the config file; a --binance-secret-key flag
  // is accepted but wiped from argv. Sent to Binance only (the secret signs, never travels).
  bool binance_testnet = false;
  std::string binance_trading_url;
  std::string binance_trading_stream_url;
  std::string binance_api_key;
  std::string binance_secret_key;
  // New orders per 10 s to Binance, every portfolio on the account together (Binance's ORDERS
  // limit is 50 per 10 s; our headroom keeps a burst from being refused there).
  int binance_orders_per_10s = 40;
  std::string venue_ca_file;  // PEM CA bundle for venue certificates; empty: system store
  // A week of 1m bars: every chart timeframe has depth on a first start (1h ~168 candles, 4h
  // ~42, 1d 7; the 1m chart keeps the newest 5000) and every indicator is warm.
  int history_bars = 7 * 24 * 60;
  // Venue calendars: strategies trade a symbol only while its venue is open (off: always, for
  // replays of historic data and tests). Holidays are venue-local dates, VENUE=YYYY-MM-DD.
  bool calendars = true;
  std::vector<std::string> holidays;
  // Venues besides (or redefining) the built-ins, NAME=ZONE,HH:MM-HH:MM[,WEEKEND]; half days,
  // VENUE=YYYY-MM-DDTHH:MM; instruments on any venue, SYMBOL=VENUE,CURRENCY,PRICE
  // (app/venue_config.hpp).
  std::vector<std::string> venues;
  std::vector<std::string> early_closes;
  std::vector<std::string> instruments;
  int publish_interval_ms = 100;
  int standby_poll_ms = 500;
  // Beyond the journal ring: records the engine keeps while the database is behind. Past
  // this, new entries pause (nothing is dropped); exits and bars still go through.
  int journal_backlog_limit = 1'000'000;
  // SIGTERM: the journal's bounded drain; under deploy/meridiand.service's TimeoutStopSec
  // (10 s), leaving time to close connections before systemd would SIGKILL.
  int shutdown_grace_ms = 8'000;
  std::string log_level = "info";
  std::string log_format = "text";  // text, or json: one object per line (journald, Loki)
  // WebSocket resume: messages kept per topic that never skips (api::WsLimits::replay_entries).
  int ws_replay = 1024;
  // Alert webhooks (alerts::WebhookLimits): each attempt's deadline, attempts before a dead
  // letter, the first retry's delay (doubling, capped at 30 s). Live on reload.
  int alert_webhook_timeout_ms = 5'000;
  int alert_webhook_attempts = 5;
  int alert_webhook_backoff_ms = 500;
  // The decision model (api/decisions.hpp): the sentiment input's weight beside the seven
  // strategies' (which share 1); 0, the default, leaves sentiment out. Restart to change.
  double decision_sentiment_weight = 0.0;
};

// The configuration as run() read it at start (the same arguments and environment, the config
// file read again, the same checks), for a reload. Throws std::runtime_error naming the
// problem. After run() parsed the arguments; any thread, one call at a time.
Config reread_config();

// Parses argv (and the config file and environment) and runs the chosen subcommand.
// Returns the process exit code: 0 ok, 1 runtime failure, 2 bad configuration.
int run(int argc, char** argv);

}  // namespace meridian::app
