// The order ticket (POST /api/trade) and the open orders (GET /api/orders?status=open, cancel
// with DELETE /api/orders/{id}). A refused order shows the API's own message and the field it
// names, under the ticket. A bracket's legs are optional on any type: take_profit, stop_loss,
// and bracket_trail_percent (the stop-loss leg trails the best price since the fill).
import { api } from './api.js';
import { $, el, fmtMoney, fmtNum, fmtQty, fmtDateTime, isNum, utcTitle, setText, showMessage } from './format.js';

// The fields each ticket type sends ("trailing_stop" is a stop order that trails by a percent).
const PRICE_FIELDS = {
  market: [], limit: ['limit_price'], stop: ['stop_price'], stop_limit: ['limit_price', 'stop_price'], trailing_stop: ['trail_percent'],
};
const TOGGLED = ['limit_price', 'stop_price', 'trail_percent'];
const BRACKET_FIELDS = ['take_profit', 'stop_loss', 'bracket_trail_percent'];
const LIMITS_MS = 5000;

let decimals = () => ({ dec: 2, qdec: 8 });
let afterOrder = () => {};
let lastPrice = () => NaN;
let account = () => ({});
let feeRate = () => NaN;
let limits = null;
let limitsAt = 0;

export function initTrading(opts) {
  decimals = opts.decimals;
  afterOrder = opts.afterOrder || afterOrder;
  lastPrice = opts.lastPrice || lastPrice;
  account = opts.account || account;
  feeRate = opts.feeRate || feeRate;
  const form = $('ticket');
  $('t-type').addEventListener('change', () => { showPriceFields(); preview(); });
  showPriceFields();
  form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
  form.addEventListener('input', preview);
  form.addEventListener('focusin', loadLimits);
  for (const b of form.querySelectorAll('button[data-side]')) b.addEventListener('click', () => { $('t-side').value = b.dataset.side; });
  $('orders-history-toggle').addEventListener('change', () => {
    $('orders-history-box').hidden = !$('orders-history-toggle').checked;
    refreshOrders();
  });
}

async function loadLimits() {
  if (Date.now() - limitsAt < LIMITS_MS) return;
  limitsAt = Date.now();
  try {
    limits = await api('/api/risk/status/default');
    preview();
  } catch { /* the preview then says only what it knows */ }
}

// What the order would cost and what the main risk checks would say, from the last price, the
// cash and the limits this page knows. A preview: the daemon checks again, with fresher prices.
export function preview() {
  const out = $('ticket-preview');
  const type = $('t-type').value;
  const symbol = $('t-symbol').value;
  const side = $('t-side').value;
  const qty = numberOrUndefined('t-quantity');
  const limit = numberOrUndefined('t-limit_price');
  const stop = numberOrUndefined('t-stop_price');
  const price = (type === 'limit' || type === 'stop_limit') && limit ? limit : type === 'stop' && stop ? stop : lastPrice(symbol);
  if (!isNum(qty) || !(qty > 0) || !isNum(price)) { setText(out, ''); out.classList.remove('refused'); return; }
  const { dec } = decimals(symbol);
  const notional = qty * price;
  const rate = feeRate();
  const fee = isNum(rate) ? notional * rate : NaN;
  const problems = [];
  const l = (limits && limits.limits) || {};
  if (limits && limits.state === 'halted') problems.push('risk is halted');
  if (limits && limits.state === 'reducing' && side === 'buy') problems.push('risk is reducing only');
  if (l.max_order_quantity > 0 && qty > l.max_order_quantity) problems.push(`quantity above ${fmtQty(l.max_order_quantity)}`);
  if (l.max_order_notional > 0 && notional > l.max_order_notional) problems.push(`notional above ${fmtMoney(l.max_order_notional)}`);
  const cash = account().cash;
  if (side === 'buy' && isNum(cash) && notional + (isNum(fee) ? fee : 0) > cash) problems.push(`more than the cash (${fmtMoney(cash)})`);
  setText(out, `≈ ${fmtNum(notional, 2)} at ${fmtNum(price, dec)} · fee ≈ ${isNum(fee) ? fmtMoney(fee) : '—'} · `
    + (problems.length ? `would be refused: ${problems.join('; ')}` : 'passes the limits shown'));
  out.classList.toggle('refused', problems.length > 0);
}

export function setTicketSymbols(symbols, selected) {
  const sel = $('t-symbol');
  if (sel.options.length !== symbols.length) {
    sel.textContent = '';
    for (const s of symbols) sel.appendChild(el('option', null, s));
  }
  if (selected) sel.value = selected;
}

function showPriceFields() {
  const wanted = PRICE_FIELDS[$('t-type').value] || [];
  for (const f of TOGGLED) $(`t-${f}-row`).hidden = !wanted.includes(f);
}

function numberOrUndefined(id) {
  const v = $(id).value.trim();
  return v === '' ? undefined : Number(v);
}

async function submit() {
  const err = $('ticket-error');
  err.hidden = true;
  const type = $('t-type').value;
  const body = {
    symbol: $('t-symbol').value,
    side: $('t-side').value,
    type: type === 'trailing_stop' ? 'stop' : type,
    quantity: numberOrUndefined('t-quantity'),
    time_in_force: $('t-tif').value,
  };
  // Only the prices the type takes (and a bracket's legs when given): the API's validation
  // speaks to what was sent.
  for (const f of [...(PRICE_FIELDS[type] || []), ...BRACKET_FIELDS]) {
    const v = numberOrUndefined(`t-${f}`);
    if (v !== undefined) body[f] = v;
  }
  const button = $('t-submit');
  button.disabled = true;
  try {
    const r = await api('/api/trade', { method: 'POST', body });
    const o = (r && r.order) || r || {};
    showMessage(`Order ${o.id ?? ''} ${o.status ?? 'placed'}: ${body.side} ${body.quantity} ${body.symbol}`, 'info');
    refreshOrders();
    afterOrder();
  } catch (e) {
    const field = e.details && e.details.field;
    err.textContent = field ? `${e.message} (${field})` : e.message;
    err.dataset.code = e.code || '';
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
}

let busy = false;
let again = false;
export async function refreshOrders() {
  if (busy) { again = true; return; }
  busy = true;
  try {
    const r = await api('/api/orders?status=open&limit=200');
    renderOrders(r && Array.isArray(r.items) ? r.items : []);
    if ($('orders-history-toggle').checked) {
      const h = await api('/api/orders?status=filled,cancelled,rejected,expired&limit=100');
      renderHistory(h && Array.isArray(h.items) ? h.items : []);
    }
  } catch { /* keep the last view; the status poll reports errors */ }
  busy = false;
  if (again) { again = false; refreshOrders(); }
}

function renderOrders(items) {
  const tb = $('orders').tBodies[0];
  const frag = document.createDocumentFragment();
  for (const o of items) {
    if (!o || o.terminal) continue;
    const { dec, qdec } = decimals(o.symbol);
    const tr = el('tr');
    tr.dataset.id = String(o.id);
    const time = el('td', 'num', fmtDateTime(o.created_at));
    time.title = utcTitle(o.created_at);
    tr.appendChild(time);
    tr.appendChild(el('td', 'sym', o.symbol));
    const side = el('td');
    side.appendChild(el('span', `tag ${o.side === 'sell' ? 'side-sell' : 'side-buy'}`, o.side));
    tr.appendChild(side);
    tr.appendChild(el('td', null, [`${o.type} · ${o.time_in_force}`, ...bracketParts(o, dec)].join(' · ')));
    tr.appendChild(el('td', 'num r', `${fmtQty(o.filled_quantity, qdec)} / ${fmtQty(o.quantity, qdec)}`));
    tr.appendChild(el('td', 'num r', fmtNum(o.limit_price ?? NaN, dec)));
    tr.appendChild(el('td', 'num r', fmtNum(o.stop_price ?? NaN, dec)));
    tr.appendChild(el('td', null, o.status));
    const act = el('td', 'r');
    if (o.type !== 'market' && !o.parent_id) {
      const replace = el('button', 'btn btn-small', 'Replace');
      replace.type = 'button';
      replace.setAttribute('aria-label', `Replace order ${o.id}`);
      replace.addEventListener('click', () => { replacing = replacing === o.id ? null : o.id; renderOrders(items); });
      act.appendChild(replace);
    }
    const cancel = el('button', 'btn btn-small btn-stop', 'Cancel');
    cancel.type = 'button';
    cancel.setAttribute('aria-label', `Cancel order ${o.id}`);
    cancel.addEventListener('click', () => cancelOrder(o.id, cancel));
    act.appendChild(cancel);
    tr.appendChild(act);
    frag.appendChild(tr);
    if (replacing === o.id) frag.appendChild(replaceRow(o));
  }
  // An open replace form is not redrawn under the user's hands by a refresh.
  if (replacing != null && tb.querySelector('.order-replace') && tb.contains(document.activeElement)) return;
  tb.textContent = '';
  tb.appendChild(frag);
  const open = tb.querySelectorAll('tr[data-id]').length;
  $('orders-empty').hidden = open > 0;
  setText($('orders-count'), String(open));
}

// A bracket entry's legs as the type cell shows them ("TP 101.00", "SL 95.00", "SL trails 2%").
function bracketParts(o, dec) {
  const parts = [];
  if (o.take_profit != null) parts.push(`TP ${fmtNum(o.take_profit, dec)}`);
  if (o.stop_loss != null) parts.push(`SL ${fmtNum(o.stop_loss, dec)}`);
  if (o.bracket_trail_percent != null) parts.push(`SL trails ${fmtNum(o.bracket_trail_percent, 2)}%`);
  else if (o.bracket_trail_amount != null) parts.push(`SL trails ${fmtNum(o.bracket_trail_amount, dec)}`);
  return parts;
}

let replacing = null;
// Cancel-and-replace keeping the id and what filled (PATCH /api/orders/{id}): quantity and the
// prices the order has.
function replaceRow(o) {
  const tr = el('tr', 'order-replace');
  const td = el('td');
  td.colSpan = 9;
  const form = el('form');
  form.noValidate = true;
  const fields = [['quantity', o.quantity]];
  if (o.limit_price != null) fields.push(['limit_price', o.limit_price]);
  if (o.stop_price != null && o.trail_amount == null && o.trail_percent == null) fields.push(['stop_price', o.stop_price]);
  for (const [name, value] of fields) {
    const input = el('input');
    input.name = name;
    input.type = 'number';
    input.step = 'any';
    input.min = '0';
    input.value = String(value);
    const label = el('label', null, name.replace(/_/g, ' '));
    label.append(input);
    form.append(label);
  }
  const save = el('button', 'btn btn-start btn-small', 'Replace');
  save.type = 'submit';
  const error = el('span', 'ticket-error');
  error.hidden = true;
  form.append(save, error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const input of form.querySelectorAll('input')) if (input.value !== '') body[input.name] = Number(input.value);
    try {
      await api(`/api/orders/${o.id}`, { method: 'PATCH', body });
      replacing = null;
      showMessage(`Order ${o.id} replaced`, 'info');
      refreshOrders();
    } catch (e) {
      error.textContent = e.details && e.details.field ? `${e.message} (${e.details.field})` : e.message;
      error.hidden = false;
    }
  });
  td.append(form);
  tr.append(td);
  return tr;
}

function renderHistory(items) {
  const rows = items.filter((o) => o && o.terminal).map((o) => {
    const { dec, qdec } = decimals(o.symbol);
    const tr = el('tr');
    tr.dataset.id = String(o.id);
    const time = el('td', 'num', fmtDateTime(o.updated_at));
    time.title = utcTitle(o.updated_at);
    const side = el('td');
    side.appendChild(el('span', `tag ${o.side === 'sell' ? 'side-sell' : 'side-buy'}`, o.side));
    tr.append(time, el('td', 'sym', o.symbol), side, el('td', null, o.type), el('td', 'num r', `${fmtQty(o.filled_quantity, qdec)} / ${fmtQty(o.quantity, qdec)}`),
      el('td', 'num r', fmtNum(o.average_price ?? NaN, dec)), el('td', null, o.status), el('td', 'muted', o.reason || ''));
    return tr;
  });
  $('orders-history').tBodies[0].replaceChildren(...rows);
}

async function cancelOrder(id, button) {
  button.disabled = true;
  try {
    await api(`/api/orders/${id}`, { method: 'DELETE' });
    showMessage(`Order ${id} cancelled`, 'info');
  } catch (e) {
    showMessage(`Cannot cancel order ${id}: ${e.message}`);
  }
  refreshOrders();
}
