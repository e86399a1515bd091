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
  libpqxx-dev libpq-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libsodium-dev
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

# build PRESET: configures once, then rebuilds incrementally.
build() {
  local preset=$1
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

# Prints a free loopback TCP port: one nothing answers on.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( (RANDOM % 20000) + 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

# Starts (or reuses) a private PostgreSQL 15 cluster under .run/pg and exports DATABASE_URL.
# initdb refuses root, so the cluster belongs to the postgres user.
pg_start() {
  local data="$RUN_DIR/pg/data" sock="$RUN_DIR/pg/sock"
  mkdir -p "$RUN_DIR/pg" "$sock"
  chown postgres:postgres "$RUN_DIR/pg" "$sock"
  # The postgres user must be able to reach .run/pg through the checkout's parents.
  chmod o+x "$ROOT" "$RUN_DIR" 2>/dev/null || true
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb private PostgreSQL cluster in $data"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 >/dev/null
  fi
  if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    PG_PORT=$(sed -n 4p "$data/postmaster.pid" | tr -d ' ')
  else
    PG_PORT=$(free_port)
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -w -t 60 -l "$RUN_DIR/pg/postgres.log" \
      -o "-p $PG_PORT -k $sock -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null \
      || { tail -20 "$RUN_DIR/pg/postgres.log" >&2; die "PostgreSQL did not start"; }
    log "PostgreSQL 15 on 127.0.0.1:$PG_PORT"
  fi
  runuser -u postgres -- psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='meridian'" | grep -q 1 \
    || runuser -u postgres -- createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres meridian
  export PG_PORT
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/meridian"
}

pg_stop() {
  local data="$RUN_DIR/pg/data"
  [ -f "$data/postmaster.pid" ] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}
