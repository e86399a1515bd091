-- The decision model (#14 item 8): sql/003's ai_decisions fitted to what backtest::decide reads.
-- The regime is the classifier's (indicators/regime.hpp), not sql/003's bull/bear/sideways.
-- order_id loses its foreign key: an executed decision records its order as soon as the engine
-- accepts it, and the orders row is the journal writer's, written when it is durable (possibly
-- later, while the database was down: the order answer then says "durable": false).
ALTER TABLE ai_decisions DROP CONSTRAINT ai_decisions_regime_check;
ALTER TABLE ai_decisions ADD CONSTRAINT ai_decisions_regime_check
  CHECK (regime IN ('trending_up', 'trending_down', 'ranging', 'volatile', 'unknown'));
ALTER TABLE ai_decisions DROP CONSTRAINT ai_decisions_order_id_fkey;
CREATE INDEX ai_decisions_user ON ai_decisions (user_id, id);  -- a user's decisions, newest first
