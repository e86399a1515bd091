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
