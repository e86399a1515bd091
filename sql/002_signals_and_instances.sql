-- The signal log: every signal a strategy emitted, whether the engine acted on it, and the
-- indicator values behind it (seed 001 keeps the last 500 in memory; all of them live here).
CREATE TABLE signals (
  id          BIGINT PRIMARY KEY,
  strategy    TEXT NOT NULL,
  symbol      TEXT NOT NULL,
  side        TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  strength    DOUBLE PRECISION NOT NULL,
  price       NUMERIC(28, 8) NOT NULL,
  reason      TEXT NOT NULL,
  indicators  JSONB NOT NULL DEFAULT '{}',
  acted       BOOLEAN NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX signals_symbol_time ON signals (symbol, created_at);
CREATE INDEX signals_time ON signals (created_at);
ALTER TABLE signals ADD COLUMN strategy_id BIGINT NOT NULL DEFAULT 0;

-- Strategy instances (seed 004's lifecycle). Instance 1 is the trading session's own
-- strategy, kept in trading_sessions; rows here are the instances users add.
ALTER TABLE strategies ADD COLUMN state TEXT NOT NULL DEFAULT 'added'
  CHECK (state IN ('added', 'initialized', 'running', 'stopped', 'removed'));
ALTER TABLE strategies ADD COLUMN timeframe TEXT NOT NULL DEFAULT '1m';
ALTER TABLE strategies ADD COLUMN position_fraction DOUBLE PRECISION NOT NULL DEFAULT 0.1;
ALTER TABLE strategies DROP CONSTRAINT strategies_portfolio_id_fkey;
ALTER TABLE strategies ADD COLUMN portfolio TEXT NOT NULL DEFAULT 'default';

-- Which instance made a trade, so per-strategy holdings can be rebuilt from the log.
ALTER TABLE trades ADD COLUMN strategy_id BIGINT NOT NULL DEFAULT 0;
