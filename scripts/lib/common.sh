# Shared by scripts/run and scripts/test: package install, build, private PostgreSQL.
# Sourced, not executed. Every function is idempotent so a second run is fast.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN_DIR="$ROOT/.run"
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '\033[1;34m[meridian]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[meridian]\033[0m %s\n' "$*" >&2; exit 1; }

# Debian packages every build needs; scripts add their own extras.
BUILD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates procps
  libboost1.81-dev libboost-url1.81-dev libssl-dev
  libpqxx-dev libpq-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libsodium-dev libjwt-dev libsystemd-dev
  libhowardhinnant-date-dev tzdata
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  postgresql postgresql-client
)

# Installs only what is missing, so a warm machine pays one dpkg-query.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The dashboard's toolchain (web/package.json, esbuild and the rest pinned by the committed
# web/package-lock.json): Debian's node and npm when missing (a nodejs that ships its own npm
# counts), then `npm ci`, only when the lock file changed since the last install. npm's cache
# (~/.npm) makes a reinstall work offline once the packages were fetched.
web_deps() {
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
  local web="$ROOT/web" stamp="$ROOT/web/node_modules/.meridian-lock" lock
  lock=$(sha256sum "$web/package-lock.json" | cut -c1-64)
  [ "$(cat "$stamp" 2>/dev/null)" = "$lock" ] && return 0
  log "installing the dashboard's npm packages (npm ci)"
  (cd "$web" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) || die "npm ci failed in web/"
  printf '%s\n' "$lock" >"$stamp"
}

# build PRESET: configures once, then rebuilds incrementally (the dashboard's bundle included:
# web/CMakeLists.txt runs esbuild from web/node_modules).
build() {
  local preset=$1
  web_deps
  # ccache keeps its default cache (~/.cache/ccache), so a fresh clone on the same machine
  # (CI) reuses what earlier builds compiled. Paths under the checkout are hashed relative to
  # it (and not the build directory), so a clone elsewhere hits the same entries; the cost is
  # debug info naming the first clone's paths.
  export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
  if [ ! -f "$ROOT/build/$preset/build.ninja" ]; then
    cmake --preset "$preset" -S "$ROOT" >/dev/null
  fi
  log "building ($preset)"
  cmake --build "$ROOT/build/$preset" -j"$(nproc)"
}

# Prints a free loopback TCP port: one nothing answers on, taken below the kernel's ephemeral
# range (ip_local_port_range), where an outgoing connection's local port could also hold it —
# a port nothing listens on can still be bound by a connection and refuse a server's bind.
free_port() {
  local port low=32768 high=32768
  read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  local top=$(( low > 12000 ? low : 32768 ))
  for _ in $(seq 1 200); do
    port=$(( (RANDOM % (top - 10000)) + 10000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

# --- The private PostgreSQL 15 cluster of this checkout ---------------------------------------
# It lives outside the checkout, in a directory its server's user owns, keyed by the checkout's
# physical path: the server can reach it wherever the checkout is (a mode-700 home included)
# without loosening the permissions of the user's directories, and a checkout and its clone
# never share a cluster. `.run/pg` is a symlink to it. As root (initdb refuses root) the server
# runs as `postgres` under /var/lib/meridian-dev/<key>/; as another user, as that user under
# ${XDG_STATE_HOME:-~/.local/state}/meridian-dev/<key>/.
#   <key>/checkout        the checkout's path (a cluster whose checkout is gone is removed)
#   <key>/pgpass          libpq password file, mode 0600, owned by the scripts' user: the
#                         generated password of the `postgres` role (scram-sha-256)
#   <key>/password-set    present once the cluster's role has that password
#   <key>/pg/             the server's: data/, sock/ (its Unix socket, mode 0700), postgres.log
# Every connection, local or TCP, needs the password: pg_hba.conf is rewritten on each start.
# The password reaches our own psql through PGPASSFILE and the daemon and tests through
# DATABASE_URL in the environment, never through a command line (`ps` shows those to everyone).
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
  PG_STATE_BASE=${MERIDIAN_PG_STATE_BASE:-/var/lib/meridian-dev}
else
  PG_USER=$(id -un)
  PG_STATE_BASE=${MERIDIAN_PG_STATE_BASE:-${XDG_STATE_HOME:-$HOME/.local/state}/meridian-dev}
fi

# Runs a command as the server's user (from /: it may not reach the current directory).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u "$PG_USER" -- "$@"); else "$@"; fi
}

# Hands a path to the server's user (a no-op when that is us).
own_pg() {
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER:$PG_USER" "$@"; fi
}

# The state directory of this checkout's cluster.
pg_state_dir() {
  local key
  key=$(cd "$ROOT" && pwd -P | sha256sum | cut -c1-16)
  echo "$PG_STATE_BASE/$key"
}

pg_running() {
  [ -f "$1/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# psql as the scripts' user over TCP with the generated password (PGPASSFILE, never argv).
pg_psql() {
  PGPASSFILE="$PG_STATE/pgpass" psql -X -w -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

# A cluster from before this layout (a trust cluster in a real .run/pg directory) is stopped and
# moved into the state directory, keeping its data; pg_start then gives its role a password.
pg_migrate_old_layout() {
  local old="$RUN_DIR/pg"
  [ -d "$old" ] && [ ! -L "$old" ] || return 0
  if [ -f "$old/data/PG_VERSION" ]; then
    if pg_running "$old/data"; then
      as_pg "$PG_BIN/pg_ctl" -D "$old/data" -m fast -w stop >/dev/null || die "cannot stop the old cluster in $old"
    fi
    if [ ! -f "$PG_STATE/pg/data/PG_VERSION" ]; then
      log "moving the private PostgreSQL cluster from $old to $PG_STATE (password auth from now on)"
      install -d -m 0700 "$PG_STATE/pg"
      own_pg "$PG_STATE/pg"
      mv "$old/data" "$PG_STATE/pg/data"
      rm -f "$PG_STATE/password-set"
    fi
  fi
  rm -rf "$old"
}

# Removes the clusters of checkouts that no longer exist (a CI run's fresh clone, deleted).
pg_prune() {
  local dir checkout
  for dir in "$PG_STATE_BASE"/*/; do
    dir=${dir%/}
    [ -f "$dir/checkout" ] && [ "$dir" != "$PG_STATE" ] || continue
    checkout=$(cat "$dir/checkout")
    [ -e "$checkout" ] && continue
    log "removing the private PostgreSQL of $checkout (the checkout is gone)"
    if pg_running "$dir/pg/data"; then
      as_pg "$PG_BIN/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || continue
    fi
    rm -rf "$dir"
  done
}

# Gives the cluster's `postgres` role the password in pgpass, in single-user mode (no server,
# no connection, the statement on stdin): for a cluster migrated from trust or a lost pgpass.
pg_set_password() {
  local data=$1 password=$2
  if pg_running "$data"; then as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
  local out
  # Single-user mode reports a failed statement on its output but still exits 0.
  out=$(printf "SET password_encryption = 'scram-sha-256';\nALTER ROLE postgres PASSWORD '%s';\n" "$password" |
    as_pg "$PG_BIN/postgres" --single -D "$data" postgres 2>&1) && ! grep -q 'ERROR' <<<"$out" \
    || die "could not set the password of the private PostgreSQL cluster in $data: ${out//$password/***}"
}

# Starts (or reuses) the private cluster and exports PG_PORT, PG_STATE and DATABASE_URL (with
# the password: environment only). Idempotent: a second call reuses the running server.
pg_start() {
  PG_STATE=$(pg_state_dir)
  local pg="$PG_STATE/pg"
  local data="$pg/data" sock="$pg/sock" password
  pg_migrate_old_layout
  pg_prune
  install -d -m 0755 "$PG_STATE_BASE"
  install -d -m 0750 "$PG_STATE"
  [ "$(id -u)" -ne 0 ] || chgrp "$PG_USER" "$PG_STATE"  # the server's user passes through
  install -d -m 0700 "$pg" "$sock"
  own_pg "$pg" "$sock"
  chmod 0700 "$pg" "$sock"
  printf '%s\n' "$ROOT" >"$PG_STATE/checkout"
  mkdir -p "$RUN_DIR"
  ln -sfn "$PG_STATE" "$RUN_DIR/pg"

  if [ ! -s "$PG_STATE/pgpass" ]; then
    # 32 hex digits from the kernel's CSPRNG: nothing to escape in a URL or in SQL.
    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    (umask 077 && printf '*:*:*:postgres:%s\n' "$password" >"$PG_STATE/pgpass")
    rm -f "$PG_STATE/password-set"
  fi
  chmod 0600 "$PG_STATE/pgpass"
  password=$(cut -d: -f5- "$PG_STATE/pgpass")

  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb private PostgreSQL cluster in $data"
    # initdb reads the password from a file of the server's user, removed at once.
    (umask 077 && printf '%s\n' "$password" >"$pg/initdb-password")
    own_pg "$pg/initdb-password"
    as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=scram-sha-256 --pwfile="$pg/initdb-password" \
      -E UTF8 >/dev/null || { rm -f "$pg/initdb-password"; die "initdb failed"; }
    rm -f "$pg/initdb-password"
    touch "$PG_STATE/password-set"
  elif [ ! -f "$PG_STATE/password-set" ]; then
    log "setting the generated password of the private PostgreSQL cluster"
    pg_set_password "$data" "$password"
    touch "$PG_STATE/password-set"
  fi

  # Written on every start, so a cluster from an older version loses its trust lines.
  local hba
  hba=$'# Written by scripts/lib/common.sh on every start: every connection needs the password.\n'
  hba+=$'local all         all                scram-sha-256\n'
  hba+=$'host  all         all  127.0.0.1/32  scram-sha-256\n'
  hba+=$'host  all         all  ::1/128       scram-sha-256\n'
  hba+=$'local replication all                scram-sha-256\n'
  hba+=$'host  replication all  127.0.0.1/32  scram-sha-256\n'
  local hba_changed=false
  if [ "$(cat "$data/pg_hba.conf")"$'\n' != "$hba" ]; then
    printf '%s' "$hba" >"$data/pg_hba.conf"
    own_pg "$data/pg_hba.conf"
    chmod 0600 "$data/pg_hba.conf"
    hba_changed=true
  fi

  if pg_running "$data"; then
    PG_PORT=$(sed -n 4p "$data/postmaster.pid" | tr -d ' ')
    if $hba_changed; then as_pg "$PG_BIN/pg_ctl" -D "$data" reload >/dev/null; fi
  else
    # Another process may bind the free port between the probe and the server's bind (tests
    # run in parallel): a start that fails on an address in use tries another port.
    local attempt started=false seen
    for attempt in 1 2 3 4 5; do
      PG_PORT=$(free_port)
      # Braced: a redirection that fails (no log before the first start) is the group's, silenced.
      seen=$({ wc -l <"$pg/postgres.log"; } 2>/dev/null || echo 0)
      if as_pg "$PG_BIN/pg_ctl" -D "$data" -w -t 60 -l "$pg/postgres.log" \
        -o "-p $PG_PORT -k $sock -c unix_socket_permissions=0700 -c listen_addresses=127.0.0.1 -c fsync=on" \
        start >/dev/null; then
        started=true
        break
      fi
      tail -n +"$((seen + 1))" "$pg/postgres.log" 2>/dev/null | grep -q 'Address already in use' || break
      log "port $PG_PORT was taken meanwhile (attempt $attempt): trying another"
    done
    $started || { tail -20 "$pg/postgres.log" >&2; die "PostgreSQL did not start"; }
    log "PostgreSQL 15 on 127.0.0.1:$PG_PORT (password in $PG_STATE/pgpass)"
  fi
  export PG_PORT PG_STATE
  pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='meridian'" | grep -q 1 \
    || pg_psql -d postgres -qc 'CREATE DATABASE meridian'
  export DATABASE_URL="postgresql://postgres:$password@127.0.0.1:$PG_PORT/meridian"
}

# psql on a postgresql:// URL without putting the URL (and its password) on a command line:
# its parts go to libpq's PG* variables in psql's environment. A dbname= query parameter wins
# over the path, as libpq has it.
psql_url() {
  local url=$1
  shift
  local re='^postgres(ql)?://([^:@/?]*)(:([^@/?]*))?@([^:/?]*)(:([0-9]+))?(/([^?]*))?(\?(.*))?$'
  [[ $url =~ $re ]] || die "psql_url: not a postgresql://user[:password]@host[:port]/db URL"
  local user=${BASH_REMATCH[2]} password=${BASH_REMATCH[4]} host=${BASH_REMATCH[5]} port=${BASH_REMATCH[7]}
  local db=${BASH_REMATCH[9]} query=${BASH_REMATCH[11]}
  if [[ $query =~ (^|&)dbname=([^&]*) ]]; then db=${BASH_REMATCH[2]}; fi
  # Percent-decoding: %XX -> the byte.
  password=$(printf '%b' "${password//%/\\x}")
  PGUSER=$user PGPASSWORD=$password PGHOST=$host PGPORT=${port:-5432} PGDATABASE=${db:-postgres} psql -X "$@"
}

pg_stop() {
  local data
  data="$(pg_state_dir)/pg/data"
  [ -f "$data/postmaster.pid" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# Stops the cluster and removes it with its data and password (the next pg_start makes a new one).
pg_destroy() {
  local state
  state=$(pg_state_dir)
  pg_stop
  rm -rf "$state"
  [ ! -L "$RUN_DIR/pg" ] || rm -f "$RUN_DIR/pg"
}
