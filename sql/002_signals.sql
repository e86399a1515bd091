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
