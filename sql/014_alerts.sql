-- Alerts (#17 item 5): sql/003's alerts table fitted to what alerts::AlertService keeps. The
-- condition as validated (alerts::Condition's JSON) is `spec`; kind, symbol, indicator,
-- condition and threshold stay filled from it for SQL readers. An alert made with auth off has
-- no owner (user_id NULL), as backtests. Deleting an alert deletes its row.
--
-- The webhook's signing secret is sealed at rest like broker credentials (auth::SecretBox:
-- ciphertext, nonce, the id of the key it was sealed under; context "alert-webhook:<id>" is not
-- usable before the id exists, so the context is the owner and the URL): it is never returned.
-- `delivery` is the last delivery's status ({status, attempts, last_error, ...}) and
-- `dead_letters` the deliveries given up after every retry (the newest few).
ALTER TABLE alerts ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check
  CHECK (kind IN ('price', 'indicator', 'pnl', 'drawdown', 'risk_state', 'gateway_disconnect'));
ALTER TABLE alerts DROP CONSTRAINT alerts_condition_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_condition_check
  CHECK (condition IN ('above', 'below', 'crosses_above', 'crosses_below', 'beyond', 'changes', 'disconnects'));
ALTER TABLE alerts ADD COLUMN spec JSONB NOT NULL DEFAULT '{}';
ALTER TABLE alerts ADD COLUMN cooldown_s INTEGER NOT NULL DEFAULT 0 CHECK (cooldown_s BETWEEN 0 AND 604800);
ALTER TABLE alerts ADD COLUMN hysteresis DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (hysteresis >= 0);
ALTER TABLE alerts ADD COLUMN trigger_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN webhook_secret BYTEA;
ALTER TABLE alerts ADD COLUMN webhook_secret_nonce BYTEA;
ALTER TABLE alerts ADD COLUMN webhook_secret_key_id TEXT;
ALTER TABLE alerts ADD COLUMN delivery JSONB NOT NULL DEFAULT '{}';
ALTER TABLE alerts ADD COLUMN dead_letters JSONB NOT NULL DEFAULT '[]';
ALTER TABLE alerts ADD CONSTRAINT alerts_webhook_secret_sealed
  CHECK ((webhook_secret IS NULL) = (webhook_secret_nonce IS NULL) AND (webhook_secret IS NULL) = (webhook_secret_key_id IS NULL));
CREATE INDEX alerts_user ON alerts (user_id);
