-- Identity and access (#13): users who log in, their API keys. refresh_tokens (sql/003) already
-- has what rotation needs (digest, family, replaced_by, revoked_at).

-- Emails are unique without case ("Ann@x.org" and "ann@x.org" are one account) and stored as
-- given. The UNIQUE (email) constraint of sql/001 stays: the default user's upsert names it.
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
-- A disabled user can neither log in nor use a token or key issued before.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT false;

-- Meridian's own API keys ("Authorization: Bearer mk_..."), shown to their owner once. Only the
-- SHA-256 digest of the key is kept, so a copy of this table cannot be replayed; hint is the
-- prefix and first 8 characters, what a listing shows. Not the api_keys table, which holds a
-- user's encrypted broker credentials.
CREATE TABLE access_keys (
  id              BIGSERIAL PRIMARY KEY,
  user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  hint            TEXT NOT NULL,
  digest          BYTEA NOT NULL UNIQUE CHECK (octet_length(digest) = 32),
  -- At most the owner's role when the key was made (api::Identity checks that).
  role            TEXT NOT NULL CHECK (role IN ('viewer', 'trader', 'admin')),
  -- Portfolios the key may touch; empty: every portfolio of its user.
  portfolio_scope BIGINT[] NOT NULL DEFAULT '{}',
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at    TIMESTAMPTZ,
  revoked_at      TIMESTAMPTZ
);
CREATE INDEX access_keys_user ON access_keys (user_id);  -- an owner's listing
