#!/usr/bin/env bash
# ctest scripts.private_pg: the private PostgreSQL of scripts/lib/common.sh in a checkout under
# a mode-700 directory (as in root's home), without a build: a copy of scripts/ is the checkout.
#   - an old-layout trust cluster in .run/pg is migrated (data kept) to the state directory;
#   - every connection needs the generated password: without it, with a wrong one, and as
#     another local user (TCP or the Unix socket) it is refused;
#   - the password file is 0600, the socket directory and the data are the server's alone;
#   - the checkout's directories keep their modes; a second pg_start reuses the running server;
#     pg_stop stops it and pg_start brings it back with its data.
# Needs root (the server runs as `postgres`, as in CI): skipped otherwise, failed under CI=true.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
skip() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $* (CI=true)"
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -x /usr/lib/postgresql/15/bin/initdb ] && command -v psql >/dev/null || skip "needs PostgreSQL 15"
id nobody >/dev/null 2>&1 || skip "needs the nobody user"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1
  shift
  "$@" >/dev/null 2>&1 || fail "$what"
  echo "ok: $what"
}
refused() {  # refused DESCRIPTION COMMAND...: the command must fail
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then fail "$what"; fi
  echo "ok: $what"
}

# A mode-700 directory, as /root is: the server's user cannot traverse it.
parent_base=/root
[ -d "$parent_base" ] || parent_base=${TMPDIR:-/tmp}
HOME700=$(mktemp -d "$parent_base/meridian-scripts-test.XXXXXX")
chmod 700 "$HOME700"
CHECKOUT=$HOME700/meridian
mkdir -p "$CHECKOUT"
cp -r "$SRC/scripts" "$CHECKOUT/"
cleanup() {
  (cd "$CHECKOUT" && source scripts/lib/common.sh && pg_destroy) || true
  rm -rf "$HOME700"
}
trap cleanup EXIT

modes_before=$(stat -c '%a %U' "$HOME700" "$CHECKOUT")

# An old-layout cluster: initdb -A trust, a marker table, in a real directory .run/pg/data.
old_tmp=$(mktemp -d /tmp/meridian-old-pg.XXXXXX)
chown postgres:postgres "$old_tmp"
(cd / && runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$old_tmp/data" -U postgres -A trust \
  -E UTF8 --no-sync >/dev/null)
echo 'CREATE TABLE migrated_marker (x int);' |
  (cd / && runuser -u postgres -- /usr/lib/postgresql/15/bin/postgres --single -D "$old_tmp/data" postgres \
    >/dev/null 2>&1) || fail "could not make the old-layout cluster"
mkdir -p "$CHECKOUT/.run/pg"
mv "$old_tmp/data" "$CHECKOUT/.run/pg/data"
rmdir "$old_tmp"

cd "$CHECKOUT"
# shellcheck source=../../scripts/lib/common.sh
source scripts/lib/common.sh
[ "$ROOT" = "$CHECKOUT" ] || fail "common.sh took $ROOT as the checkout, not $CHECKOUT"

pg_start
first_port=$PG_PORT
first_url=$DATABASE_URL
state=$PG_STATE
data=$state/pg/data
password=$(cut -d: -f5- "$state/pgpass")

check ".run/pg is a symlink to the state directory" test "$(readlink "$CHECKOUT/.run/pg")" = "$state"
check "the old cluster's data moved out of the checkout" test ! -e "$CHECKOUT/.run/pg/data/PG_VERSION" -o -L "$CHECKOUT/.run/pg"
check "the password file is 0600 and root's" test "$(stat -c '%a %U' "$state/pgpass")" = "600 root"
check "the password is 32 hex digits" grep -Eq '^[0-9a-f]{32}$' <<<"$password"
check "DATABASE_URL carries the generated password" \
  test "$DATABASE_URL" = "postgresql://postgres:$password@127.0.0.1:$PG_PORT/meridian"
check "the socket directory is the server's alone (0700 postgres)" \
  test "$(stat -c '%a %U' "$state/pg/sock")" = "700 postgres"
check "the data directory is 0700 postgres" test "$(stat -c '%a %U' "$data")" = "700 postgres"
check "the state directory is closed to other users" test "$(($(stat -c '0%a' "$state") & 07))" -eq 0
check "pg_hba.conf has no trust line" bash -c "! grep -Ev '^[[:space:]]*(#|$)' '$data/pg_hba.conf' | grep -qw trust"
check "pg_hba.conf asks for scram-sha-256" grep -qw scram-sha-256 "$data/pg_hba.conf"
check "the checkout's directories keep their modes" test "$(stat -c '%a %U' "$HOME700" "$CHECKOUT")" = "$modes_before"

export PGCONNECT_TIMEOUT=10
check "the generated password connects" pg_psql -d meridian -tAc 'SELECT 1'
check "the migrated cluster kept its data" pg_psql -d postgres -tAc 'SELECT count(*) FROM migrated_marker'
# \connect with DATABASE_URL: the password in the URL beats PGPASSFILE, so a wrong one fails.
check "DATABASE_URL connects" bash -c "printf '\\\\connect %s\\nSELECT 1;\\n' \"\$DATABASE_URL\" |
  PGPASSFILE='$state/pgpass' psql -X -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres"
refused "no password is refused" \
  env PGPASSFILE=/dev/null psql -X -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT 1'
refused "a wrong password is refused" \
  env PGPASSFILE=/dev/null PGPASSWORD=wrong psql -X -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT 1'
refused "another local user over TCP is refused" \
  runuser -u nobody -- env PGPASSFILE=/dev/null psql -X -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT 1'
refused "another local user on the Unix socket is refused" \
  runuser -u nobody -- env PGPASSFILE=/dev/null psql -X -w -h "$state/pg/sock" -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT 1'
refused "another local user cannot read the password file" runuser -u nobody -- cat "$state/pgpass"
refused "the postgres user cannot read the password file" runuser -u postgres -- cat "$state/pgpass"
check "the generated password still connects" pg_psql -d meridian -tAc 'SELECT 1'

# Idempotent: a second start reuses the server, its port and its password.
pg_start
check "a second pg_start reuses the running server" test "$PG_PORT" = "$first_port" -a "$DATABASE_URL" = "$first_url"

pg_stop
refused "pg_stop stops the server" pg_running "$data"
pg_start
check "pg_start after pg_stop keeps the password" test "$(cut -d: -f5- "$state/pgpass")" = "$password"
check "pg_start after pg_stop keeps the data" pg_psql -d postgres -tAc 'SELECT count(*) FROM migrated_marker'
pg_stop
echo "PASS"
