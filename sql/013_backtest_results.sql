-- Backtests run through the API (#14 item 3): backtest_results (sql/003 made the table, nothing
-- has written it yet) fitted to what storage::BacktestStore keeps: one row per POST
-- /api/backtest, from queued to done, failed or cancelled, written off the engine strand. A
-- backtest never writes any live table (orders, trades, ledger), only this one.
--
-- ids come from the BIGSERIAL and are never reused (a deleted backtest's id stays unused), so a
-- client holding an old id gets 404, never someone else's result. user_id is the owner (NULL:
-- none, made with auth off); deleting a user deletes their backtests (sql/003's foreign key).
--
-- A daemon that starts marks rows still 'queued' or 'running' as 'failed' (a crash or kill -9
-- interrupted them): a backtest is never 'running' forever.
ALTER TABLE backtest_results DROP CONSTRAINT backtest_results_status_check;
ALTER TABLE backtest_results ALTER COLUMN status SET DEFAULT 'queued';
ALTER TABLE backtest_results ADD CONSTRAINT backtest_results_status_check
  CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled'));
-- The request as POSTed (what backtest::decode_request read); strategy, params, symbols, the
-- range and the capital are copied from it into sql/003's columns.
ALTER TABLE backtest_results ADD COLUMN request JSONB NOT NULL DEFAULT '{}';
ALTER TABLE backtest_results ADD COLUMN progress DOUBLE PRECISION NOT NULL DEFAULT 0;  -- percent, 0..100
ALTER TABLE backtest_results ADD COLUMN started_at TIMESTAMPTZ;
-- backtest_result_json's document (metrics, trades, curves) plus the inputs a Monte Carlo
-- resamples; NULL until done. metrics and the headline columns are copied from it.
ALTER TABLE backtest_results ADD COLUMN result JSONB;
CREATE INDEX backtest_results_unfinished ON backtest_results (status) WHERE status IN ('queued', 'running');
