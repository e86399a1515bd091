-- Journal records the database refused (a data error, a constraint, a trigger: never a lost
-- connection, which is retried). The journal writer moves each refused record here with its
-- full payload and the error, and goes on with the records after it; an operator replays or
-- discards it (`meridiand journal dead-letters`, GET /api/admin/dead-letters). Recovery and
-- /health report the pending ones.
CREATE TABLE journal_dead_letters (
  id           BIGSERIAL PRIMARY KEY,
  portfolio_id BIGINT NOT NULL REFERENCES portfolios (id),
  kind         TEXT NOT NULL,  -- trade, order, bar, signal, session, instance, ...
  journal_seq  BIGINT NOT NULL,  -- the engine's journal sequence number (per daemon run)
  payload      JSONB NOT NULL,
  error        TEXT NOT NULL,  -- the database's message, or why it depends on another dead letter
  sqlstate     TEXT,
  depends_on   BIGINT REFERENCES journal_dead_letters (id),
  first_seen   TIMESTAMPTZ NOT NULL DEFAULT now(),
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'replayed', 'discarded')),
  resolved_at  TIMESTAMPTZ
);
CREATE INDEX journal_dead_letters_pending ON journal_dead_letters (portfolio_id, id) WHERE state = 'pending';

-- Order ids are never reused (issue 11 item 5): a daemon hands out ids only below this
-- high-water mark, which it raises durably (in blocks) before it hands them out. A start
-- begins above the mark, so ids handed to clients and lost in a crash are never given again.
ALTER TABLE portfolios ADD COLUMN order_id_reserved BIGINT NOT NULL DEFAULT 0;
