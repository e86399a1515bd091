// The backtest view (issue 14): a form generated from the strategy class's parameter schema
// (/api/strategies/meta/strategy-classes), POST /api/backtest, progress while it runs, then the
// metrics, equity and drawdown curves, the trades and a Monte Carlo summary; the recent runs
// listed to reopen. Polls only while a run of its own is queued or running. In sweep mode
// (sweep.js) the same form posts POST /api/backtest/sweep; progress comes over /ws (`backtest`
// messages, onBacktestMessage) and the result is a ranked table whose rows fill the form.
import { api } from './api.js';
import { chartOn, linkTimeScales } from './chart_kit.js';
import { $, el, fmtDateTime, fmtInt, fmtMoney, fmtNum, fmtQty, isNum, setText } from './format.js';
import { readSchemaFields, renderSchemaFields, showFieldError, strategyClasses } from './schema_form.js';
import { readAxes, renderAxes, renderSweepResult } from './sweep.js';

const POLL_MS = 400;
const MAX_TRADE_ROWS = 500;
const DAY_MS = 86400e3;
const MC_PATHS = 1000;

const state = { classes: [], current: null, pollTimer: null, equity: null, drawdown: null, charts: null };

// The metrics worth a row, in reading order, and how each is shown.
const pct = (v) => (isNum(v) ? `${fmtNum(v * 100, 2, true)} %` : '—'); // a return: signed
const share = (v) => (isNum(v) ? `${fmtNum(v * 100, 2)} %` : '—'); // a drawdown or a probability
const METRICS = [
  ['total_return', 'Total return', pct],
  ['final_equity', 'Final equity', fmtMoney],
  ['trades', 'Closed trades', fmtInt],
  ['win_rate', 'Win rate', share],
  ['profit_factor', 'Profit factor', (v) => fmtNum(v, 2)],
  ['sharpe', 'Sharpe', (v) => fmtNum(v, 2)],
  ['max_drawdown', 'Max drawdown', share],
  ['fees', 'Fees', fmtMoney],
  ['fills', 'Fills', fmtInt],
];

function showError(err) {
  showFieldError($('bt-form'), $('bt-error'), err);
}

function renderParams() {
  const cls = state.classes.find((c) => c.class === $('bt-class').value);
  renderSchemaFields($('bt-params'), cls, 'bt-p-');
  renderAxes($('bt-sweep-axes'), cls);
}

const sweeping = () => $('bt-sweep-on').checked;

// The sweep's members of POST /api/backtest/sweep beside the single run's (readForm).
function readSweep() {
  const out = { sweep: readAxes($('bt-sweep-axes')), rank: $('bt-sweep-rank').value };
  if ($('bt-sweep-mode').value === 'random') {
    out.random = Number($('bt-sweep-n').value);
    if ($('bt-sweep-seed').value !== '') out.seed = Number($('bt-sweep-seed').value);
  }
  if ($('bt-wf-on').checked) out.walk_forward = { windows: Number($('bt-wf-windows').value), in_sample: Number($('bt-wf-in').value) };
  return out;
}

function syncSweepForm() {
  $('bt-sweep').hidden = !sweeping();
  $('bt-sweep-n-row').hidden = $('bt-sweep-seed-row').hidden = $('bt-sweep-mode').value !== 'random';
  $('bt-wf-windows-row').hidden = $('bt-wf-in-row').hidden = !$('bt-wf-on').checked;
  setText($('bt-run'), sweeping() ? 'Run sweep' : 'Run backtest');
}

// A combination picked from the result: back to a single run with its parameters.
function pick(params) {
  $('bt-sweep-on').checked = false;
  syncSweepForm();
  for (const [name, v] of Object.entries(params)) {
    const input = $(`bt-p-${name}`);
    if (input) input.value = String(v);
  }
  showError(null);
  $('bt-form').scrollIntoView({ block: 'nearest' });
  $('bt-run').focus();
}

function toLocalInput(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60e3);
  return d.toISOString().slice(0, 16);
}

function readForm() {
  const strategy = { class: $('bt-class').value, ...readSchemaFields($('bt-params')) };
  const symbols = [...$('bt-symbols').selectedOptions].map((o) => o.value);
  const body = { strategy, symbols, from: new Date($('bt-from').value).toISOString(), to: new Date($('bt-to').value).toISOString() };
  body.data = $('bt-data').value === 'sim' ? `sim:${$('bt-seed').value || '42'}` : 'db';
  const capital = $('bt-capital').value;
  if (capital !== '') body.initial_capital = Number(capital);
  return body;
}

function setRunning(running, text) {
  $('bt-run').disabled = running;
  $('bt-cancel').hidden = !running;
  $('bt-progress').hidden = !running;
  setText($('bt-state'), text);
}

async function submit(ev) {
  ev.preventDefault();
  showError(null);
  let body;
  try {
    body = readForm();
  } catch {
    showError({ message: 'Choose a valid date range' });
    return;
  }
  try {
    if (sweeping()) Object.assign(body, readSweep());
  } catch (err) {
    showError(err);
    return;
  }
  try {
    const r = await api(sweeping() ? '/api/backtest/sweep' : '/api/backtest', { method: 'POST', body });
    follow(r.id);
    refreshList();
  } catch (err) {
    showError(err);
  }
}

function follow(id) {
  clearTimeout(state.pollTimer);
  state.current = id;
  clearResult();
  setRunning(true, `Backtest #${id}: queued`);
  poll();
}

async function poll() {
  const id = state.current;
  let r;
  try {
    r = await api(`/api/backtest/${id}`);
  } catch (err) {
    setRunning(false, `Backtest #${id}: ${err.message}`);
    return;
  }
  if (id !== state.current) return;
  $('bt-progress').value = isNum(r.progress) ? r.progress : 0;
  if (r.status === 'queued' || r.status === 'running') {
    setRunning(true, `Backtest #${id}: ${r.status} ${fmtNum(r.progress || 0, 0)} %`);
    state.pollTimer = setTimeout(poll, POLL_MS);
    return;
  }
  const why = r.status === 'failed' && r.error ? `: ${r.error}` : '';
  setRunning(false, `Backtest #${id}: ${r.status}${why}`);
  $('bt-result').dataset.status = r.status;
  if (r.status === 'done') showResult(r);
  if (r.status === 'done' && (r.kind === 'sweep' || r.kind === 'walk_forward')) {
    setText($('bt-sweep-title'), r.kind === 'sweep'
      ? `Combinations: ${fmtInt((r.ranked || []).length)} ranked by ${r.rank}${r.skipped ? `, ${fmtInt(r.skipped)} skipped` : ''}`
      : `Walk-forward by ${r.rank}: mean in-sample ${fmtNum(r.mean_in_sample_score, 3)}, out-of-sample ${fmtNum(r.mean_out_of_sample_score, 3)}, out-of-sample return ${pct(r.out_of_sample_return)}`);
    renderSweepResult($('bt-sweep-table'), r, pick);
    $('bt-sweep-result').hidden = false;
  }
  refreshList();
}

function clearResult() {
  $('bt-result').dataset.status = '';
  $('bt-metrics').querySelector('tbody').replaceChildren();
  $('bt-trades').querySelector('tbody').replaceChildren();
  $('bt-mc-table').querySelector('tbody').replaceChildren();
  $('bt-mc-table').hidden = true;
  $('bt-sweep-result').hidden = true;
  delete $('bt-result').dataset.wsProgress;
  $('bt-mc').disabled = true;
  if (state.equity) state.equity.setData([]);
  if (state.drawdown) state.drawdown.setData([]);
}

function ensureCharts() {
  if (state.charts) return;
  const eq = chartOn($('bt-equity'));
  const dd = chartOn($('bt-drawdown'));
  state.equity = eq.addAreaSeries({ lineColor: '#4dabf7', topColor: 'rgba(77,171,247,0.3)', bottomColor: 'rgba(77,171,247,0.02)', lineWidth: 2 });
  state.drawdown = dd.addAreaSeries({ lineColor: '#ff6b6b', topColor: 'rgba(255,107,107,0.02)', bottomColor: 'rgba(255,107,107,0.3)', lineWidth: 1, invertFilledArea: true });
  linkTimeScales(eq, dd);
  state.charts = { eq, dd };
}

// Points strictly increasing in time (the chart's rule): a later point at the same second wins.
function series(points, key, scale = 1) {
  const out = [];
  for (const p of points || []) {
    const time = Math.floor((isNum(p.ts) ? p.ts : Date.parse(p.time)) / 1000);
    if (!isNum(time) || !isNum(p[key])) continue;
    const point = { time, value: p[key] * scale };
    if (out.length && out[out.length - 1].time >= time) out[out.length - 1] = point; else out.push(point);
  }
  return out;
}

function showResult(r) {
  const m = r.metrics || {};
  const body = $('bt-metrics').querySelector('tbody');
  body.replaceChildren(...METRICS.map(([key, label, fmt]) => {
    const tr = el('tr');
    tr.dataset.metric = key;
    tr.append(el('th', null, label), el('td', 'r num', fmt(m[key])));
    return tr;
  }));
  ensureCharts();
  state.equity.setData(series(r.equity_curve, 'equity'));
  state.drawdown.setData(series(r.drawdown_curve, 'drawdown', 100));
  state.charts.eq.timeScale().fitContent();
  state.charts.dd.timeScale().fitContent();
  $('bt-equity').dataset.points = String((r.equity_curve || []).length);

  const trades = r.trades || [];
  const rows = trades.slice(0, MAX_TRADE_ROWS).map((t) => {
    const tr = el('tr');
    tr.append(el('td', 'num', fmtDateTime(t.time, t.ts)), el('td', null, t.symbol), el('td', `side-${t.side}`, t.side),
      el('td', 'r num', fmtQty(t.quantity)), el('td', 'r num', fmtNum(t.price, 2)), el('td', 'r num', fmtMoney(t.fee)),
      el('td', 'r num', fmtMoney(t.realized_pnl, true)));
    return tr;
  });
  $('bt-trades').querySelector('tbody').replaceChildren(...rows);
  setText($('bt-trades-count'), trades.length > MAX_TRADE_ROWS ? `first ${MAX_TRADE_ROWS} of ${fmtInt(trades.length)}` : fmtInt(trades.length));
  $('bt-mc').disabled = trades.length === 0;
}

async function monteCarlo() {
  const id = state.current;
  $('bt-mc').disabled = true;
  try {
    const r = await api(`/api/backtest/${id}/monte-carlo`, { method: 'POST', body: { paths: MC_PATHS } });
    if (id !== state.current) return;
    const rows = [];
    for (const [kind, label] of [['trades', 'Trade bootstrap'], ['daily_returns', 'Daily-return blocks']]) {
      const k = r[kind];
      if (!k) continue;
      for (const [metric, name, fmt] of [['final_return', 'final return', pct], ['max_drawdown', 'max drawdown', share]]) {
        const q = k[metric] || {};
        const tr = el('tr');
        tr.append(el('th', null, `${label}: ${name}`), ...['p5', 'p25', 'p50', 'p75', 'p95'].map((p) => el('td', 'r num', fmt(q[p]))));
        rows.push(tr);
      }
      const tr = el('tr');
      tr.append(el('th', null, `${label}: P(loss)`), el('td', 'r num', share(k.probability_of_loss)));
      rows.push(tr);
    }
    $('bt-mc-table').querySelector('tbody').replaceChildren(...rows);
    $('bt-mc-table').hidden = false;
  } catch (err) {
    showError(err);
  } finally {
    $('bt-mc').disabled = false;
  }
}

async function cancel() {
  const id = state.current;
  try {
    await api(`/api/backtest/${id}`, { method: 'DELETE' });
  } catch (err) {
    showError(err);
  }
}

async function refreshList() {
  let r;
  try {
    r = await api('/api/backtests?limit=10');
  } catch {
    return; // the list is a convenience: a failure here leaves the last one shown
  }
  const items = (r && r.items) || [];
  $('bt-list').replaceChildren(...items.map((b) => {
    const li = el('li');
    const btn = el('button', 'linkish', `#${b.id} ${(b.request && b.request.strategy && b.request.strategy.class) || ''} · ${b.status}`);
    btn.type = 'button';
    if (b.metrics && isNum(b.metrics.total_return)) btn.append(el('span', 'muted', ` · ${pct(b.metrics.total_return)}`));
    btn.addEventListener('click', () => follow(b.id));
    li.append(btn);
    return li;
  }));
  $('bt-list-empty').hidden = items.length > 0;
}

// A `backtest` message from /ws: the progress of the run shown, between polls.
export function onBacktestMessage(m) {
  const p = m.data || m;
  if (p.id !== state.current) return;
  $('bt-result').dataset.wsProgress = String(p.id); // the page heard of this run over /ws
  if (!isNum(p.percent) || (p.status && p.status !== 'running')) return;
  $('bt-progress').value = p.percent;
  const part = isNum(p.done) && isNum(p.total) ? ` ${fmtInt(p.done)}/${fmtInt(p.total)} runs` : '';
  setText($('bt-state'), `Backtest #${p.id}: running ${fmtNum(p.percent, 0)} %${part}`);
}

export async function initBacktest() {
  $('bt-form').addEventListener('submit', submit);
  $('bt-class').addEventListener('change', () => { renderParams(); showError(null); });
  $('bt-data').addEventListener('change', () => { $('bt-seed-row').hidden = $('bt-data').value !== 'sim'; });
  for (const id of ['bt-sweep-on', 'bt-sweep-mode', 'bt-wf-on']) $(id).addEventListener('change', syncSweepForm);
  $('bt-mc').addEventListener('click', monteCarlo);
  $('bt-cancel').addEventListener('click', cancel);
  const now = Date.now();
  $('bt-from').value = toLocalInput(now - 3 * DAY_MS);
  $('bt-to').value = toLocalInput(now - DAY_MS);
  try {
    const [classes, symbols] = await Promise.all([strategyClasses(api), api('/api/symbols')]);
    state.classes = classes;
    $('bt-class').replaceChildren(...state.classes.map((c) => {
      const o = el('option', null, c.title || c.class);
      o.value = c.class;
      return o;
    }));
    const names = ((symbols && symbols.items) || []).map((s) => s.symbol);
    $('bt-symbols').replaceChildren(...names.map((s, i) => {
      const o = el('option', null, s);
      o.value = s;
      o.selected = i === 0;
      return o;
    }));
    renderParams();
    refreshList();
  } catch (err) {
    showError(err);
  }
}
