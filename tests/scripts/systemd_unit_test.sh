#!/usr/bin/env bash
# ctest scripts.systemd_unit: deploy/meridiand.service is a valid unit (`systemd-analyze verify`
# prints nothing) of Type=notify with a watchdog, and its hardening keeps `systemd-analyze
# security` exposure below 3.0 (the figure is printed). The unit is checked offline, as a copy
# whose ExecStart names an executable of this machine (the installed path need not exist here).
# Skipped without systemd-analyze (the `systemd` package), failed under CI=true.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
UNIT="$SRC/deploy/meridiand.service"
skip() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $* (CI=true)"
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
command -v systemd-analyze >/dev/null || skip "needs systemd-analyze (apt-get install systemd)"

grep -qx 'Type=notify' "$UNIT" || fail "the unit is not Type=notify"
grep -q '^WatchdogSec=' "$UNIT" || fail "the unit has no WatchdogSec="

DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
# The same unit, run from an executable that exists here (the daemon given as $1, else true).
EXE=${1:-$(command -v true)}
sed "s#^ExecStart=[^ ]*#ExecStart=$EXE#" "$UNIT" >"$DIR/meridiand.service"

out=$(cd "$DIR" && systemd-analyze verify --man=no ./meridiand.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify is not clean: $out"
echo "ok: systemd-analyze verify is clean"

report=$(cd "$DIR" && systemd-analyze security --offline=true ./meridiand.service 2>&1) || true
line=$(grep 'Overall exposure level' <<<"$report") || fail "no exposure level in: $report"
echo "$line"
exposure=$(sed -E 's/.*: ([0-9]+\.[0-9]+).*/\1/' <<<"$line")
awk -v e="$exposure" 'BEGIN { exit !(e < 3.0) }' || fail "exposure $exposure is not below 3.0"
echo "ok: exposure $exposure < 3.0"
