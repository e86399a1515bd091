#!/usr/bin/env python3
"""Golden vectors for Meridian's streaming indicators (tests/unit/indicators).

A batch reference written straight from the definitions (TA-Lib conventions; SuperTrend as
TradingView's ta.supertrend), deliberately not a port of the streaming C++ code: moving windows
are recomputed from scratch for every bar with math.fsum, recursions are written out bar by bar.
Plain Python 3, no third-party packages, fully deterministic.

Run from anywhere:  python3 tests/data/make_golden.py
Writes, next to this script:
  bars_<series>.csv          ts,open,high,low,close,volume   (the inputs)
  golden_<indicator>.csv     series,bar,<outputs...>         (empty field: no value yet)
for three input series: `golden` (a seeded random walk with a flat stretch and zero-volume
bars, ts in seconds), `gapped` (price jumps of up to 1000x, a weekend, a long zero-volume
stretch, ts in milliseconds) and `tiny` (prices near 1e-6).
"""

import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------------------------
# Input series


def _bar_text(o, h, l, c, v, decimals):
    fmt = (lambda x: f"{x:.{decimals}f}") if decimals is not None else repr
    o, c = float(fmt(o)), float(fmt(c))
    h = max(float(fmt(h)), o, c)
    l = min(float(fmt(l)), o, c)
    return [fmt(o), fmt(h), fmt(l), fmt(c), str(v)]


def make_series(seed, count, start_price, step_pct, decimals, shocks, flat, zero_volume):
    """Random walk OHLCV. shocks: {bar: multiplier applied to the open}; flat: bars with
    O=H=L=C=previous close; zero_volume: bars with volume 0."""
    rng = random.Random(seed)
    rows = []
    close = start_price
    for i in range(count):
        if i in flat:
            o = h = l = c = close
        else:
            o = close * shocks.get(i, 1.0) * (1 + rng.gauss(0, step_pct / 4))
            c = o * math.exp(rng.gauss(0, step_pct))
            h = max(o, c) * (1 + abs(rng.gauss(0, step_pct / 2)))
            l = min(o, c) * (1 - abs(rng.gauss(0, step_pct / 2)))
        v = 0 if i in zero_volume else rng.randint(1, 5000)
        text = _bar_text(o, h, l, c, v, decimals)
        close = float(text[3])
        rows.append(text)
    return rows


def timestamps(count, start_s, step_s, gaps, unit):
    """gaps: {bar: extra seconds before that bar}. unit: 1 (seconds) or 1000 (ms)."""
    out, t = [], start_s
    for i in range(count):
        t += gaps.get(i, 0)
        out.append(t * unit)
        t += step_s
    return out


SERIES = {
    # 1-hour bars from 2024-03-01T19:00Z: a UTC day boundary at bar 5, then every 24 bars.
    "golden": dict(
        ts=timestamps(300, 1709319600, 3600, {}, 1),
        rows=make_series(20240301, 300, 100.0, 0.01, 4, {200: 1.08},
                         flat=set(range(120, 125)), zero_volume={29, 30, 31} | set(range(120, 125)))),
    # 30-minute bars, ms timestamps, a weekend gap, jumps of x10, /50, a one-bar x1000 spike and
    # a 60% fall; 30 bars without volume (a whole rolling-VWAP window).
    "gapped": dict(
        ts=timestamps(300, 1718409600, 1800, {140: 2 * 86400 + 3600}, 1000),
        rows=make_series(7, 300, 50.0, 0.02, 4,
                         {60: 10.0, 100: 0.02, 150: 1000.0, 151: 0.001, 200: 0.4},
                         flat=set(range(240, 244)), zero_volume=set(range(230, 260)))),
    # Prices near 1e-6 with full double precision (no fixed-point rounding).
    "tiny": dict(
        ts=timestamps(300, 1704067200, 60, {}, 1),
        rows=make_series(99, 300, 1.0e-6, 0.003, None, {}, flat=set(), zero_volume=set())),
}

# ---------------------------------------------------------------------------------------------
# Batch reference indicators. Each returns lists aligned with the input, None before warm-up.


def sma(xs, n):
    out = [None] * len(xs)
    for i in range(len(xs)):
        window = xs[i - n + 1:i + 1] if i >= n - 1 else []
        if len(window) == n and all(x is not None for x in window):
            out[i] = math.fsum(window) / n
    return out


def ema_from(xs, n, seed_end):
    """EMA(n) whose seed is the mean of the n values ending at index seed_end."""
    out = [None] * len(xs)
    if seed_end >= len(xs):
        return out
    k = 2.0 / (n + 1)
    prev = math.fsum(xs[seed_end - n + 1:seed_end + 1]) / n
    out[seed_end] = prev
    for i in range(seed_end + 1, len(xs)):
        prev = prev + k * (xs[i] - prev)
        out[i] = prev
    return out


def ema(xs, n):
    return ema_from(xs, n, n - 1)


def wilder(values, n, first):
    """Wilder average of values[first:]: mean of the first n, then (prev*(n-1)+x)/n."""
    out = [None] * len(values)
    seed_end = first + n - 1
    if seed_end >= len(values):
        return out
    prev = math.fsum(values[first:seed_end + 1]) / n
    out[seed_end] = prev
    for i in range(seed_end + 1, len(values)):
        prev = (prev * (n - 1) + values[i]) / n
        out[i] = prev
    return out


def rsi(c, n):
    gains = [0.0] + [max(c[i] - c[i - 1], 0.0) for i in range(1, len(c))]
    losses = [0.0] + [max(c[i - 1] - c[i], 0.0) for i in range(1, len(c))]
    ag, al = wilder(gains, n, 1), wilder(losses, n, 1)
    out = [None] * len(c)
    for i in range(len(c)):
        if ag[i] is not None:
            total = ag[i] + al[i]
            out[i] = 50.0 if total == 0 else 100.0 * ag[i] / total
    return out


def macd(c, fast, slow, signal):
    slow_ema = ema(c, slow)
    fast_ema = ema_from(c, fast, slow - 1)  # seeded with the `fast` closes ending at slow-1
    line = [None if s is None else f - s for f, s in zip(fast_ema, slow_ema)]
    start = slow - 1
    sig_full = ema_from(line[start:], signal, signal - 1)
    sig = [None] * start + sig_full
    out_line = [l if s is not None else None for l, s in zip(line, sig)]
    hist = [None if s is None else l - s for l, s in zip(line, sig)]
    return out_line, sig, hist


def bbands(c, n, k):
    upper, middle, lower = [None] * len(c), [None] * len(c), [None] * len(c)
    for i in range(n - 1, len(c)):
        w = c[i - n + 1:i + 1]
        m = math.fsum(w) / n
        sd = math.sqrt(math.fsum((x - m) ** 2 for x in w) / n)
        upper[i], middle[i], lower[i] = m + k * sd, m, m - k * sd
    return upper, middle, lower


def true_range(h, l, c, i):
    return max(h[i], c[i - 1]) - min(l[i], c[i - 1])


def atr(h, l, c, n):
    tr = [0.0] + [true_range(h, l, c, i) for i in range(1, len(c))]
    return wilder(tr, n, 1)


def stoch_rsi(c, n, stoch_n, k_n, d_n):
    r = rsi(c, n)
    raw = [None] * len(c)
    for i in range(len(c)):
        w = r[i - stoch_n + 1:i + 1] if i >= stoch_n - 1 else []
        if len(w) == stoch_n and all(x is not None for x in w):
            lo, hi = min(w), max(w)
            # A range below 1e-9 RSI points is rounding noise of an unchanged RSI: flat.
            raw[i] = 0.0 if hi - lo <= 1e-9 else 100.0 * (r[i] - lo) / (hi - lo)
    k = sma(raw, k_n)
    d = sma(k, d_n)
    return k, d


def adx(h, l, c, n):
    size = len(c)
    plus_di, minus_di, out = [None] * size, [None] * size, [None] * size
    pdm, mdm, tr = [0.0] * size, [0.0] * size, [0.0] * size
    for i in range(1, size):
        up, down = h[i] - h[i - 1], l[i - 1] - l[i]
        if down > 0 and up < down:
            mdm[i] = down
        elif up > 0 and up > down:
            pdm[i] = up
        tr[i] = true_range(h, l, c, i)
    if size <= n:
        return plus_di, minus_di, out
    s_p = math.fsum(pdm[1:n])  # plain sums over bars 1..n-1
    s_m = math.fsum(mdm[1:n])
    s_t = math.fsum(tr[1:n])
    dx = [None] * size  # None: DX cannot be formed on that bar
    for i in range(n, size):
        s_p = s_p - s_p / n + pdm[i]
        s_m = s_m - s_m / n + mdm[i]
        s_t = s_t - s_t / n + tr[i]
        if s_t == 0:
            plus_di[i] = minus_di[i] = 0.0
            continue
        plus_di[i] = 100.0 * s_p / s_t
        minus_di[i] = 100.0 * s_m / s_t
        total = plus_di[i] + minus_di[i]
        if total != 0:
            dx[i] = 100.0 * abs(plus_di[i] - minus_di[i]) / total
    if 2 * n - 1 < size:
        prev = math.fsum(d if d is not None else 0.0 for d in dx[n:2 * n]) / n
        out[2 * n - 1] = prev
        for i in range(2 * n, size):
            if dx[i] is not None:
                prev = (prev * (n - 1) + dx[i]) / n
            out[i] = prev
    return plus_di, minus_di, out


def typical(h, l, c, i):
    return (h[i] + l[i] + c[i]) / 3.0


def vwap_session(ts_s, h, l, c, v):
    """Sessions are UTC days; every bar recomputes its session from the session's first bar."""
    out = []
    for i in range(len(c)):
        start = i
        while start > 0 and ts_s[start - 1] // 86400 == ts_s[i] // 86400:
            start -= 1
        vol = math.fsum(v[start:i + 1])
        pv = math.fsum(typical(h, l, c, j) * v[j] for j in range(start, i + 1))
        out.append(pv / vol if vol > 0 else typical(h, l, c, i))
    return out


def vwap_rolling(h, l, c, v, n):
    out = [None] * len(c)
    for i in range(n - 1, len(c)):
        vol = math.fsum(v[i - n + 1:i + 1])
        pv = math.fsum(typical(h, l, c, j) * v[j] for j in range(i - n + 1, i + 1))
        out[i] = pv / vol if vol > 0 else typical(h, l, c, i)
    return out


def supertrend(h, l, c, n, mult):
    """TradingView ta.supertrend; direction reported as +1 up (line = lower band), -1 down."""
    a = atr(h, l, c, n)
    line, direction = [None] * len(c), [None] * len(c)
    up_f = lo_f = st_prev = None
    for i in range(len(c)):
        if a[i] is None:
            continue
        hl2 = (h[i] + l[i]) / 2
        basic_up, basic_lo = hl2 + mult * a[i], hl2 - mult * a[i]
        if st_prev is None:  # first bar with an ATR: a down trend on the basic bands
            up, lo, d = basic_up, basic_lo, -1
        else:
            up = basic_up if (basic_up < up_f or c[i - 1] > up_f) else up_f
            lo = basic_lo if (basic_lo > lo_f or c[i - 1] < lo_f) else lo_f
            if st_prev == up_f:
                d = 1 if c[i] > up else -1
            else:
                d = -1 if c[i] < lo else 1
        st = lo if d == 1 else up
        line[i], direction[i] = st, float(d)
        up_f, lo_f, st_prev = up, lo, st
    return line, direction


# ---------------------------------------------------------------------------------------------
# Output


def indicators(ts, o, h, l, c, v):
    ts_s = [t // 1000 if t >= 100_000_000_000 else t for t in ts]
    m1, s1, h1 = macd(c, 12, 26, 9)
    m2, s2, h2 = macd(c, 5, 13, 4)
    bu, bm, bl = bbands(c, 20, 2.0)
    bu5, bm5, bl5 = bbands(c, 5, 1.5)
    k, d = stoch_rsi(c, 14, 14, 3, 3)
    p14, n14, a14 = adx(h, l, c, 14)
    p5, n5, a5 = adx(h, l, c, 5)
    st, sd = supertrend(h, l, c, 10, 3.0)
    st7, sd7 = supertrend(h, l, c, 7, 2.0)
    return {
        "sma": {"sma5": sma(c, 5), "sma20": sma(c, 20), "sma50": sma(c, 50)},
        "ema": {"ema5": ema(c, 5), "ema20": ema(c, 20)},
        "rsi": {"rsi14": rsi(c, 14), "rsi5": rsi(c, 5)},
        "macd": {"macd": m1, "signal": s1, "hist": h1, "macd_5_13_4": m2, "signal_5_13_4": s2,
                 "hist_5_13_4": h2},
        "bbands": {"upper": bu, "middle": bm, "lower": bl, "upper_5_1.5": bu5, "middle_5_1.5": bm5,
                   "lower_5_1.5": bl5},
        "atr": {"atr14": atr(h, l, c, 14), "atr5": atr(h, l, c, 5)},
        "stochrsi": {"k": k, "d": d},
        "adx": {"plus_di14": p14, "minus_di14": n14, "adx14": a14, "plus_di5": p5, "minus_di5": n5,
                "adx5": a5},
        "vwap": {"session": vwap_session(ts_s, h, l, c, v), "rolling20": vwap_rolling(h, l, c, v, 20)},
        "supertrend": {"st10_3": st, "dir10_3": sd, "st7_2": st7, "dir7_2": sd7},
    }


def fmt(x):
    return "" if x is None else repr(float(x))


def main():
    results = {}
    for name, spec in SERIES.items():
        with open(os.path.join(HERE, f"bars_{name}.csv"), "w", newline="\n") as f:
            f.write("ts,open,high,low,close,volume\n")
            for t, row in zip(spec["ts"], spec["rows"]):
                f.write(",".join([str(t)] + row) + "\n")
        cols = list(zip(*[[float(x) for x in row] for row in spec["rows"]]))
        results[name] = indicators(spec["ts"], *cols)
    for indicator in results["golden"]:
        columns = list(results["golden"][indicator])
        with open(os.path.join(HERE, f"golden_{indicator}.csv"), "w", newline="\n") as f:
            f.write(",".join(["series", "bar"] + columns) + "\n")
            for name in SERIES:
                outputs = results[name][indicator]
                for i in range(len(SERIES[name]["ts"])):
                    f.write(",".join([name, str(i)] + [fmt(outputs[col][i]) for col in columns]) + "\n")


if __name__ == "__main__":
    main()
