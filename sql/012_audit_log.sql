-- The audit trail (#13 item 7): one row per state-changing API request (POST, PUT, PATCH,
-- DELETE), refused and failed ones included, so that every change and every attempt (a 401, a
-- 403, a failed login) is attributable. Appended by storage::AuditWriter off the I/O threads;
-- read newest first by GET /api/audit. Rows are never updated.
--
-- Numbered 012, not 011: the migration runner keys schema_migrations by the number, so two
-- files sharing one would apply only the first (cmake/EmbedSql.cmake now refuses that).
--
-- No foreign keys: a row must outlive the user, key or portfolio it names, and must never be
-- refused because one is gone. user_id and api_key_id come from a checked principal (NULL:
-- anonymous, no key); portfolio_id is the id the request named, when it named one by id.
CREATE TABLE audit_log (
  id           BIGSERIAL PRIMARY KEY,
  at           TIMESTAMPTZ NOT NULL,
  user_id      BIGINT,
  role         TEXT NOT NULL CHECK (role IN ('anonymous', 'viewer', 'trader', 'admin')),
  api_key_id   BIGINT,
  address      TEXT,
  method       TEXT NOT NULL,
  -- The route's pattern (/api/portfolios/{id}/trades) and the path as requested.
  route        TEXT NOT NULL,
  path         TEXT NOT NULL,
  portfolio_id BIGINT,
  -- {"path":{...},"query":{...},"body":...} with every secret-named member "***".
  params       JSONB NOT NULL DEFAULT '{}',
  status       INTEGER NOT NULL,
  -- "ok", or the error's code ("forbidden", "invalid_credentials", ...).
  result       TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_user_at ON audit_log (user_id, at);

-- Who, on the records themselves: the user who placed an order by hand (or recorded a trade),
-- NULL for a strategy's orders, bracket legs (see parent_order_id) and callers without an account.
ALTER TABLE orders ADD COLUMN placed_by BIGINT;
-- The user whose command made a session's last change (start, stop, pause, resume, a new strategy).
ALTER TABLE trading_sessions ADD COLUMN changed_by BIGINT;
