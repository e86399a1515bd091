// Portfolio and risk (issue 16 item 5): the default portfolio's equity curve and drawdown (its
// equity samples), performance metrics, VaR/CVaR, exposure by symbol, the risk state with its
// denial counts, the limits a trader may edit, and the kill switch. Refreshed every few seconds
// while the page is visible; the limit form is left alone while it is being edited.
import { api } from './api.js';
import { chartOn, linkTimeScales } from './chart_kit.js';
import { $, el, fmtInt, fmtMoney, fmtNum, isNum, setText, showMessage } from './format.js';
import { showFieldError } from './schema_form.js';

const REFRESH_MS = 5000;
const PORTFOLIO = 'default';
const pct = (v, signed) => (isNum(v) ? `${fmtNum(v * 100, 2, signed)} %` : '—');

// Limits, in the order the form shows them: [field, label, kind] (fraction: shown in percent).
const LIMITS = [
  ['max_order_quantity', 'Max order quantity', 'number'],
  ['max_order_notional', 'Max order notional', 'money'],
  ['max_position_notional', 'Max position notional', 'money'],
  ['max_open_positions', 'Max open positions', 'integer'],
  ['max_gross_exposure', 'Max gross exposure', 'money'],
  ['max_daily_loss', 'Max daily loss', 'money'],
  ['max_drawdown', 'Max drawdown (fraction)', 'fraction'],
  ['max_orders_per_minute', 'Max orders per minute', 'integer'],
  ['price_band', 'Price band (fraction)', 'fraction'],
];

const METRICS = [
  ['total_return', 'Return', (v) => pct(v, true)],
  ['sharpe_ratio', 'Sharpe', (v) => fmtNum(v, 2)],
  ['sortino_ratio', 'Sortino', (v) => fmtNum(v, 2)],
  ['volatility', 'Volatility (ann.)', (v) => pct(v)],
  ['max_drawdown', 'Max drawdown', (v) => pct(v)],
  ['current_drawdown', 'Drawdown now', (v) => pct(v)],
  ['win_rate', 'Win rate', (v) => pct(v)],
  ['profit_factor', 'Profit factor', (v) => fmtNum(v, 2)],
  ['trades', 'Closed trades', fmtInt],
];

const state = { timer: null, charts: null, equity: null, drawdown: null, limitsShown: false };

function ensureCharts() {
  if (state.charts) return;
  const eq = chartOn($('risk-equity'));
  const dd = chartOn($('risk-drawdown'));
  state.equity = eq.addLineSeries({ color: '#4dabf7', lineWidth: 2 });
  state.drawdown = dd.addAreaSeries({ lineColor: '#ff6b6b', topColor: 'rgba(255,107,107,0.02)', bottomColor: 'rgba(255,107,107,0.3)', lineWidth: 1, invertFilledArea: true });
  linkTimeScales(eq, dd);
  state.charts = { eq, dd };
}

// The equity samples as a line, and the drawdown from the running peak (in percent).
function showCurve(points) {
  ensureCharts();
  const eq = [];
  const dd = [];
  let peak = -Infinity;
  for (const p of points || []) {
    const time = Math.floor((isNum(p.ts) ? p.ts : Date.parse(p.time)) / 1000);
    if (!isNum(time) || !isNum(p.equity)) continue;
    if (eq.length && eq[eq.length - 1].time >= time) { eq.pop(); dd.pop(); }
    peak = Math.max(peak, p.equity);
    eq.push({ time, value: p.equity });
    dd.push({ time, value: peak > 0 ? (p.equity / peak - 1) * 100 : 0 });
  }
  state.equity.setData(eq);
  state.drawdown.setData(dd);
  $('risk-equity').dataset.points = String(eq.length);
}

function row(label, value, cls = 'r num') {
  const tr = el('tr');
  tr.append(el('th', null, label), el('td', cls, value));
  return tr;
}

function showRisk(status, varReport, riskMetrics, perf) {
  const badge = $('risk-state');
  setText(badge, status.state);
  badge.className = `badge risk-${String(status.state).replace(/[^a-z_-]/gi, '')}`;
  $('risk-halt').hidden = status.state === 'halted';
  $('risk-lift').hidden = status.state === 'active';
  const m = (perf && perf.metrics) || {};
  const rows = METRICS.map(([key, label, fmt]) => row(label, fmt(m[key])));
  rows.push(row('Daily P&L', fmtMoney(status.daily_pnl, true)));
  const h = (varReport && varReport.historical) || {};
  const p = (varReport && varReport.parametric) || {};
  const conf = varReport ? `${fmtNum(varReport.confidence * 100, 0)} %, ${fmtInt(varReport.horizon_days)} d` : '';
  rows.push(row(`VaR ${conf} (hist.)`, `${pct(h.var)} · ${fmtMoney(h.var_amount)}`));
  rows.push(row(`CVaR ${conf} (hist.)`, `${pct(h.cvar)} · ${fmtMoney(h.cvar_amount)}`));
  rows.push(row(`VaR ${conf} (normal)`, `${pct(p.var)} · ${fmtMoney(p.var_amount)}`));
  $('risk-figures').querySelector('tbody').replaceChildren(...rows);

  const exposure = (riskMetrics && riskMetrics.exposure) || {};
  const bars = (exposure.positions || []).map((pos) => {
    const li = el('li');
    const bar = el('span', 'exp-bar');
    bar.style.width = `${Math.min(100, Math.abs(pos.weight || 0) * 100)}%`; // CSSOM, allowed by the CSP
    li.append(el('span', 'exp-sym', pos.symbol), bar, el('span', 'num', `${pct(pos.weight)} · ${fmtMoney(pos.market_value)}`));
    return li;
  });
  $('risk-exposure').replaceChildren(...bars);
  setText($('risk-gross'), `gross ${pct(exposure.gross_fraction)} · net ${pct(exposure.net_fraction)}`);

  const denials = Object.entries(status.denials || {}).filter(([, n]) => n > 0);
  $('risk-denials').replaceChildren(...denials.map(([code, n]) => row(code.replace(/_/g, ' '), fmtInt(n))));
  setText($('risk-denials-total'), fmtInt(status.denials_total));

  if (!state.limitsShown || !$('risk-limits').contains(document.activeElement)) showLimits(status.limits || {});
}

function showLimits(limits) {
  state.limitsShown = true;
  for (const [field] of LIMITS) {
    const input = $(`rl-${field}`);
    if (input) input.value = isNum(limits[field]) ? String(limits[field]) : '';
  }
}

export async function refreshRisk() {
  clearTimeout(state.timer);
  state.timer = setTimeout(refreshRisk, REFRESH_MS);
  if (document.visibilityState === 'hidden') return;
  try {
    const [status, varReport, riskMetrics, perf] = await Promise.all([
      api(`/api/risk/status/${PORTFOLIO}`),
      api(`/api/risk/var/${PORTFOLIO}`).catch(() => null),
      api(`/api/risk/metrics/${PORTFOLIO}`).catch(() => null),
      api(`/api/portfolios/${PORTFOLIO}/performance`).catch(() => null),
    ]);
    showRisk(status, varReport, riskMetrics, perf);
    if (perf) showCurve(perf.equity_curve);
  } catch {
    /* the banner says when the daemon is gone; the next refresh tries again */
  }
}

async function saveLimits(ev) {
  ev.preventDefault();
  const form = $('risk-limits');
  const body = {};
  for (const [field, , kind] of LIMITS) {
    const v = $(`rl-${field}`).value;
    if (v === '') continue;
    body[field] = kind === 'integer' ? Number.parseInt(v, 10) : Number(v);
  }
  try {
    const r = await api(`/api/risk/limits/${PORTFOLIO}`, { method: 'POST', body });
    showFieldError(form, $('risk-error'), null);
    showLimits(r.limits || {});
    showMessage('Risk limits saved', 'info');
  } catch (err) {
    showFieldError(form, $('risk-error'), err);
  }
}

async function setState(next) {
  try {
    await api(`/api/risk/state/${PORTFOLIO}`, { method: 'POST', body: { state: next } });
    showMessage(next === 'halted' ? 'Trading halted: new orders are refused' : `Risk state: ${next}`, next === 'halted' ? 'error' : 'info');
  } catch (err) {
    showMessage(err.message);
  }
  refreshRisk();
}

export function initRisk() {
  const form = $('risk-limits');
  const fields = LIMITS.map(([field, label, kind]) => {
    const input = el('input');
    input.id = `rl-${field}`;
    input.name = field;
    input.type = 'number';
    input.min = '0';
    input.step = kind === 'integer' ? '1' : 'any';
    if (kind === 'fraction') input.max = '1';
    input.inputMode = 'decimal';
    const l = el('label', null, `${label} `);
    l.title = '0: no limit';
    l.append(input);
    return l;
  });
  $('risk-limit-fields').replaceChildren(...fields);
  form.addEventListener('submit', saveLimits);
  $('risk-halt').addEventListener('click', () => setState('halted'));
  $('risk-lift').addEventListener('click', () => setState('active'));
  refreshRisk();
}
