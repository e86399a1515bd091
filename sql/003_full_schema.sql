-- The rest of the schema that the seeds and API.md name: order types and their state history,
-- auth tokens, encrypted broker keys, AI decisions, alerts, backtests, sentiment, risk and
-- performance series, and the log table. Money, prices and quantities are NUMERIC(28, 8), as in
-- 001, so fixed-point values round-trip exactly.
--
-- The whole file runs in one transaction (apply_migrations), so indexes are built with plain
-- CREATE INDEX: CONCURRENTLY cannot run in a transaction, and migrations run before the daemon
-- serves anything, so the short table locks cost nothing.

---------------------------------------------------------------------------------------------
-- Orders: the columns the order-types work needs. Every row written so far is a filled market
-- order ('market', 'filled'), so every constraint below accepts those rows as they are.
---------------------------------------------------------------------------------------------
ALTER TABLE orders
  ADD COLUMN limit_price     NUMERIC(28, 8) CHECK (limit_price > 0),
  ADD COLUMN stop_price      NUMERIC(28, 8) CHECK (stop_price > 0),
  -- 'gtc' by default: rows from before this migration carry no time in force, and a filled
  -- order's time in force no longer matters.
  ADD COLUMN time_in_force   TEXT NOT NULL DEFAULT 'gtc',
  -- The caller's idempotency key (POST /api/trade retried after a timeout must not trade twice).
  ADD COLUMN client_order_id TEXT CHECK (char_length(client_order_id) BETWEEN 1 AND 64),
  -- Bracket and OCO children point at their entry order.
  ADD COLUMN parent_order_id BIGINT REFERENCES orders (id),
  -- Trailing stops: the stop follows the best price by an amount or a percentage, never both.
  ADD COLUMN trail_amount    NUMERIC(28, 8) CHECK (trail_amount > 0),
  ADD COLUMN trail_percent   NUMERIC(28, 8) CHECK (trail_percent > 0 AND trail_percent < 100),
  ADD COLUMN filled_quantity NUMERIC(28, 8) NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
  ADD COLUMN average_price   NUMERIC(28, 8) CHECK (average_price > 0),  -- NULL until the first fill
  ADD COLUMN reason          TEXT NOT NULL DEFAULT '';                  -- why rejected/cancelled/expired

ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';

-- Rows from before this migration are filled market orders with one trade each: give them the
-- fill figures the new columns would have held, so history reads the same as new orders.
UPDATE orders o
   SET filled_quantity = f.quantity,
       average_price   = f.average_price
  FROM (SELECT order_id, sum(quantity) AS quantity, sum(price * quantity) / sum(quantity) AS average_price
          FROM trades GROUP BY order_id) f
 WHERE f.order_id = o.id AND o.status = 'filled';

ALTER TABLE orders
  ADD CONSTRAINT orders_type_check CHECK (type IN ('market', 'limit', 'stop', 'stop_limit')),
  ADD CONSTRAINT orders_status_check
    CHECK (status IN ('new', 'accepted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired')),
  ADD CONSTRAINT orders_time_in_force_check CHECK (time_in_force IN ('gtc', 'ioc', 'fok', 'day')),
  -- A limit needs its limit price; a stop needs a stop price or a trail to derive one from.
  ADD CONSTRAINT orders_limit_price_required
    CHECK (type NOT IN ('limit', 'stop_limit') OR limit_price IS NOT NULL),
  ADD CONSTRAINT orders_stop_price_required
    CHECK (type NOT IN ('stop', 'stop_limit') OR stop_price IS NOT NULL OR trail_amount IS NOT NULL
           OR trail_percent IS NOT NULL),
  ADD CONSTRAINT orders_trail_check
    CHECK ((trail_amount IS NULL AND trail_percent IS NULL)
           OR (type IN ('stop', 'stop_limit') AND (trail_amount IS NULL OR trail_percent IS NULL))),
  ADD CONSTRAINT orders_filled_within_quantity CHECK (filled_quantity <= quantity),
  ADD CONSTRAINT orders_parent_check CHECK (parent_order_id <> id),
  -- NULLs are distinct in a UNIQUE constraint, so orders without a client id never collide;
  -- a constraint (not a partial index) lets writers say ON CONFLICT (portfolio_id, client_order_id).
  ADD CONSTRAINT orders_client_order_id_key UNIQUE (portfolio_id, client_order_id);

-- Open orders of a portfolio (recovery, the order book view) and GET .../orders?status=.
CREATE INDEX orders_portfolio_status_time ON orders (portfolio_id, status, created_at);
-- /api/orders-trades: a portfolio's orders newest first, whatever their status.
CREATE INDEX orders_portfolio_time ON orders (portfolio_id, created_at);
-- Children of a bracket; most orders have no parent, so only those that do are indexed.
CREATE INDEX orders_parent ON orders (parent_order_id) WHERE parent_order_id IS NOT NULL;
-- Joining trades to their order (/api/orders-trades) and checking the foreign key on delete.
CREATE INDEX trades_order ON trades (order_id);

-- Every state an order went through, in order: new -> accepted -> partially_filled* -> filled,
-- or a terminal cancelled/rejected/expired. orders holds the latest state; this is the history.
CREATE TABLE order_events (
  order_id        BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL CHECK (seq > 0),  -- 1, 2, ... per order
  status          TEXT NOT NULL
    CHECK (status IN ('new', 'accepted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired')),
  filled_quantity NUMERIC(28, 8) NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),  -- cumulative
  price           NUMERIC(28, 8) CHECK (price > 0),  -- the fill's price; NULL when nothing filled
  reason          TEXT NOT NULL DEFAULT '',
  at              TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (order_id, seq)
);

-- Orders from before this table existed get their one known event, so every order has a history.
INSERT INTO order_events (order_id, seq, status, filled_quantity, price, at)
SELECT id, 1, status, filled_quantity, average_price, updated_at FROM orders;

-- Signals of one strategy instance over time (GET /api/strategies/... signal history).
CREATE INDEX signals_strategy_time ON signals (strategy_id, created_at);

---------------------------------------------------------------------------------------------
-- Time-ordered logs: BRIN indexes on the time column. These tables are appended in time order,
-- so a block range's min/max brackets its rows and a BRIN index a few pages in size serves
-- "since"/"between" scans and retention deletes over the whole table. (Partitioning would need
-- a rewrite of the existing tables.) BRIN cannot return rows in order, so the btree indexes that
-- page newest-first (trades_*_time, signals_*_time, the market_data key) stay.
-- autosummarize: a filled block range is summarised by autovacuum at once instead of at the
-- next VACUUM; unsummarised ranges are always scanned.
---------------------------------------------------------------------------------------------
CREATE INDEX trades_executed_brin ON trades USING brin (executed_at) WITH (autosummarize = on);
CREATE INDEX market_data_open_time_brin ON market_data USING brin (open_time) WITH (autosummarize = on);
CREATE INDEX signals_created_brin ON signals USING brin (created_at) WITH (autosummarize = on);

-- Application log records (GET /api/logs, /ws/logs after a restart). Levels are the
-- --log-level names; writers map spdlog's "warning" to 'warn'.
CREATE TABLE system_logs (
  id         BIGSERIAL PRIMARY KEY,
  level      TEXT NOT NULL CHECK (level IN ('trace', 'debug', 'info', 'warn', 'error', 'critical')),
  logger     TEXT NOT NULL DEFAULT '',
  message    TEXT NOT NULL,
  context    JSONB NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX system_logs_created_brin ON system_logs USING brin (created_at) WITH (autosummarize = on);
-- GET /api/logs?level=error&since=...: one level, newest first.
CREATE INDEX system_logs_level_time ON system_logs (level, created_at);

---------------------------------------------------------------------------------------------
-- Auth.
---------------------------------------------------------------------------------------------
-- Refresh tokens (POST /api/auth/login, /refresh, /logout). Only a SHA-256 of the token is kept,
-- so a leaked table cannot be replayed. Rotation links each token to its successor; tokens from
-- one login share a family, so presenting a rotated token again revokes the whole family.
CREATE TABLE refresh_tokens (
  id          BIGSERIAL PRIMARY KEY,
  user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash  BYTEA NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
  family_id   UUID NOT NULL DEFAULT gen_random_uuid(),
  replaced_by BIGINT REFERENCES refresh_tokens (id),
  user_agent  TEXT NOT NULL DEFAULT '',
  ip          INET,
  issued_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at  TIMESTAMPTZ NOT NULL,
  revoked_at  TIMESTAMPTZ,
  CHECK (expires_at > issued_at)
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);      -- log out everywhere
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);  -- revoke a family on reuse
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);  -- purge expired tokens

-- Broker credentials (PATCH /api/users/{id}; the gateways read them). Secrets are encrypted at
-- rest with an AEAD cipher: there is deliberately no plaintext column. key_id names the master
-- key that sealed the row, so keys can be rotated row by row; last4 is the only part a read
-- ever shows ("a key is set: ...ab12").
CREATE TABLE api_keys (
  id           BIGSERIAL PRIMARY KEY,
  user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  broker       TEXT NOT NULL CHECK (broker ~ '^[a-z][a-z0-9_]*$'),  -- gateway name: alpaca, binance, ...
  label        TEXT NOT NULL DEFAULT '',
  -- AEAD output is the sealed secret plus a 16-byte tag, so anything shorter is not a secret.
  ciphertext   BYTEA NOT NULL CHECK (octet_length(ciphertext) > 16),
  -- 96-bit (AES-GCM, ChaCha20-Poly1305) or 192-bit (XChaCha20-Poly1305) nonces.
  nonce        BYTEA NOT NULL CHECK (octet_length(nonce) IN (12, 24)),
  key_id       TEXT NOT NULL CHECK (key_id <> ''),
  last4        TEXT NOT NULL CHECK (char_length(last4) BETWEEN 1 AND 4),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ,
  UNIQUE (user_id, broker, label),
  -- Reusing a nonce under one key breaks AEAD confidentiality; the database refuses it.
  UNIQUE (key_id, nonce)
);

---------------------------------------------------------------------------------------------
-- Decisions, alerts, backtests, market context.
---------------------------------------------------------------------------------------------
-- The decision model's output (GET /api/ai/decision/{symbol}, /api/ai/decisions): a combined
-- view of every strategy and the market regime, with its reasons. order_id is set once
-- POST /api/ai/decision/execute has placed the order.
CREATE TABLE ai_decisions (
  id           BIGSERIAL PRIMARY KEY,
  user_id      BIGINT REFERENCES users (id) ON DELETE SET NULL,
  portfolio_id BIGINT REFERENCES portfolios (id),
  symbol       TEXT NOT NULL,
  action       TEXT NOT NULL CHECK (action IN ('buy', 'sell', 'hold')),
  confidence   DOUBLE PRECISION NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  price        NUMERIC(28, 8) NOT NULL CHECK (price > 0),  -- the price the decision saw
  quantity     NUMERIC(28, 8) CHECK (quantity > 0),        -- suggested size; NULL for 'hold'
  stop_loss    NUMERIC(28, 8) CHECK (stop_loss > 0),
  take_profit  NUMERIC(28, 8) CHECK (take_profit > 0),
  regime       TEXT CHECK (regime IN ('bull', 'bear', 'sideways')),
  reasons      JSONB NOT NULL DEFAULT '[]',  -- human-readable reasons, in order of weight
  votes        JSONB NOT NULL DEFAULT '{}',  -- each strategy's / model's signal and strength
  order_id     BIGINT REFERENCES orders (id),
  executed_at  TIMESTAMPTZ,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((order_id IS NULL) = (executed_at IS NULL))
);
CREATE INDEX ai_decisions_symbol_time ON ai_decisions (symbol, created_at);  -- latest for a symbol
CREATE INDEX ai_decisions_time ON ai_decisions (created_at);                 -- the decision list

-- Price, indicator and P&L alerts (GET/POST/DELETE /api/alerts), delivered over WS and, when
-- webhook_url is set, a webhook. A one-shot alert moves to 'triggered'; a recurring one re-arms.
CREATE TABLE alerts (
  id              BIGSERIAL PRIMARY KEY,
  user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  portfolio_id    BIGINT REFERENCES portfolios (id) ON DELETE CASCADE,  -- P&L alerts watch one
  symbol          TEXT,
  kind            TEXT NOT NULL CHECK (kind IN ('price', 'indicator', 'pnl')),
  indicator       TEXT,  -- e.g. 'rsi': which indicator an indicator alert watches
  condition       TEXT NOT NULL CHECK (condition IN ('above', 'below', 'crosses_above', 'crosses_below')),
  threshold       NUMERIC(28, 8) NOT NULL,
  message         TEXT NOT NULL DEFAULT '',
  webhook_url     TEXT CHECK (webhook_url ~ '^https?://'),
  recurring       BOOLEAN NOT NULL DEFAULT FALSE,
  status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'triggered', 'cancelled')),
  triggered_at    TIMESTAMPTZ,
  triggered_value NUMERIC(28, 8),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (kind <> 'price' OR symbol IS NOT NULL),
  CHECK (kind <> 'indicator' OR (symbol IS NOT NULL AND indicator IS NOT NULL)),
  CHECK (kind <> 'pnl' OR portfolio_id IS NOT NULL)
);
CREATE INDEX alerts_user_time ON alerts (user_id, created_at);  -- GET /api/alerts
-- What the evaluator checks on each price: only armed alerts, which are few.
CREATE INDEX alerts_active_symbol ON alerts (symbol) WHERE status = 'active';

-- Backtest runs (POST /api/backtest, GET /api/backtest/{id}, /api/backtests, Monte Carlo).
-- Headline metrics are columns so the list can sort on them; the full result is JSON.
CREATE TABLE backtest_results (
  id              BIGSERIAL PRIMARY KEY,
  user_id         BIGINT REFERENCES users (id) ON DELETE CASCADE,
  strategy        TEXT NOT NULL,  -- class name, as in strategies.class_name
  params          JSONB NOT NULL DEFAULT '{}',
  symbols         TEXT[] NOT NULL DEFAULT '{}',
  timeframe       TEXT NOT NULL DEFAULT '1m',
  source          TEXT NOT NULL DEFAULT 'stored' CHECK (source IN ('stored', 'uploaded')),  -- whose candles
  start_time      TIMESTAMPTZ,
  end_time        TIMESTAMPTZ,
  config          JSONB NOT NULL DEFAULT '{}',  -- fees, slippage, sizing the run used
  initial_capital NUMERIC(28, 8) NOT NULL CHECK (initial_capital > 0),
  final_equity    NUMERIC(28, 8),
  status          TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  error           TEXT NOT NULL DEFAULT '',
  total_return    DOUBLE PRECISION,
  max_drawdown    DOUBLE PRECISION,
  sharpe          DOUBLE PRECISION,
  win_rate        DOUBLE PRECISION CHECK (win_rate BETWEEN 0 AND 1),
  trade_count     INTEGER CHECK (trade_count >= 0),
  metrics         JSONB NOT NULL DEFAULT '{}',
  trades          JSONB NOT NULL DEFAULT '[]',
  equity_curve    JSONB NOT NULL DEFAULT '[]',
  monte_carlo     JSONB,  -- the last POST /api/backtest/{id}/monte-carlo result
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at    TIMESTAMPTZ,
  CHECK (end_time IS NULL OR start_time IS NULL OR end_time >= start_time)
);
CREATE INDEX backtest_results_user_time ON backtest_results (user_id, created_at);  -- a user's runs
CREATE INDEX backtest_results_time ON backtest_results (created_at);                -- all runs (admin)

-- News, social, insider and options-flow sentiment per symbol; symbol NULL is market-wide.
CREATE TABLE sentiment_data (
  id          BIGSERIAL PRIMARY KEY,
  symbol      TEXT,
  source      TEXT NOT NULL CHECK (source IN ('news', 'social', 'insider', 'options_flow', 'market')),
  score       DOUBLE PRECISION NOT NULL CHECK (score BETWEEN -1 AND 1),  -- -1 bearish .. 1 bullish
  confidence  DOUBLE PRECISION CHECK (confidence BETWEEN 0 AND 1),
  mentions    INTEGER NOT NULL DEFAULT 0 CHECK (mentions >= 0),
  headline    TEXT NOT NULL DEFAULT '',
  url         TEXT,
  details     JSONB NOT NULL DEFAULT '{}',
  observed_at TIMESTAMPTZ NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sentiment_data_symbol_time ON sentiment_data (symbol, observed_at);

---------------------------------------------------------------------------------------------
-- Portfolio risk and performance series.
---------------------------------------------------------------------------------------------
-- Risk snapshots (GET /api/risk/var/{id}, /api/risk/metrics/{id}): VaR/CVaR in money at a
-- confidence and horizon, both historical and parametric, plus the portfolio's risk figures.
CREATE TABLE risk_metrics (
  id              BIGSERIAL PRIMARY KEY,
  portfolio_id    BIGINT NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
  computed_at     TIMESTAMPTZ NOT NULL,
  confidence      DOUBLE PRECISION NOT NULL CHECK (confidence > 0 AND confidence < 1),
  horizon_days    INTEGER NOT NULL DEFAULT 1 CHECK (horizon_days > 0),
  var_historical  NUMERIC(28, 8),
  var_parametric  NUMERIC(28, 8),
  cvar_historical NUMERIC(28, 8),
  cvar_parametric NUMERIC(28, 8),
  exposure        NUMERIC(28, 8),
  volatility      DOUBLE PRECISION,
  max_drawdown    DOUBLE PRECISION,
  beta            DOUBLE PRECISION,
  correlation     JSONB NOT NULL DEFAULT '{}'  -- symbol x symbol matrix
);
CREATE INDEX risk_metrics_portfolio_time ON risk_metrics (portfolio_id, computed_at);

-- Risk limits (POST /api/risk/limits/{id}); one row per portfolio, NULL means no limit.
CREATE TABLE risk_limits (
  portfolio_id      BIGINT PRIMARY KEY REFERENCES portfolios (id) ON DELETE CASCADE,
  max_position_size NUMERIC(28, 8) CHECK (max_position_size > 0),  -- notional per symbol
  max_daily_loss    NUMERIC(28, 8) CHECK (max_daily_loss > 0),
  max_drawdown      DOUBLE PRECISION CHECK (max_drawdown > 0 AND max_drawdown <= 1),  -- halts trading
  max_orders_per_minute INTEGER CHECK (max_orders_per_minute > 0),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per portfolio and day (GET /api/portfolios/{id}/performance: equity curve + metrics).
CREATE TABLE performance_metrics (
  portfolio_id      BIGINT NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
  day               DATE NOT NULL,
  equity            NUMERIC(28, 8) NOT NULL,
  cash              NUMERIC(28, 8) NOT NULL,
  realized_pnl      NUMERIC(28, 8) NOT NULL DEFAULT 0,
  unrealized_pnl    NUMERIC(28, 8) NOT NULL DEFAULT 0,
  daily_pnl         NUMERIC(28, 8) NOT NULL DEFAULT 0,
  fees              NUMERIC(28, 8) NOT NULL DEFAULT 0,
  daily_return      DOUBLE PRECISION,
  cumulative_return DOUBLE PRECISION,
  drawdown          DOUBLE PRECISION,
  trade_count       INTEGER NOT NULL DEFAULT 0 CHECK (trade_count >= 0),
  win_rate          DOUBLE PRECISION CHECK (win_rate BETWEEN 0 AND 1),
  sharpe            DOUBLE PRECISION,
  sortino           DOUBLE PRECISION,
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (portfolio_id, day)  -- also the curve's index: one portfolio, by day
);
