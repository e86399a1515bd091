// Overlay indicators over candles ({time, close}), each a [{time, value}] line for the chart:
// the same definitions the strategies use (SMA, EMA seeded by the first SMA, Bollinger on the
// population standard deviation).

export function sma(bars, period) {
  const out = [];
  let sum = 0;
  for (let i = 0; i < bars.length; i++) {
    sum += bars[i].close;
    if (i >= period) sum -= bars[i - period].close;
    if (i >= period - 1) out.push({ time: bars[i].time, value: sum / period });
  }
  return out;
}

export function ema(bars, period) {
  const out = [];
  if (bars.length < period) return out;
  const k = 2 / (period + 1);
  let value = 0;
  for (let i = 0; i < period; i++) value += bars[i].close / period;
  out.push({ time: bars[period - 1].time, value });
  for (let i = period; i < bars.length; i++) {
    value = bars[i].close * k + value * (1 - k);
    out.push({ time: bars[i].time, value });
  }
  return out;
}

export function bollinger(bars, period, mult) {
  const upper = [];
  const lower = [];
  for (let i = period - 1; i < bars.length; i++) {
    let mean = 0;
    for (let j = i - period + 1; j <= i; j++) mean += bars[j].close / period;
    let variance = 0;
    for (let j = i - period + 1; j <= i; j++) variance += (bars[j].close - mean) ** 2 / period;
    const sd = Math.sqrt(variance);
    upper.push({ time: bars[i].time, value: mean + mult * sd });
    lower.push({ time: bars[i].time, value: mean - mult * sd });
  }
  return { upper, lower };
}

// Wilder's RSI (the first average a plain mean of `period` changes), 0..100.
export function rsi(bars, period) {
  const out = [];
  if (bars.length <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const ch = bars[i].close - bars[i - 1].close;
    if (ch > 0) gain += ch / period; else loss -= ch / period;
  }
  const value = () => (loss === 0 ? 100 : 100 - 100 / (1 + gain / loss));
  out.push({ time: bars[period].time, value: value() });
  for (let i = period + 1; i < bars.length; i++) {
    const ch = bars[i].close - bars[i - 1].close;
    gain = (gain * (period - 1) + Math.max(ch, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-ch, 0)) / period;
    out.push({ time: bars[i].time, value: value() });
  }
  return out;
}

// An EMA over a [{time, value}] series (seeded by the first `period` values' mean).
function emaOf(points, period) {
  const out = [];
  if (points.length < period) return out;
  const k = 2 / (period + 1);
  let value = 0;
  for (let i = 0; i < period; i++) value += points[i].value / period;
  out.push({ time: points[period - 1].time, value });
  for (let i = period; i < points.length; i++) {
    value = points[i].value * k + value * (1 - k);
    out.push({ time: points[i].time, value });
  }
  return out;
}

// MACD line (fast EMA − slow EMA), its signal EMA and the histogram between them.
export function macd(bars, fast, slow, signal) {
  const f = ema(bars, fast);
  const s = ema(bars, slow);
  const byTime = new Map(f.map((p) => [p.time, p.value]));
  const line = s.map((p) => ({ time: p.time, value: byTime.get(p.time) - p.value }));
  const sig = emaOf(line, signal);
  const sigAt = new Map(sig.map((p) => [p.time, p.value]));
  const hist = line.filter((p) => sigAt.has(p.time)).map((p) => ({ time: p.time, value: p.value - sigAt.get(p.time) }));
  return { line, signal: sig, hist };
}

// Stochastic RSI: where the RSI sits in its own `stochPeriod` range (0..100), %K smoothed by
// `smoothK`, %D its `smoothD` mean.
export function stochRsi(bars, rsiPeriod, stochPeriod, smoothK, smoothD) {
  const r = rsi(bars, rsiPeriod);
  const raw = [];
  for (let i = stochPeriod - 1; i < r.length; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = i - stochPeriod + 1; j <= i; j++) { lo = Math.min(lo, r[j].value); hi = Math.max(hi, r[j].value); }
    raw.push({ time: r[i].time, value: hi === lo ? 0 : ((r[i].value - lo) / (hi - lo)) * 100 });
  }
  const mean = (pts, n) => pts.slice(n - 1).map((p, i) => ({ time: p.time, value: pts.slice(i, i + n).reduce((a, q) => a + q.value, 0) / n }));
  const k = raw.length >= smoothK ? mean(raw, smoothK) : [];
  const d = k.length >= smoothD ? mean(k, smoothD) : [];
  return { k, d };
}

// VWAP of each UTC day: the typical price (H+L+C)/3 weighted by volume, restarting at 00:00.
export function vwap(bars) {
  const out = [];
  let day = null;
  let pv = 0;
  let vol = 0;
  for (const b of bars) {
    const d = Math.floor(b.time / 86400);
    if (d !== day) { day = d; pv = 0; vol = 0; }
    const v = b.volume || 0;
    pv += ((b.high + b.low + b.close) / 3) * v;
    vol += v;
    out.push({ time: b.time, value: vol > 0 ? pv / vol : b.close });
  }
  return out;
}

// SuperTrend (ATR by Wilder's smoothing): the band that trails price, below it in an uptrend
// (green) and above it in a downtrend (red).
export function supertrend(bars, period, mult) {
  const out = [];
  if (bars.length <= period) return out;
  let atr = 0;
  for (let i = 1; i <= period; i++) atr += trueRange(bars[i], bars[i - 1]) / period;
  let upper = Infinity;
  let lower = -Infinity;
  let up = true;
  for (let i = period; i < bars.length; i++) {
    if (i > period) atr = (atr * (period - 1) + trueRange(bars[i], bars[i - 1])) / period;
    const mid = (bars[i].high + bars[i].low) / 2;
    const prevClose = bars[i - 1].close;
    const basicUpper = mid + mult * atr;
    const basicLower = mid - mult * atr;
    upper = basicUpper < upper || prevClose > upper ? basicUpper : upper;
    lower = basicLower > lower || prevClose < lower ? basicLower : lower;
    if (up && bars[i].close < lower) up = false;
    else if (!up && bars[i].close > upper) up = true;
    out.push({ time: bars[i].time, value: up ? lower : upper, color: up ? '#26a69a' : '#ef5350' });
  }
  return out;
}

function trueRange(b, prev) {
  return Math.max(b.high - b.low, Math.abs(b.high - prev.close), Math.abs(b.low - prev.close));
}
