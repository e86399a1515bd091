-- Meridian initial schema. Money, prices and quantities are NUMERIC(28,8): the ledger's
-- fixed-point values (1e-8 units) round-trip exactly through their decimal text.

CREATE TABLE users (
  id            BIGSERIAL PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  first_name    TEXT NOT NULL DEFAULT '',
  last_name     TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  role          TEXT NOT NULL DEFAULT 'trader' CHECK (role IN ('viewer', 'trader', 'admin')),
  capital       NUMERIC(28, 8) NOT NULL DEFAULT 0,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE portfolios (
  id           BIGSERIAL PRIMARY KEY,
  user_id      BIGINT NOT NULL REFERENCES users (id),
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL DEFAULT 'paper' CHECK (kind IN ('paper', 'live')),
  currency     TEXT NOT NULL DEFAULT 'USD',
  initial_cash NUMERIC(28, 8) NOT NULL,
  cash         NUMERIC(28, 8) NOT NULL,
  fees_paid    NUMERIC(28, 8) NOT NULL DEFAULT 0,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (user_id, name)
);

CREATE TABLE strategies (
  id           BIGSERIAL PRIMARY KEY,
  portfolio_id BIGINT NOT NULL REFERENCES portfolios (id),
  name         TEXT NOT NULL UNIQUE,
  class_name   TEXT NOT NULL,
  params       JSONB NOT NULL DEFAULT '{}',
  symbols      TEXT[] NOT NULL DEFAULT '{}',
  active       BOOLEAN NOT NULL DEFAULT TRUE,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id           BIGINT PRIMARY KEY,
  portfolio_id BIGINT NOT NULL REFERENCES portfolios (id),
  symbol       TEXT NOT NULL,
  side         TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  type         TEXT NOT NULL DEFAULT 'market',
  quantity     NUMERIC(28, 8) NOT NULL CHECK (quantity > 0),
  status       TEXT NOT NULL,
  strategy     TEXT NOT NULL DEFAULT '',
  created_at   TIMESTAMPTZ NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE trades (
  id           BIGINT PRIMARY KEY,
  order_id     BIGINT NOT NULL REFERENCES orders (id),
  portfolio_id BIGINT NOT NULL REFERENCES portfolios (id),
  symbol       TEXT NOT NULL,
  side         TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity     NUMERIC(28, 8) NOT NULL CHECK (quantity > 0),
  price        NUMERIC(28, 8) NOT NULL CHECK (price > 0),
  fee          NUMERIC(28, 8) NOT NULL DEFAULT 0,
  realized_pnl NUMERIC(28, 8) NOT NULL DEFAULT 0,
  strategy     TEXT NOT NULL DEFAULT '',
  executed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX trades_portfolio_time ON trades (portfolio_id, executed_at);
CREATE INDEX trades_symbol_time ON trades (symbol, executed_at);

CREATE TABLE positions (
  portfolio_id BIGINT NOT NULL REFERENCES portfolios (id),
  symbol       TEXT NOT NULL,
  quantity     NUMERIC(28, 8) NOT NULL,
  cost_basis   NUMERIC(28, 8) NOT NULL,
  realized_pnl NUMERIC(28, 8) NOT NULL DEFAULT 0,
  updated_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (portfolio_id, symbol)
);

CREATE TABLE market_data (
  symbol    TEXT NOT NULL,
  timeframe TEXT NOT NULL,
  open_time TIMESTAMPTZ NOT NULL,
  open      NUMERIC(28, 8) NOT NULL,
  high      NUMERIC(28, 8) NOT NULL,
  low       NUMERIC(28, 8) NOT NULL,
  close     NUMERIC(28, 8) NOT NULL,
  volume    NUMERIC(28, 8) NOT NULL,
  PRIMARY KEY (symbol, timeframe, open_time)
);

CREATE TABLE trading_sessions (
  id           BIGSERIAL PRIMARY KEY,
  portfolio_id BIGINT NOT NULL REFERENCES portfolios (id),
  state        TEXT NOT NULL CHECK (state IN ('stopped', 'running', 'paused')),
  strategy     TEXT NOT NULL,
  params       JSONB NOT NULL DEFAULT '{}',
  symbols      TEXT[] NOT NULL DEFAULT '{}',
  started_at   TIMESTAMPTZ NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL,
  UNIQUE (portfolio_id, started_at)
);
