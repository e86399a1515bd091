// Meridian dashboard: session state and P&L, live prices, the candle chart, the order ticket,
// open orders, positions and trades over one WebSocket (reconnect with backoff, refetch on
// reconnect) and REST. Plain ES modules bundled by esbuild; all data goes in via textContent.
import './style.css';
import { api, applyTokens, fixedToken, forgetTokens, hasRefreshToken, renew, request, setUnauthorizedHandler } from './api.js';
import {
  $, el, fmtDateTime, fmtInt, fmtMoney, fmtNum, fmtQty, fmtTime, isNum, setSigned, setText, showMessage, signClass, utcTitle,
} from './format.js';
import * as chart from './chart.js';
import { initTrading, refreshOrders, setTicketSymbols } from './trading.js';
import { initBacktest, onBacktestMessage } from './backtest.js';
import { initStrategies } from './strategies.js';
import { initRisk } from './risk.js';
import { initSignals, onFeedSignal } from './signals.js';
import { initDecision, setDecisionSymbol } from './decision.js';
import { initHistory } from './history.js';
import { initLogs } from './logs.js';
import { liveSocket, reconnectAll } from './socket.js';

// Seed 004's pages are views of this app (web/build.mjs writes index.html at their paths).
const VIEWS = { '/strategy/strategy-manager.html': 'strategy-manager', '/strategy/strategy-holding.html': 'strategy-holding', '/admin/orders-trades.html': 'orders-trades' };
const view = VIEWS[location.pathname] || '';
if (view) document.body.dataset.view = view;
for (const a of document.querySelectorAll('.views a')) if (a.dataset.view === view) a.setAttribute('aria-current', 'page');

const POLL_MS = 5000;
const RENDER_MIN_MS = 200; // price table / sparklines: at most ~5 renders per second
const SPARK_POINTS = 60;
const MAX_TRADES = 200;
const SPARK_W = 72;
const SPARK_H = 20;
const SVG_NS = 'http://www.w3.org/2000/svg';

$('message').addEventListener('click', function hide() { this.hidden = true; });
// The toast is dismissed by a click, or from the keyboard with Escape (it never takes focus).
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape' && !$('message').hidden) $('message').hidden = true; });
function touch() { setText($('last-update'), `updated ${new Date().toLocaleTimeString(undefined, { hour12: false })}`); }

// ---------- banner: disconnected / risk halted / gateway down / LIVE ----------
// executor: where the shown portfolio's orders go ("paper", "alpaca"); paused: the gateways
// (by portfolio id) whose last `gateway` message said they take no new entries.
const banner = { ws: false, everOpened: false, risk: null, mode: null, live: false, executor: null, paused: new Map() };
function renderBanner() {
  const b = $('banner');
  let text = '';
  let kind = '';
  const down = [...banner.paused.values()][0];
  if (!banner.ws && banner.everOpened) { text = 'Disconnected from meridiand: reconnecting…'; kind = 'banner-down'; }
  else if (banner.risk === 'halted') { text = 'Risk halted: new orders are refused'; kind = 'banner-halt'; }
  else if (down) {
    text = `Gateway ${down.gateway} (portfolio ${down.portfolio_id}) ${down.state}: new entries paused until it is back and reconciled`;
    kind = 'banner-halt';
  } else if (banner.live || banner.mode === 'live') {
    text = `LIVE trading through ${banner.executor || 'a broker'}: orders go to the broker`;
    kind = 'banner-live';
  }
  b.hidden = !text;
  b.className = `banner ${kind}`;
  setText(b, text);
}

// ---------- trading status ----------
let currentStatus = null;
let pending = false;
const BTN = { start: ['stopped'], pause: ['running'], resume: ['paused'], stop: ['running', 'paused'] };

function updateButtons() {
  const st = currentStatus && currentStatus.state;
  for (const a of Object.keys(BTN)) $(`btn-${a}`).disabled = pending || !st || !BTN[a].includes(st);
}

function applyStatus(s) {
  if (!s || typeof s !== 'object' || !s.state) return;
  currentStatus = s;
  const badge = $('status-badge');
  setText(badge, String(s.state));
  badge.className = `badge state-${String(s.state).replace(/[^a-z_-]/gi, '')}`;
  // The mode, and the broker when orders go to one ("simulation · alpaca").
  setText($('mode'), (s.mode ? String(s.mode) : '—') + (s.live === true && s.executor ? ` · ${s.executor}` : ''));
  setText($('cash'), fmtMoney(s.cash));
  setText($('equity'), fmtMoney(s.equity));
  setText($('initial-capital'), fmtMoney(s.initial_capital));
  const p = s.pnl || {};
  setSigned($('pnl-realized'), p.realized);
  setSigned($('pnl-unrealized'), p.unrealized);
  setText($('fees'), fmtMoney(p.fees));
  setSigned($('pnl-total'), p.total);
  setText($('open-positions'), fmtInt(s.open_positions));
  setText($('trades-count'), fmtInt(s.trades_count));
  for (const id of ['cash', 'equity', 'pnl-realized', 'pnl-unrealized', 'fees', 'trades-count']) $(id).title = $(id).textContent;
  const eq = $('equity');
  eq.classList.remove('up', 'down', 'flat');
  if (isNum(s.equity) && isNum(s.initial_capital)) eq.classList.add(signClass(s.equity - s.initial_capital));
  if (s.strategy && s.strategy.class) {
    const parts = [String(s.strategy.class)];
    for (const [k, v] of Object.entries(s.strategy)) if (k !== 'class' && (typeof v === 'number' || typeof v === 'string')) parts.push(`${k}=${v}`);
    setText($('strategy'), parts.join(' · '));
  }
  // fallback prices while the socket is down
  if (!wsOpen && s.last_prices && typeof s.last_prices === 'object') {
    for (const [sym, price] of Object.entries(s.last_prices)) if (isNum(price)) queuePrice({ symbol: sym, price, time: s.updated_at });
  }
  banner.mode = s.mode || null;
  banner.live = s.live === true;
  banner.executor = typeof s.executor === 'string' ? s.executor : null;
  banner.risk = s.risk_state || (s.risk && s.risk.state) || null;
  renderBanner();
  updateButtons();
  touch();
}

let statusBusy = false;
async function refreshStatus() {
  if (statusBusy) return;
  statusBusy = true;
  try { applyStatus(await api('/api/trading/status')); } catch (e) { if (!currentStatus) showMessage(`Cannot load trading status: ${e.message}`); }
  statusBusy = false;
}

async function control(action) {
  if (pending) return;
  pending = true;
  updateButtons();
  try {
    const s = await api(`/api/trading/${action}`, { method: 'POST' });
    applyStatus(s);
    showMessage(`Trading ${s && s.state ? s.state : action}`, 'info');
  } catch (e) {
    showMessage(e.message || `Could not ${action}`);
    refreshStatus();
  }
  pending = false;
  updateButtons();
}
for (const a of Object.keys(BTN)) $(`btn-${a}`).addEventListener('click', () => control(a));

// ---------- prices (the symbol list; a row selects the chart's symbol) ----------
const symbols = {}; // symbol -> row state
const symbolOrder = [];
let dirty = {};
let renderScheduled = false;
let lastRender = 0;
let selected = null;

const priceDec = (sym) => (symbols[sym] && isNum(symbols[sym].dec) ? symbols[sym].dec : 2);
const qtyDec = (sym) => (symbols[sym] && isNum(symbols[sym].qdec) ? symbols[sym].qdec : 8);

function select(sym) {
  if (!symbols[sym]) return;
  if (selected && symbols[selected]) {
    symbols[selected].tr.classList.remove('selected');
    symbols[selected].tr.setAttribute('aria-selected', 'false');
  }
  selected = sym;
  symbols[sym].tr.classList.add('selected');
  symbols[sym].tr.setAttribute('aria-selected', 'true');
  chart.selectSymbol(sym, priceDec(sym), qtyDec(sym));
  loadSignals(sym);
  loadRegime(sym);
  setTicketSymbols(symbolOrder, sym);
  setDecisionSymbol(sym);
  try { localStorage.setItem('meridian.symbol', sym); } catch { /* storage unavailable */ }
}

// ---------- the market regime of the shown symbol (a badge by its name) ----------
const REGIME_MS = 30000;
let regimeTimer = null;
async function loadRegime(sym) {
  clearTimeout(regimeTimer);
  regimeTimer = setTimeout(() => loadRegime(selected), REGIME_MS);
  try {
    const r = await api(`/api/market/regime/${encodeURIComponent(sym)}`);
    if (sym !== selected) return;
    const badge = $('regime');
    badge.hidden = !r || r.regime === 'unknown';
    if (badge.hidden) return;
    setText(badge, `${String(r.regime).replace('_', ' ')} ${fmtNum(r.confidence * 100, 0)}%`);
    badge.dataset.regime = r.regime;
    const i = r.inputs || {};
    badge.title = `Market regime on 1m bars: ADX ${fmtNum(i.adx, 1)}, efficiency ${fmtNum(i.efficiency_ratio, 2)}, `
      + `range percentile ${fmtNum(i.volatility_percentile, 2)}, ATR percentile ${fmtNum(i.atr_percentile, 2)}`;
  } catch { /* the badge keeps its last reading */ }
}

// ---------- signals (chart markers and the feed) ----------
const MAX_SIGNALS = 300;
let chartSignals = []; // the shown symbol's, oldest first
let signalsSeq = 0;
async function loadSignals(sym) {
  const seq = ++signalsSeq;
  try {
    const r = await api(`/api/engine/signals?symbol=${encodeURIComponent(sym)}&limit=${MAX_SIGNALS}`);
    if (seq !== signalsSeq) return;
    chartSignals = ((r && r.items) || []).slice().reverse();
    chart.setSignals(chartSignals);
  } catch { /* markers are a view: the next signal or selection tries again */ }
}
function onSignal(sg) {
  if (!sg || sg.symbol !== selected) return;
  if (chartSignals.some((x) => x.id === sg.id)) return;
  chartSignals.push(sg);
  if (chartSignals.length > MAX_SIGNALS) chartSignals.shift();
  chart.setSignals(chartSignals);
}

function ensureRow(sym, meta) {
  let s = symbols[sym];
  if (s) {
    if (meta) {
      if (isNum(meta.price_decimals) && s.dec !== meta.price_decimals) { s.dec = meta.price_decimals; s.shown = null; }
      if (isNum(meta.qty_decimals)) s.qdec = meta.qty_decimals;
      $('prices').tBodies[0].appendChild(s.tr); // keep /api/symbols order
    }
    return s;
  }
  meta = meta || {};
  const tr = el('tr');
  tr.dataset.symbol = sym;
  tr.tabIndex = 0;
  tr.title = `Show ${sym} on the chart`;
  tr.addEventListener('click', () => select(sym));
  tr.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(sym); } });
  const tdSym = el('td', 'sym');
  tdSym.appendChild(el('span', 'sym-name', sym));
  if (meta.venue || meta.asset_class) tdSym.title = [meta.venue, meta.asset_class, meta.currency].filter(Boolean).join(' · ');
  const tdPrice = el('td', 'price num r', '—');
  const tdBid = el('td', 'bid num r', '—');
  const tdAsk = el('td', 'ask num r', '—');
  const tdChg = el('td', 'change num r flat', '—');
  const tdSpark = el('td', 'spark');
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', SPARK_W);
  svg.setAttribute('height', SPARK_H);
  svg.setAttribute('viewBox', `0 0 ${SPARK_W} ${SPARK_H}`);
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(SVG_NS, 'polyline');
  line.setAttribute('fill', 'none');
  svg.appendChild(line);
  tdSpark.appendChild(svg);
  const tdTime = el('td', 'time num r', '—');
  for (const td of [tdSym, tdPrice, tdBid, tdAsk, tdChg, tdSpark, tdTime]) tr.appendChild(td);
  s = symbols[sym] = {
    symbol: sym, dec: isNum(meta.price_decimals) ? meta.price_decimals : 2, qdec: isNum(meta.qty_decimals) ? meta.qty_decimals : null,
    tr, price: tdPrice, bid: tdBid, ask: tdAsk, chg: tdChg, svg, line, time: tdTime,
    base: null, last: null, shown: null, lastBid: null, lastAsk: null, lastTime: null, lastTs: null, hist: [], histDirty: false,
  };
  symbolOrder.push(sym);
  $('prices').tBodies[0].appendChild(tr);
  $('prices-empty').hidden = true;
  return s;
}

function queuePrice(d) {
  if (!d || typeof d.symbol !== 'string' || !isNum(d.price)) return;
  const s = ensureRow(d.symbol);
  if (s.base == null) s.base = d.price;
  if (s.last !== d.price || !s.hist.length) {
    s.hist.push(d.price);
    if (s.hist.length > SPARK_POINTS) s.hist.shift();
    s.histDirty = true;
  }
  s.last = d.price;
  if (isNum(d.bid)) s.lastBid = d.bid;
  if (isNum(d.ask)) s.lastAsk = d.ask;
  if (d.time || isNum(d.ts)) { s.lastTime = d.time || null; s.lastTs = isNum(d.ts) ? d.ts : null; }
  dirty[d.symbol] = true;
  scheduleRender();
}

function scheduleRender() {
  if (renderScheduled) return;
  renderScheduled = true;
  const wait = Math.max(0, RENDER_MIN_MS - (Date.now() - lastRender));
  const go = () => requestAnimationFrame(renderPrices);
  if (wait > 0) setTimeout(go, wait); else go();
}

function renderPrices() {
  renderScheduled = false;
  lastRender = Date.now();
  const syms = Object.keys(dirty);
  dirty = {};
  for (const sym of syms) {
    const s = symbols[sym];
    if (!s) continue;
    const dec = s.dec;
    if (s.shown !== s.last) {
      setText(s.price, fmtNum(s.last, dec));
      if (s.shown != null && s.last !== s.shown) flash(s.price, s.last > s.shown ? 'flash-up' : 'flash-down');
      s.shown = s.last;
    }
    setText(s.bid, fmtNum(s.lastBid, dec));
    setText(s.ask, fmtNum(s.lastAsk, dec));
    if (isNum(s.base) && s.base !== 0 && isNum(s.last)) {
      const diff = s.last - s.base;
      setText(s.chg, `${fmtNum(diff / s.base * 100, 2, true)}%`);
      s.chg.title = `${fmtNum(diff, dec, true)} since page load`;
      const cls = `change num r ${signClass(diff)}`;
      if (s.chg.className !== cls) s.chg.className = cls;
    }
    if (s.lastTime || s.lastTs) { setText(s.time, fmtTime(s.lastTime, s.lastTs)); s.time.title = utcTitle(s.lastTime, s.lastTs); }
    if (s.histDirty) { drawSpark(s); s.histDirty = false; }
  }
}

function flash(node, cls) {
  node.classList.remove('flash-up', 'flash-down');
  void node.offsetWidth; // restart the animation
  node.classList.add(cls);
}

function drawSpark(s) {
  const h = s.hist;
  const n = h.length;
  if (n < 2) { s.line.setAttribute('points', ''); return; }
  const min = Math.min(...h);
  const max = Math.max(...h);
  const range = max - min || 1;
  const pad = 2;
  const step = (SPARK_W - 2 * pad) / (n - 1);
  const pts = h.map((v, j) => {
    const y = max === min ? SPARK_H / 2 : pad + (SPARK_H - 2 * pad) * (1 - (v - min) / range);
    return `${(pad + step * j).toFixed(1)},${y.toFixed(1)}`;
  });
  s.line.setAttribute('points', pts.join(' '));
  s.svg.setAttribute('class', `spark-svg ${signClass(h[n - 1] - h[0])}`);
}

async function loadSymbols() {
  try {
    const r = await api('/api/symbols');
    const items = r && Array.isArray(r.items) ? r.items : [];
    for (const it of items) {
      if (!it || typeof it.symbol !== 'string') continue;
      ensureRow(it.symbol, it);
      if (isNum(it.last_price) && symbols[it.symbol].last == null) queuePrice({ symbol: it.symbol, price: it.last_price });
      dirty[it.symbol] = true;
    }
    scheduleRender();
    if (!symbolOrder.length) setText($('prices-empty'), 'No symbols configured');
    else {
      let want = null;
      try { want = localStorage.getItem('meridian.symbol'); } catch { /* storage unavailable */ }
      select(selected || (want && symbols[want] ? want : symbolOrder[0]));
    }
  } catch (e) {
    if (!symbolOrder.length) setText($('prices-empty'), `Cannot load symbols: ${e.message}`);
  }
}

// ---------- positions ----------
let posBusy = false;
let posTimer = null;
function renderPositions(items) {
  const tb = $('positions').tBodies[0];
  const frag = document.createDocumentFragment();
  for (const p of items) {
    if (!p || typeof p.symbol !== 'string') continue;
    const tr = el('tr');
    tr.dataset.symbol = p.symbol;
    const dec = priceDec(p.symbol);
    const symTd = el('td', 'sym');
    symTd.appendChild(el('span', 'sym-name', p.symbol));
    if (p.side) symTd.appendChild(el('span', `tag ${p.side === 'short' ? 'side-sell' : 'side-buy'}`, String(p.side)));
    tr.appendChild(symTd);
    tr.appendChild(el('td', 'num r', fmtQty(p.quantity, qtyDec(p.symbol))));
    tr.appendChild(el('td', 'num r', fmtNum(p.avg_price, dec)));
    tr.appendChild(el('td', 'num r', fmtNum(p.last_price, dec)));
    tr.appendChild(el('td', 'num r', fmtMoney(p.market_value)));
    tr.appendChild(el('td', `num r ${signClass(p.unrealized_pnl)}`, fmtMoney(p.unrealized_pnl, true)));
    const act = el('td', 'r');
    const close = el('button', 'btn btn-small pos-close', 'Close');
    close.type = 'button';
    close.setAttribute('aria-label', `Close ${p.symbol}`);
    close.addEventListener('click', () => closePosition(p, close));
    act.appendChild(close);
    tr.appendChild(act);
    frag.appendChild(tr);
  }
  tb.textContent = '';
  tb.appendChild(frag);
  $('positions-empty').hidden = tb.rows.length > 0;
}
// Closing a position is a market order for its whole quantity on the other side, through the
// same risk checks as any order.
async function closePosition(p, button) {
  button.disabled = true;
  try {
    const side = p.side === 'short' ? 'buy' : 'sell';
    await api('/api/trade', { method: 'POST', body: { symbol: p.symbol, side, type: 'market', quantity: Math.abs(p.quantity) } });
    showMessage(`Closing ${p.symbol}: ${side} ${fmtQty(Math.abs(p.quantity), qtyDec(p.symbol))} at market`, 'info');
    refreshPositionsSoon();
  } catch (err) {
    showMessage(`Close ${p.symbol}: ${err.message}`);
    button.disabled = false;
  }
}
async function refreshPositions() {
  if (posBusy) return;
  posBusy = true;
  try {
    const r = await api('/api/trading/positions');
    renderPositions(r && Array.isArray(r.items) ? r.items : []);
  } catch { /* keep the last view; the status poll reports errors */ }
  posBusy = false;
}
function refreshPositionsSoon() {
  clearTimeout(posTimer);
  posTimer = setTimeout(() => { refreshPositions(); refreshStatus(); }, 250);
}

// ---------- trades ----------
let trades = []; // newest first
const tradeIds = new Set();
let tradesRenderQueued = false;

const tradeKey = (t) => (isNum(t.ts) ? t.ts : Date.parse(t.time) || 0);
function addTrades(list) {
  let added = false;
  for (const t of list) {
    if (!t || t.id == null || tradeIds.has(t.id)) continue;
    tradeIds.add(t.id);
    trades.push(t);
    added = true;
  }
  if (!added) return;
  trades.sort((a, b) => tradeKey(b) - tradeKey(a) || (isNum(a.id) && isNum(b.id) ? b.id - a.id : 0));
  while (trades.length > MAX_TRADES) tradeIds.delete(trades.pop().id);
  chart.setTrades(trades);
  if (!tradesRenderQueued) {
    tradesRenderQueued = true;
    requestAnimationFrame(renderTrades);
  }
}
function renderTrades() {
  tradesRenderQueued = false;
  const tb = $('trades').tBodies[0];
  const frag = document.createDocumentFragment();
  for (const t of trades) {
    const tr = el('tr');
    tr.dataset.id = String(t.id);
    const side = String(t.side || '').toLowerCase();
    const dec = priceDec(t.symbol);
    const time = el('td', 'num', fmtDateTime(t.time, t.ts));
    time.title = utcTitle(t.time, t.ts);
    tr.appendChild(time);
    tr.appendChild(el('td', 'sym', String(t.symbol == null ? '—' : t.symbol)));
    const sideTd = el('td');
    sideTd.appendChild(el('span', `tag ${side === 'sell' ? 'side-sell' : 'side-buy'}`, side || '—'));
    tr.appendChild(sideTd);
    tr.appendChild(el('td', 'num r', fmtQty(t.quantity, qtyDec(t.symbol))));
    tr.appendChild(el('td', 'num r', fmtNum(t.price, dec)));
    tr.appendChild(el('td', 'num r', fmtMoney(t.fee)));
    tr.appendChild(el('td', `num r ${signClass(t.realized_pnl)}`, fmtMoney(t.realized_pnl, true)));
    frag.appendChild(tr);
  }
  tb.textContent = '';
  tb.appendChild(frag);
  $('trades-empty').hidden = trades.length > 0;
}
async function loadTrades() {
  try {
    const r = await api('/api/trades?limit=50');
    setText($('trades-empty'), 'No trades yet');
    addTrades(r && Array.isArray(r.items) ? r.items : []);
  } catch (e) { setText($('trades-empty'), `Cannot load trades: ${e.message}`); }
}

// ---------- WebSocket ----------
let resumeSent = '';
let wsOpen = false;
const socket = liveSocket({
  path: '/ws',
  params: () => { resumeSent = resumeParam(); return { resume: resumeSent }; },
  onState: setWsState,
  // Refetch what the gap missed; with seqs to resume from, the replay brings the trades,
  // orders and session changes, and only what may skip (prices, positions) is refetched.
  onOpen: (again) => {
    if (again && resumeSent) { refreshStatus(); refreshPositions(); chart.reload(); }
    else if (again) { refreshAll(); chart.reload(); }
  },
  onMessage: handleMessage,
});

function setWsState(open) {
  wsOpen = open;
  banner.ws = open;
  banner.everOpened = socket.everOpened;
  const n = $('ws-state');
  setText(n, open ? 'connected' : 'reconnecting');
  n.parentNode.className = `conn ${open ? 'is-open' : 'is-closed'}`;
  renderBanner();
}

// The newest seq seen of each topic that never skips (trades:1, orders:1, session:1, ...): a
// reconnect resumes from them (?resume=), and the server replays what the gap missed, or sends
// a `snapshot` of a topic whose messages it no longer holds (then the dashboard refetches).
// Price and candle topics may skip by design: the chart reloads instead.
const lastSeq = new Map();
function noteSeq(m) {
  if (typeof m.topic !== 'string' || !Number.isInteger(m.seq)) return;
  if (m.topic.startsWith('prices:') || m.topic.startsWith('candles:')) return;
  if (m.seq > (lastSeq.get(m.topic) || 0)) lastSeq.set(m.topic, m.seq);
}
function resumeParam() {
  return [...lastSeq].map(([topic, seq]) => `${topic}:${seq}`).join(',');
}

// A gateway's state changed (connect, a lost stream, reconciled again): the banner says when
// one takes no new entries, and the status says where orders go now.
function onGateway(g) {
  if (!g || typeof g !== 'object' || !isNum(g.portfolio_id)) return;
  if (g.accepting_entries === false && g.gateway !== 'paper') banner.paused.set(g.portfolio_id, g);
  else banner.paused.delete(g.portfolio_id);
  renderBanner();
  refreshStatus();
}

function handleMessage(m) {
  noteSeq(m);
  switch (m.type) {
    case 'snapshot': // the server no longer held all we missed of a topic that never skips
      if (typeof m.topic === 'string' && !m.topic.startsWith('prices:') && !m.topic.startsWith('candles:')) refreshAll();
      break;
    case 'connected': applyStatus(m.status || m.data); break;
    case 'status': applyStatus(m.data || m.status); break;
    case 'priceUpdate':
      if (m.data) { queuePrice(m.data); chart.onPrice(m.data); }
      break;
    case 'bar': if (m.data) chart.onBar(m.data); break;
    case 'signal': onSignal(m.data); onFeedSignal(m.data); break;
    case 'order': refreshOrders(); break;
    case 'trade':
      if (m.data) { addTrades([m.data]); refreshPositionsSoon(); }
      break;
    case 'risk': refreshStatus(); break;
    case 'gateway': onGateway(m.data); break;
    case 'backtest': onBacktestMessage(m); break;
    case 'tradingStarted': case 'tradingStopped': case 'tradingPaused': case 'tradingResumed':
      applyStatus(m.data);
      clearTimeout(posTimer);
      posTimer = setTimeout(refreshPositions, 250);
      break;
    case 'error': showMessage((m.error && m.error.message) || 'Server error'); break;
    default: break;
  }
}

// ---------- bootstrap ----------
function refreshAll() {
  return Promise.all([refreshStatus(), loadSymbols(), refreshPositions(), loadTrades(), refreshOrders()]);
}

// ---------- sign-in ----------
let started = false;
function showLogin() {
  if (fixedToken) return;
  $('account').hidden = true;
  $('login').hidden = false;
  $('login-email').focus();
}
setUnauthorizedHandler(showLogin);
$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const errNode = $('login-error');
  errNode.hidden = true;
  $('login-submit').disabled = true;
  try {
    const r = await request('/api/auth/login', { method: 'POST', body: { email: $('login-email').value, password: $('login-password').value } });
    applyTokens(r);
    $('login-password').value = '';
    $('login').hidden = true;
    reconnectAll(); // with the new token
    start();
  } catch (e) {
    errNode.textContent = e.status === 401 ? 'Wrong email or password' : e.message || 'Cannot sign in';
    errNode.hidden = false;
  }
  $('login-submit').disabled = false;
});
$('btn-logout').addEventListener('click', async () => {
  const t = forgetTokens();
  const done = () => { showLogin(); reconnectAll(); };
  if (!t) return done();
  try { await request('/api/auth/logout', { method: 'POST', body: { refresh_token: t } }); } catch { /* signed out here anyway */ }
  done();
});

async function start() {
  if (started) {
    if (!view) initLogs(); // the new caller may (or may no longer) see the logs
    return refreshAll();
  }
  started = true;
  await refreshAll();
  initStrategies();
  if (view === 'orders-trades') initHistory({ symbols: symbolOrder, decimals: (sym) => ({ dec: priceDec(sym), qdec: qtyDec(sym) }) });
  if (!view) {
    initSignals(symbolOrder);
    initRisk();
    initBacktest();
    initLogs();
  }
  // positions use price/qty decimals from /api/symbols: re-render once they are known
  refreshPositions();
  if (trades.length) renderTrades();
  return undefined;
}

// Reset behind a typed confirmation: the button opens a dialog that sends {"confirm":"RESET"}.
$('btn-reset').addEventListener('click', () => {
  $('reset-confirm').value = '';
  $('reset-submit').disabled = true;
  $('reset-error').hidden = true;
  $('reset-dialog').showModal();
});
$('reset-cancel').addEventListener('click', () => $('reset-dialog').close());
$('reset-confirm').addEventListener('input', () => { $('reset-submit').disabled = $('reset-confirm').value !== 'RESET'; });
$('reset-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    await api('/api/trading/reset', { method: 'POST', body: { confirm: $('reset-confirm').value } });
    $('reset-dialog').close();
    showMessage('Paper portfolio reset', 'info');
    refreshAll();
  } catch (err) {
    setText($('reset-error'), err.message);
    $('reset-error').hidden = false;
  }
});

chart.initChart();
initTrading({
  decimals: (sym) => ({ dec: priceDec(sym), qdec: qtyDec(sym) }),
  afterOrder: refreshPositionsSoon,
  lastPrice: (sym) => (symbols[sym] && isNum(symbols[sym].last) ? symbols[sym].last : NaN),
  account: () => currentStatus || {},
  // The fee rate of the latest fill (the paper executor's, as configured), for the preview.
  feeRate: () => {
    const t = trades.find((x) => isNum(x.fee) && isNum(x.price) && isNum(x.quantity) && x.price * x.quantity > 0);
    return t ? t.fee / (t.price * t.quantity) : NaN;
  },
});
initDecision(() => { refreshOrders(); refreshPositionsSoon(); });
$('t-symbol').addEventListener('change', () => select($('t-symbol').value));
setWsState(false);
// Sign in from a kept refresh token first (a reload), then load; a 401 on load shows the form.
(hasRefreshToken() && !fixedToken ? renew() : Promise.resolve(false)).then(() => {
  start();
  socket.start();
});
setInterval(() => { if (started) { refreshStatus(); refreshPositions(); } }, POLL_MS);
