-- Orders as the engine keeps them (#5): what an open order needs to rest again after a restart
-- (its strategy, bracket and OCO links, trailing anchor, expiry), the portfolio's risk limits
-- and state, and equity sampled each minute.

ALTER TABLE orders
  ADD COLUMN strategy_id           BIGINT NOT NULL DEFAULT 0,   -- the instance that decided; 0: manual
  ADD COLUMN oco_order_id          BIGINT,                      -- bracket legs: the sibling
  ADD COLUMN eligible_at           TIMESTAMPTZ,                 -- created + latency: no fill before
  ADD COLUMN expires_at            TIMESTAMPTZ,                 -- DAY orders
  ADD COLUMN fees                  NUMERIC(28, 8) NOT NULL DEFAULT 0,
  ADD COLUMN reduce_only           BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN triggered             BOOLEAN NOT NULL DEFAULT false,  -- a stop that traded through
  ADD COLUMN trail_anchor          NUMERIC(28, 8),              -- best price since acceptance
  ADD COLUMN take_profit           NUMERIC(28, 8) CHECK (take_profit > 0),  -- bracket entry legs
  ADD COLUMN stop_loss             NUMERIC(28, 8) CHECK (stop_loss > 0),
  ADD COLUMN bracket_trail_amount  NUMERIC(28, 8) CHECK (bracket_trail_amount > 0),
  ADD COLUMN bracket_trail_percent NUMERIC(28, 8)
    CHECK (bracket_trail_percent > 0 AND bracket_trail_percent < 100);

-- Orders of a strategy instance (per-strategy order views, recovery of its exits).
CREATE INDEX orders_strategy ON orders (strategy_id) WHERE strategy_id <> 0;

-- Every limit the risk engine has; NULL means no limit. The state survives a restart: a
-- portfolio halted by its drawdown limit stays halted until someone sets it active.
ALTER TABLE risk_limits
  ADD COLUMN max_order_quantity  NUMERIC(28, 8) CHECK (max_order_quantity > 0),
  ADD COLUMN max_order_notional  NUMERIC(28, 8) CHECK (max_order_notional > 0),
  ADD COLUMN max_open_positions  INTEGER CHECK (max_open_positions > 0),
  ADD COLUMN max_gross_exposure  NUMERIC(28, 8) CHECK (max_gross_exposure > 0),
  ADD COLUMN price_band          DOUBLE PRECISION CHECK (price_band > 0),
  ADD COLUMN state               TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'reducing', 'halted')),
  -- The rest of the risk engine's memory (day opening equity, peak, why it is in its state),
  -- so a restart resumes the day's loss count and a breach lifts when it would have.
  ADD COLUMN memory              JSONB NOT NULL DEFAULT '{}';

-- Equity marked to market once a minute of market time: the curve behind drawdown, Sharpe,
-- VaR. performance_metrics keeps the daily roll-up.
CREATE TABLE equity_samples (
  portfolio_id BIGINT NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
  at           TIMESTAMPTZ NOT NULL,
  equity       NUMERIC(28, 8) NOT NULL,
  cash         NUMERIC(28, 8) NOT NULL,
  PRIMARY KEY (portfolio_id, at)
);
