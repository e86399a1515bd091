// The candle chart of the selected symbol and timeframe: history from /api/market/history,
// kept live from /ws (priceUpdate ticks fold into the forming candle; a `bar` of this symbol
// and timeframe replaces its candle with the closed values), fills as markers, the crosshair's
// OHLCV in the legend. Redraws at most once per animation frame.
import { CrosshairMode } from 'lightweight-charts';
import { chartOn, linkTimeScales } from './chart_kit.js';
import { api } from './api.js';
import { $, fmtNum, fmtQty, isNum, setText, showMessage } from './format.js';
import { sma, ema, bollinger, vwap, supertrend, rsi, macd, stochRsi } from './indicators.js';

export const TIMEFRAMES = { '1m': 60e3, '5m': 300e3, '15m': 900e3, '1h': 3600e3, '4h': 14400e3, '1d': 86400e3 };
const HISTORY_LIMIT = 1000;
const MAX_BARS = 5000;

const state = {
  chart: null, candles: null, volume: null, overlays: {},
  symbol: null, timeframe: '15m', dec: 2, qdec: 8,
  bars: [], // {time (s), open, high, low, close, volume}, oldest first
  trades: [], // fills of every symbol, for markers
  signals: [], // the shown symbol's signals, for markers (acted or not)
  lower: null, lowerSeries: [], lowerStudy: 'rsi',
  loadSeq: 0, loaded: false, drawQueued: false,
};

const OVERLAYS = {
  sma: { label: 'SMA 20', color: '#f0b429', on: true },
  ema: { label: 'EMA 50', color: '#4dabf7', on: true },
  bb: { label: 'Bollinger 20,2', color: 'rgba(174,129,255,0.8)', on: false },
  vwap: { label: 'VWAP', color: '#e599f7', on: false },
  st: { label: 'SuperTrend 10,3', color: '#26a69a', on: false },
};
// The lower pane's studies (one at a time), each a set of lines over the candles.
const LOWER = {
  rsi: (bars) => [{ data: rsi(bars, 14), color: '#f0b429' }],
  macd: (bars) => {
    const m = macd(bars, 12, 26, 9);
    return [{ data: m.line, color: '#4dabf7' }, { data: m.signal, color: '#f0b429' },
      { data: m.hist.map((p) => ({ ...p, color: p.value >= 0 ? 'rgba(38,166,154,0.5)' : 'rgba(239,83,80,0.5)' })), histogram: true }];
  },
  stochrsi: (bars) => {
    const st = stochRsi(bars, 14, 14, 3, 3);
    return [{ data: st.k, color: '#4dabf7' }, { data: st.d, color: '#f0b429' }];
  },
};

export function initChart({ onTimeframe } = {}) {
  const box = $('chart');
  state.chart = chartOn(box, {
    crosshair: { mode: CrosshairMode.Normal },
    localization: { timeFormatter: (t) => new Date(t * 1000).toLocaleString(undefined, { hour12: false }) },
  });
  state.candles = state.chart.addCandlestickSeries({
    upColor: '#26a69a', downColor: '#ef5350', borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350',
  });
  state.volume = state.chart.addHistogramSeries({ priceScaleId: 'vol', priceFormat: { type: 'volume' } });
  state.chart.priceScale('vol').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
  const line = (color) => state.chart.addLineSeries({
    color, lineWidth: 1, priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false,
  });
  state.overlays = {
    sma: line(OVERLAYS.sma.color), ema: line(OVERLAYS.ema.color), bbUpper: line(OVERLAYS.bb.color), bbLower: line(OVERLAYS.bb.color),
    vwap: line(OVERLAYS.vwap.color), st: line(OVERLAYS.st.color),
  };
  initLower();
  state.chart.subscribeCrosshairMove((p) => legend(p && p.time != null ? p.seriesData.get(state.candles) : null, p && p.time));

  for (const b of document.querySelectorAll('#timeframes button')) {
    b.addEventListener('click', () => {
      setTimeframe(b.dataset.tf);
      if (onTimeframe) onTimeframe(b.dataset.tf);
    });
  }
  for (const [key, o] of Object.entries(OVERLAYS)) {
    const input = $(`ov-${key}`);
    if (!input) continue;
    input.checked = o.on;
    input.addEventListener('change', () => { o.on = input.checked; drawOverlays(); });
  }
}

// The lower pane: a chart of its own under the candles, its time axis kept on theirs.
function initLower() {
  const box = $('chart-lower');
  if (!box) return;
  state.lower = chartOn(box, {
    rightPriceScale: { minimumWidth: 72 },
    timeScale: { visible: false },
    crosshair: { mode: CrosshairMode.Normal },
  });
  state.chart.applyOptions({ rightPriceScale: { minimumWidth: 72 } }); // the two axes line up
  linkTimeScales(state.chart, state.lower);
  const select = $('lower-study');
  select.value = state.lowerStudy;
  select.addEventListener('change', () => { state.lowerStudy = select.value; drawLower(); });
}

function drawLower() {
  if (!state.lower) return;
  for (const series of state.lowerSeries) state.lower.removeSeries(series);
  state.lowerSeries = [];
  const study = LOWER[state.lowerStudy];
  $('chart-lower').hidden = !study;
  if (!study) return;
  // Whitespace points (time only) for every candle, so the pane's bars line up with the chart's.
  const pad = state.bars.map((b) => ({ time: b.time }));
  for (const part of study(state.bars)) {
    const series = part.histogram
      ? state.lower.addHistogramSeries({ priceLineVisible: false, lastValueVisible: false })
      : state.lower.addLineSeries({ color: part.color, lineWidth: 1, priceLineVisible: false, lastValueVisible: true, crosshairMarkerVisible: false });
    const have = new Set(part.data.map((p) => p.time));
    series.setData([...pad.filter((p) => !have.has(p.time)), ...part.data].sort((a, b) => a.time - b.time));
    state.lowerSeries.push(series);
  }
  $('chart-lower').dataset.study = state.lowerStudy;
  $('chart-lower').dataset.points = String(state.lowerSeries.length ? study(state.bars)[0].data.length : 0);
}

function legend(bar, time) {
  const b = bar || state.bars[state.bars.length - 1];
  const v = b && state.bars.find((x) => x.time === (time ?? b.time));
  const d = state.dec;
  setText($('legend'), b
    ? `${state.symbol} ${state.timeframe}  O ${fmtNum(b.open, d)}  H ${fmtNum(b.high, d)}  L ${fmtNum(b.low, d)}  C ${fmtNum(b.close, d)}  V ${fmtQty(v ? v.volume : NaN, state.qdec)}`
    : `${state.symbol || ''} ${state.timeframe}`);
}

function candleOf(c) {
  return { time: Math.floor(c.ts / 1000), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
}

// Shows `symbol` (decimals for its prices and quantities) and reloads its history.
export function selectSymbol(symbol, dec, qdec) {
  if (isNum(dec)) state.dec = dec;
  if (isNum(qdec)) state.qdec = qdec;
  state.candles.applyOptions({ priceFormat: { type: 'price', precision: state.dec, minMove: 10 ** -state.dec } });
  if (symbol === state.symbol) return;
  state.symbol = symbol;
  setText($('chart-symbol'), symbol);
  reload();
}

export function setTimeframe(tf) {
  if (!TIMEFRAMES[tf] || tf === state.timeframe) return;
  state.timeframe = tf;
  for (const b of document.querySelectorAll('#timeframes button')) b.setAttribute('aria-pressed', String(b.dataset.tf === tf));
  reload();
}

// Loads the history of the current symbol and timeframe; a newer load wins over an older one.
export async function reload() {
  if (!state.symbol) return;
  const seq = ++state.loadSeq;
  const box = $('chart');
  box.dataset.loading = 'true';
  state.loaded = false;
  try {
    const r = await api(`/api/market/history/${encodeURIComponent(state.symbol)}?timeframe=${state.timeframe}&limit=${HISTORY_LIMIT}`);
    if (seq !== state.loadSeq) return;
    state.bars = (r && Array.isArray(r.items) ? r.items : []).filter((c) => isNum(c.ts)).map(candleOf);
    state.loaded = true;
    draw();
    state.chart.timeScale().fitContent();
    if (state.bars.length > 150) state.chart.timeScale().setVisibleLogicalRange({ from: state.bars.length - 150, to: state.bars.length + 5 });
  } catch (e) {
    if (seq === state.loadSeq) showMessage(`Cannot load ${state.symbol} ${state.timeframe} candles: ${e.message}`);
  } finally {
    if (seq === state.loadSeq) {
      box.dataset.loading = 'false';
      box.dataset.timeframe = state.timeframe;
      box.dataset.symbol = state.symbol;
    }
  }
}

// A quote of any symbol: folds into the forming candle of the shown one.
export function onPrice(d) {
  if (!state.loaded || d.symbol !== state.symbol || !isNum(d.price) || !isNum(d.ts)) return;
  const period = TIMEFRAMES[state.timeframe];
  const time = Math.floor(Math.floor(d.ts / period) * period / 1000);
  const last = state.bars[state.bars.length - 1];
  if (last && time < last.time) return; // older than the chart: the history already has it
  if (last && time === last.time) {
    last.high = Math.max(last.high, d.price);
    last.low = Math.min(last.low, d.price);
    last.close = d.price;
  } else {
    state.bars.push({ time, open: d.price, high: d.price, low: d.price, close: d.price, volume: 0 });
    if (state.bars.length > MAX_BARS) state.bars.shift();
  }
  queueDraw();
}

// A closed bar (`bar` on /ws): the final values of its candle.
export function onBar(b) {
  if (!state.loaded || b.symbol !== state.symbol || b.timeframe !== state.timeframe || !isNum(b.ts)) return;
  const c = candleOf(b);
  let i = state.bars.length - 1;
  while (i >= 0 && state.bars[i].time > c.time) i--;
  if (i >= 0 && state.bars[i].time === c.time) state.bars[i] = c;
  else state.bars.splice(i + 1, 0, c);
  queueDraw();
}

// Every fill the page knows (newest first or not): the shown symbol's become markers.
export function setTrades(trades) {
  state.trades = trades;
  queueDraw();
}

function queueDraw() {
  if (state.drawQueued) return;
  state.drawQueued = true;
  requestAnimationFrame(draw);
}

function draw() {
  state.drawQueued = false;
  const bars = state.bars;
  state.candles.setData(bars);
  state.volume.setData(bars.map((b) => ({ time: b.time, value: b.volume, color: b.close >= b.open ? 'rgba(38,166,154,0.35)' : 'rgba(239,83,80,0.35)' })));
  drawOverlays();
  drawLower();
  drawMarkers();
  const box = $('chart');
  box.dataset.candles = String(bars.length);
  box.dataset.lastTime = bars.length ? String(bars[bars.length - 1].time) : '';
  legend(null);
}

function drawOverlays() {
  const bars = state.bars;
  state.overlays.sma.setData(OVERLAYS.sma.on ? sma(bars, 20) : []);
  state.overlays.ema.setData(OVERLAYS.ema.on ? ema(bars, 50) : []);
  const bb = OVERLAYS.bb.on ? bollinger(bars, 20, 2) : { upper: [], lower: [] };
  state.overlays.bbUpper.setData(bb.upper);
  state.overlays.bbLower.setData(bb.lower);
  state.overlays.vwap.setData(OVERLAYS.vwap.on ? vwap(bars) : []);
  state.overlays.st.setData(OVERLAYS.st.on ? supertrend(bars, 10, 3) : []);
}

function drawMarkers() {
  if (!state.bars.length) return state.candles.setMarkers([]);
  const period = TIMEFRAMES[state.timeframe];
  const first = state.bars[0].time;
  const markers = [];
  for (const t of state.trades) {
    if (t.symbol !== state.symbol) continue;
    const ms = isNum(t.ts) ? t.ts : Date.parse(t.time);
    if (!isNum(ms)) continue;
    const time = Math.floor(Math.floor(ms / period) * period / 1000);
    if (time < first) continue;
    const buy = String(t.side).toLowerCase() === 'buy';
    markers.push({
      time, position: buy ? 'belowBar' : 'aboveBar', color: buy ? '#26a69a' : '#ef5350',
      shape: buy ? 'arrowUp' : 'arrowDown', text: `${buy ? 'B' : 'S'} ${fmtQty(t.quantity, state.qdec)} @ ${fmtNum(t.price, state.dec)}`,
    });
  }
  let signalMarkers = 0;
  for (const sg of state.signals) {
    if (sg.symbol !== state.symbol) continue;
    const ms = isNum(sg.ts) ? sg.ts : Date.parse(sg.time);
    if (!isNum(ms)) continue;
    const time = Math.floor(Math.floor(ms / period) * period / 1000);
    if (time < first) continue;
    const buy = String(sg.side).toLowerCase() === 'buy';
    // Acted: the strategy's colour; not acted (risk, calendar, no cash): grey, so a trader sees
    // what the strategy wanted and what happened.
    markers.push({
      time, position: buy ? 'belowBar' : 'aboveBar', shape: 'circle',
      color: sg.acted ? (buy ? '#69db7c' : '#ff8787') : '#868e96',
      text: `${sg.strategy || 'signal'} ${sg.side}${sg.acted ? '' : ' (not acted)'}`,
    });
    signalMarkers++;
  }
  markers.sort((a, b) => a.time - b.time);
  state.candles.setMarkers(markers);
  $('chart').dataset.markers = String(markers.length - signalMarkers);
  $('chart').dataset.signalMarkers = String(signalMarkers);
}

// The shown symbol's signals (from /api/engine/signals and `signal` on /ws), newest last.
export function setSignals(signals) {
  state.signals = signals;
  queueDraw();
}

export const chartSymbol = () => state.symbol;
