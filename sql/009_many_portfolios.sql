-- One daemon runs many portfolios (#12). Each portfolio owns an id range for what it hands out
-- (include/meridian/engine/id_space.hpp), writes its own journal and recovers only its own rows.

-- A deleted portfolio keeps its row (its trades and orders refer to it, and its id is never
-- given again: ids come from the portfolios sequence), and frees its name for a new portfolio.
ALTER TABLE portfolios ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE portfolios DROP CONSTRAINT portfolios_user_id_name_key;
CREATE UNIQUE INDEX portfolios_user_name_live ON portfolios (user_id, name) WHERE deleted_at IS NULL;

-- Signals belong to the portfolio whose strategy emitted them. Every signal written so far is
-- the default portfolio's (the daemon ran only portfolio 1).
ALTER TABLE signals ADD COLUMN portfolio_id BIGINT NOT NULL DEFAULT 1 REFERENCES portfolios (id);
-- Recovery's "the portfolio's last signals, newest first", and its id maximum.
CREATE INDEX signals_portfolio_id ON signals (portfolio_id, id);

-- Strategy instance names are unique within a portfolio, not across the database.
ALTER TABLE strategies DROP CONSTRAINT strategies_name_key;
ALTER TABLE strategies ADD CONSTRAINT strategies_portfolio_name_key UNIQUE (portfolio_id, name);
