#!/usr/bin/env python3
"""Checks the venue calendars against Python's zoneinfo (an independent reader of the same
tz database): 200,000 instants over 1990-2099, a quarter of them within seconds of a
session's open or close or of a daylight-saving switch, in five venues (NYSE, NSE, LSE, TSE,
and Tadawul's Friday-Saturday weekend) with holidays and early closes. For each instant the
expected state comes from the venue-local wall time: weekend or holiday by the local date,
else open iff open <= local time < close (the early close on a half day).

Usage: zoneinfo_check.py PATH_TO_calendar_probe"""
import datetime as dt
import random
import subprocess
import sys
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]  # Python's weekday() order

# name -> (zone, open, close, weekend days); nyse and nse are the built-ins.
VENUES = {
    "nyse": ("America/New_York", "09:30", "16:00", {"sat", "sun"}),
    "nse": ("Asia/Kolkata", "09:15", "15:30", {"sat", "sun"}),
    "lse": ("Europe/London", "08:00", "16:30", {"sat", "sun"}),
    "tse": ("Asia/Tokyo", "09:00", "15:30", {"sat", "sun"}),
    "tadawul": ("Asia/Riyadh", "10:00", "15:00", {"fri", "sat"}),
}
CONFIGURED = ["lse=Europe/London,08:00-16:30", "tse=Asia/Tokyo,09:00-15:30", "tadawul=Asia/Riyadh,10:00-15:00,fri+sat"]
HOLIDAYS = {("nyse", "2026-01-19"), ("nyse", "2026-11-26"), ("nse", "2026-01-26"), ("lse", "2026-12-25"),
            ("lse", "2026-03-30"), ("tse", "2026-01-02"), ("nyse", "2007-03-12"), ("lse", "2040-03-26")}
EARLY = {("nyse", "2026-11-27"): "13:00", ("lse", "2026-12-24"): "12:30", ("lse", "2026-10-26"): "12:30",
         ("nyse", "2007-11-05"): "13:00", ("tse", "2045-03-13"): "11:30"}
COUNT = 200_000


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def expected(venue, t):
    zone, open_, close, weekend = VENUES[venue]
    local = dt.datetime.fromtimestamp(t, ZoneInfo(zone))
    day = local.date().isoformat()
    if DAYS[local.weekday()] in weekend:
        return "weekend 0"
    if (venue, day) in HOLIDAYS:
        return "holiday 0"
    close = EARLY.get((venue, day), close)
    now = local.hour * 3600 + local.minute * 60 + local.second
    return "open 1" if minutes(open_) * 60 <= now < minutes(close) * 60 else "closed 0"


def instants(rng):
    lo = int(dt.datetime(1990, 1, 1, tzinfo=UTC).timestamp())
    hi = int(dt.datetime(2100, 1, 1, tzinfo=UTC).timestamp())
    names = list(VENUES)
    out = []
    # Every instant a fixed date list (the holidays, half days and the days around them) puts at a boundary.
    boundary_days = sorted({d for _, d in HOLIDAYS} | {d for _, d in EARLY})
    while len(out) < COUNT // 4:
        venue = rng.choice(names)
        zone, open_, close, _ = VENUES[venue]
        if rng.random() < 0.2:
            day = dt.date.fromisoformat(rng.choice(boundary_days)) + dt.timedelta(days=rng.randint(-1, 1))
        else:
            day = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(40177))
        hhmm = rng.choice([open_, close, "12:30", "13:00", "11:30", "00:00", "02:00", "01:00"])
        local = dt.datetime.combine(day, dt.time(minutes(hhmm) // 60, minutes(hhmm) % 60), ZoneInfo(zone))
        out.append((venue, int(local.timestamp()) + rng.choice([-3600, -1, 0, 0, 1, 3600])))
    while len(out) < COUNT:
        out.append((rng.choice(names), rng.randrange(lo, hi)))
    return out


def main():
    probe = sys.argv[1]
    rng = random.Random(20261207)
    points = instants(rng)
    args = [probe]
    for v in CONFIGURED:
        args += ["--venue", v]
    for venue, day in sorted(HOLIDAYS):
        args += ["--holiday", f"{venue}={day}"]
    for (venue, day), close in sorted(EARLY.items()):
        args += ["--early-close", f"{venue}={day}T{close}"]
    stdin = "".join(f"{v} {t}\n" for v, t in points)
    got = subprocess.run(args, input=stdin, capture_output=True, text=True, check=True).stdout.splitlines()
    if len(got) != len(points):
        print(f"probe answered {len(got)} of {len(points)} instants", file=sys.stderr)
        return 1
    wrong = [(v, t, g, expected(v, t)) for (v, t), g in zip(points, got) if g != expected(v, t)]
    for v, t, g, e in wrong[:20]:
        print(f"{v} at {dt.datetime.fromtimestamp(t, UTC).isoformat()}: calendar says '{g}', zoneinfo '{e}'",
              file=sys.stderr)
    states = {}
    for g in got:
        states[g] = states.get(g, 0) + 1
    print(f"{len(points)} instants, {len(wrong)} disagreements; states: {states}")
    return 1 if wrong or len(states) < 4 else 0


if __name__ == "__main__":
    sys.exit(main())
