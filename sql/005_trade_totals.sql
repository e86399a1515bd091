-- The trade log folded per portfolio, strategy instance and symbol, kept by the database as
-- trades are written. The ledger's arithmetic is additive per trade (a buy adds its notional
-- to the cost basis; a sell removes notional - realized; cash moves by -/+ notional and fees),
-- so these sums are exactly what a replay of the whole log would end with. Recovery reads a
-- handful of rows here instead of replaying millions of trades, and reconciles the stored
-- cash and positions against them: two independent computations of the same ledger.

-- price * quantity rounded half-to-even to 1e-8, as core::notional does (round() on numeric
-- rounds half away from zero, so ties are settled by hand).
CREATE FUNCTION meridian_notional(price NUMERIC, quantity NUMERIC) RETURNS NUMERIC
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((CASE WHEN abs(x - trunc(x)) = 0.5 AND mod(trunc(x), 2) = 0 THEN trunc(x) ELSE round(x) END)
          / 100000000)::numeric(28, 8)
  FROM (SELECT price * quantity * 100000000 AS x) v
$$;

CREATE TABLE trade_totals (
  portfolio_id  BIGINT NOT NULL REFERENCES portfolios (id),
  strategy_id   BIGINT NOT NULL,
  symbol        TEXT NOT NULL,
  trades        BIGINT NOT NULL,
  quantity      NUMERIC(28, 8) NOT NULL,
  cost_basis    NUMERIC(28, 8) NOT NULL,
  realized_pnl  NUMERIC(28, 8) NOT NULL,
  fees          NUMERIC(28, 8) NOT NULL,
  cash_flow     NUMERIC(28, 8) NOT NULL,  -- -notional per buy, +notional per sell, fees apart
  last_trade_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (portfolio_id, strategy_id, symbol)
);

-- The statement that folds the trades of `source` (a table, or a trigger's transition table)
-- into trade_totals, each sum multiplied by `sign` (-1 folds rows out): the one place the fold
-- is written. It returns the text for the caller to EXECUTE, because transition tables are
-- visible only to statements the trigger function itself runs.
CREATE FUNCTION trade_totals_fold_sql(source TEXT, sign INTEGER) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
    INSERT INTO trade_totals AS t
    SELECT portfolio_id, strategy_id, symbol, %2$s * count(*),
           %2$s * sum(CASE WHEN side = 'buy' THEN quantity ELSE -quantity END),
           %2$s * sum(CASE WHEN side = 'buy' THEN value ELSE realized_pnl - value END),
           %2$s * sum(realized_pnl), %2$s * sum(fee),
           %2$s * sum(CASE WHEN side = 'buy' THEN -value ELSE value END), max(executed_at)
    FROM (SELECT *, meridian_notional(price, quantity) AS value FROM %1$I) f
    GROUP BY portfolio_id, strategy_id, symbol
    ON CONFLICT (portfolio_id, strategy_id, symbol) DO UPDATE SET
      trades = t.trades + EXCLUDED.trades, quantity = t.quantity + EXCLUDED.quantity,
      cost_basis = t.cost_basis + EXCLUDED.cost_basis, realized_pnl = t.realized_pnl + EXCLUDED.realized_pnl,
      fees = t.fees + EXCLUDED.fees, cash_flow = t.cash_flow + EXCLUDED.cash_flow,
      last_trade_at = greatest(t.last_trade_at, EXCLUDED.last_trade_at)$q$, source, sign)
$$;

-- Statement-level with transition tables: one grouped upsert per journal batch, not one per
-- row. Rows an INSERT ... ON CONFLICT DO NOTHING skipped are not in new_trades, so a retried
-- batch adds nothing twice. Updates and deletes (an operator's repair) fold out the old rows
-- and fold in the new ones.
CREATE FUNCTION trade_totals_fold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    EXECUTE trade_totals_fold_sql('old_trades', -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE trade_totals_fold_sql('new_trades', 1);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER trades_fold_insert AFTER INSERT ON trades
  REFERENCING NEW TABLE AS new_trades FOR EACH STATEMENT EXECUTE FUNCTION trade_totals_fold();
CREATE TRIGGER trades_fold_update AFTER UPDATE ON trades
  REFERENCING OLD TABLE AS old_trades NEW TABLE AS new_trades FOR EACH STATEMENT EXECUTE FUNCTION trade_totals_fold();
CREATE TRIGGER trades_fold_delete AFTER DELETE ON trades
  REFERENCING OLD TABLE AS old_trades FOR EACH STATEMENT EXECUTE FUNCTION trade_totals_fold();

-- The log written before this migration, folded once.
DO $$ BEGIN EXECUTE trade_totals_fold_sql('trades', 1); END $$;
