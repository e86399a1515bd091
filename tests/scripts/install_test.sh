#!/usr/bin/env bash
# ctest scripts.install: scripts/install stages a complete service install under a throwaway
# root (the build under test as the release build): the binary and the dashboard under the
# prefix, /etc/meridian 0750 with meridian.toml and env 0640, the unit naming the prefix's
# binary, the `meridian` user with no login shell; a second run keeps an edited configuration;
# and the installed daemon finds its installed dashboard (GET / is the page).
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:?usage: install_test.sh BUILD_DIR}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
command -v useradd >/dev/null || fail "no useradd (passwd package)"

STAGE=$(mktemp -d)
PID=
trap '[ -z "$PID" ] || kill "$PID" 2>/dev/null; rm -rf "$STAGE"' EXIT
# A root with the account files useradd --root edits.
install -d "$STAGE/etc"
for f in passwd group shadow gshadow login.defs; do [ -e "/etc/$f" ] && cp -p "/etc/$f" "$STAGE/etc/"; done
sed -i '/^meridian:/d' "$STAGE/etc/passwd" "$STAGE/etc/group" "$STAGE/etc/shadow" "$STAGE/etc/gshadow" 2>/dev/null || true

PREFIX=/opt/meridian-test
"$SRC/scripts/install" --root "$STAGE" --prefix "$PREFIX" --build-dir "$BUILD" --no-systemctl

BIN="$STAGE$PREFIX/bin/meridiand"
[ -x "$BIN" ] || fail "no executable $BIN"
"$BIN" version | grep -q '^meridiand ' || fail "the installed binary does not run"
[ -f "$STAGE$PREFIX/share/meridian/static/index.html" ] || fail "the dashboard is not installed"
[ "$(stat -c %a "$STAGE/etc/meridian")" = 750 ] || fail "/etc/meridian is not 0750"
for f in meridian.toml env; do
  [ "$(stat -c %a "$STAGE/etc/meridian/$f")" = 640 ] || fail "/etc/meridian/$f is not 0640"
done
grep -qx "ExecStart=$PREFIX/bin/meridiand serve" "$STAGE/etc/systemd/system/meridiand.service" ||
  fail "the unit does not start $PREFIX/bin/meridiand: $(grep ExecStart "$STAGE/etc/systemd/system/meridiand.service")"
grep -q '^meridian:.*:/var/lib/meridian:/usr/sbin/nologin$' "$STAGE/etc/passwd" ||
  fail "no meridian system user with a nologin shell"
echo "ok: binary, dashboard, /etc/meridian, unit and user installed"

# Idempotent: an operator's edit survives a second run (an upgrade).
echo 'port = 9999' >>"$STAGE/etc/meridian/meridian.toml"
"$SRC/scripts/install" --root "$STAGE" --prefix "$PREFIX" --build-dir "$BUILD" --no-systemctl
grep -qx 'port = 9999' "$STAGE/etc/meridian/meridian.toml" || fail "a second install overwrote the configuration"
[ "$(grep -c '^meridian:' "$STAGE/etc/passwd")" = 1 ] || fail "a second install added the user again"
echo "ok: a second run keeps the configuration and the user"

# The installed daemon serves the installed dashboard (found beside its prefix, no flag).
PORT_FILE="$STAGE/port"
(cd "$STAGE" && exec "$BIN" serve --config "$STAGE/etc/meridian/meridian.toml" --host 127.0.0.1 --port 0 \
  --port-file "$PORT_FILE" --log-level warn --tick-interval-ms 100 --history-bars 60) >"$STAGE/out.log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do [ -s "$PORT_FILE" ] && break; kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
[ -s "$PORT_FILE" ] || fail "the installed daemon did not listen: $(tail -5 "$STAGE/out.log")"
page=$(python3 -c "import urllib.request,sys; print(urllib.request.urlopen('http://127.0.0.1:%s/' % sys.argv[1]).read().decode())" "$(cat "$PORT_FILE")")
grep -qi '<!doctype html' <<<"$page" || fail "GET / is not the dashboard page: ${page:0:200}"
echo "ok: the installed daemon serves the installed dashboard"
