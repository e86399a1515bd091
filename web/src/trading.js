// The order ticket (POST /api/trade) and the open orders (GET /api/orders?status=open, cancel
// with DELETE /api/orders/{id}). A refused order shows the API's own message and the field it
// names, under the ticket.
import { api } from './api.js';
import { $, el, fmtNum, fmtQty, fmtDateTime, utcTitle, setText, showMessage } from './format.js';

const PRICE_FIELDS = { market: [], limit: ['limit_price'], stop: ['stop_price'], stop_limit: ['limit_price', 'stop_price'] };

let decimals = () => ({ dec: 2, qdec: 8 });
let afterOrder = () => {};

export function initTrading(opts) {
  decimals = opts.decimals;
  afterOrder = opts.afterOrder || afterOrder;
  const form = $('ticket');
  $('t-type').addEventListener('change', showPriceFields);
  showPriceFields();
  form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });
  for (const b of form.querySelectorAll('button[data-side]')) b.addEventListener('click', () => { $('t-side').value = b.dataset.side; });
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
  for (const f of ['limit_price', 'stop_price']) $(`t-${f}-row`).hidden = !wanted.includes(f);
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
    type,
    quantity: numberOrUndefined('t-quantity'),
    time_in_force: $('t-tif').value,
  };
  // Only the prices the type takes: the API's validation speaks to what was sent.
  for (const f of PRICE_FIELDS[type] || []) {
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
    tr.appendChild(el('td', null, `${o.type} · ${o.time_in_force}`));
    tr.appendChild(el('td', 'num r', `${fmtQty(o.filled_quantity, qdec)} / ${fmtQty(o.quantity, qdec)}`));
    tr.appendChild(el('td', 'num r', fmtNum(o.limit_price ?? NaN, dec)));
    tr.appendChild(el('td', 'num r', fmtNum(o.stop_price ?? NaN, dec)));
    tr.appendChild(el('td', null, o.status));
    const act = el('td', 'r');
    const cancel = el('button', 'btn btn-small btn-stop', 'Cancel');
    cancel.type = 'button';
    cancel.setAttribute('aria-label', `Cancel order ${o.id}`);
    cancel.addEventListener('click', () => cancelOrder(o.id, cancel));
    act.appendChild(cancel);
    tr.appendChild(act);
    frag.appendChild(tr);
  }
  tb.textContent = '';
  tb.appendChild(frag);
  $('orders-empty').hidden = tb.rows.length > 0;
  setText($('orders-count'), String(tb.rows.length));
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
