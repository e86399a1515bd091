// The strategies view (seed 004's strategy manager and holdings, seed 001's toggles): every
// instance with its state, class, symbols, signals and last signal, its holdings and P&L; the
// lifecycle buttons its state allows (init, start, stop, remove), params edited in place from
// the class's schema; an instance added from any class; removed ones restored or deleted.
// Live from /ws/strategies: a `strategy` message carries the instance as GET /api/strategies
// shows it, and its row is redrawn in place (focus kept). One slow poll (holdings' P&L moves with
// prices, which no strategy message reports) and a refetch when the socket reopens catch what a
// disconnection missed; a command's answer is applied at once.
import { api, request } from './api.js';
import { $, el, fmtInt, fmtTime, setSigned, setText, showMessage, utcTitle } from './format.js';
import { readSchemaFields, renderSchemaFields, showFieldError, strategyClasses } from './schema_form.js';
import { liveSocket } from './socket.js';

const REFRESH_MS = 15000;
// What each state may do next (the API refuses the rest with 409 invalid_state).
const ACTIONS = { added: ['init', 'remove'], initialized: ['start', 'remove'], running: ['stop'], stopped: ['start', 'remove'] };
const LABEL = { init: 'Init', start: 'Start', stop: 'Stop', remove: 'Remove' };

const state = {
  classes: [], editing: null, timer: null, busy: false,
  instances: [], holdings: new Map(), removed: [], // in GET /api/strategies' order; holdings by strategy id
};

const portfolioQuery = (inst) => `?portfolio=${encodeURIComponent(inst.portfolio_id ?? 'default')}`;

async function command(inst, action) {
  state.busy = true;
  try {
    const path = `/api/strategies/${encodeURIComponent(inst.name)}/${action}${portfolioQuery(inst)}`;
    apply(await api(path, { method: action === 'remove' ? 'DELETE' : 'POST' }));
    showMessage(`${inst.name}: ${action} done`, 'info');
  } catch (err) {
    showMessage(`${inst.name}: ${err.message}`);
    refresh(); // what the instance is now, after the refusal
  } finally {
    state.busy = false;
  }
}

// An instance from a command's answer or a `strategy` message: newer versions only (versions
// are per portfolio), its row redrawn in place; a removed one moves to the restorable list.
function apply(inst) {
  if (!inst || inst.id == null) return;
  const same = (x) => x.id === inst.id;
  const known = state.instances.find(same) || state.removed.find(same);
  if (known && known.portfolio_id === inst.portfolio_id && (known.version ?? 0) > (inst.version ?? 0)) return;
  if (inst.state === 'removed') {
    state.instances = state.instances.filter((x) => !same(x));
    state.removed = [...state.removed.filter((x) => !same(x)), inst];
    if (state.editing === inst.id) state.editing = null;
    renderAll();
    return;
  }
  const wasRemoved = state.removed.some(same);
  state.removed = state.removed.filter((x) => !same(x));
  const at = state.instances.findIndex(same);
  if (at < 0) {
    state.instances = [...state.instances, inst];
    renderAll();
    return;
  }
  state.instances[at] = inst;
  if (wasRemoved) renderRemoved();
  const tr = $('strategies').querySelector(`tbody tr[data-id="${inst.id}"]`);
  if (!tr) { renderAll(); return; }
  // Focus on a button of the row stays on the button of the same name (or the row's first).
  const focused = tr.contains(document.activeElement) ? document.activeElement.getAttribute('aria-label') : null;
  const next = instanceRow(inst);
  tr.replaceWith(next);
  if (focused != null) {
    const again = [...next.querySelectorAll('button')];
    (again.find((b) => b.getAttribute('aria-label') === focused) || again[0] || next).focus();
  }
}

function editRow(inst, cols) {
  const tr = el('tr', 'st-edit');
  const td = el('td');
  td.colSpan = cols;
  const form = el('form', 'ticket st-edit-form');
  form.noValidate = true;
  const fields = el('div', 'bt-params');
  renderSchemaFields(fields, state.classes.find((c) => c.class === inst.class), `st-e-${inst.id}-`, inst.params || {});
  const error = el('p', 'ticket-error');
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const save = el('button', 'btn btn-start', 'Save params');
  save.type = 'submit';
  const cancel = el('button', 'btn', 'Cancel');
  cancel.type = 'button';
  cancel.addEventListener('click', () => { state.editing = null; renderAll(); });
  form.append(fields, error, save, cancel);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const saved = await api(`/api/strategies/${inst.id}`, { method: 'PATCH', body: { params: readSchemaFields(fields) } });
      state.editing = null;
      showMessage(`${inst.name}: params saved (indicators re-warm)`, 'info');
      apply(saved);
      renderAll();
    } catch (err) {
      showFieldError(form, error, err);
    }
  });
  td.append(form);
  tr.append(td);
  return tr;
}

// A long symbol list (the session's strategy trades them all) as its first names and a count,
// the whole list on hover.
function symbolsCell(symbols) {
  const td = el('td', null, symbols.length > 3 ? `${symbols.slice(0, 3).join(', ')} +${symbols.length - 3}` : symbols.join(', ') || 'all');
  td.title = symbols.join(', ');
  return td;
}

const COLS = 9;

function instanceRow(inst) {
  const tr = el('tr');
  tr.dataset.id = String(inst.id);
  tr.dataset.name = inst.name;
  tr.dataset.state = inst.state;
  const sig = inst.last_signal;
  const hold = state.holdings.get(inst.id);
  const badge = el('span', `badge state-${String(inst.state).replace(/[^a-z_-]/gi, '')}`, inst.state);
  const last = el('td', null, sig ? `${sig.side} ${sig.symbol} ${fmtTime(sig.time, sig.ts)}` : '—');
  if (sig) last.title = `${sig.reason || ''}${sig.acted ? '' : ' (not acted)'} · ${utcTitle(sig.time, sig.ts)}`;
  const pnl = el('td', 'r num');
  setSigned(pnl, hold ? hold.pnl : null);
  const actions = el('td', 'r st-actions');
  // The session's own instance follows /api/trading/* and refuses lifecycle commands.
  if (inst.id !== 1) {
    for (const action of ACTIONS[inst.state] || []) {
      const b = el('button', `btn btn-small st-${action}`, LABEL[action]);
      b.type = 'button';
      b.setAttribute('aria-label', `${LABEL[action]} ${inst.name}`);
      b.addEventListener('click', () => command(inst, action));
      actions.append(b);
    }
    const edit = el('button', 'btn btn-small st-edit-btn', 'Edit');
    edit.type = 'button';
    edit.setAttribute('aria-label', `Edit ${inst.name}'s params`);
    edit.setAttribute('aria-expanded', String(state.editing === inst.id));
    edit.addEventListener('click', () => { state.editing = state.editing === inst.id ? null : inst.id; renderAll(); });
    actions.append(edit);
  }
  const stateTd = el('td');
  stateTd.append(badge);
  tr.append(el('td', null, inst.name), el('td', null, inst.class), symbolsCell(inst.symbols || []), stateTd,
    el('td', 'r num', fmtInt(inst.signals)), last, el('td', 'r num', hold ? fmtInt((hold.positions || []).length) : '—'), pnl, actions);
  return tr;
}

function renderAll() {
  const rows = [];
  for (const inst of state.instances) {
    rows.push(instanceRow(inst));
    if (state.editing === inst.id) rows.push(editRow(inst, COLS));
  }
  $('strategies').querySelector('tbody').replaceChildren(...rows);
  setText($('st-count'), fmtInt(state.instances.length));
  $('strategies-empty').hidden = state.instances.length > 0;
  renderRemoved();
}

function renderRemoved() {
  const { removed } = state;
  $('st-removed-box').hidden = removed.length === 0;
  $('st-removed').replaceChildren(...removed.map((inst) => {
    const li = el('li', null, `${inst.name} (${inst.class}) `);
    const restore = el('button', 'btn btn-small', 'Restore');
    restore.type = 'button';
    restore.addEventListener('click', async () => {
      try {
        apply(await api('/api/strategies/restore', { method: 'POST', body: { name: inst.name, portfolio: inst.portfolio_id } }));
      } catch (err) { showMessage(`${inst.name}: ${err.message}`); refresh(); }
    });
    const del = el('button', 'btn btn-small btn-stop', 'Delete');
    del.type = 'button';
    del.addEventListener('click', async () => {
      if (!window.confirm(`Delete ${inst.name} for good?`)) return;
      try {
        await api(`/api/strategies/${encodeURIComponent(inst.name)}/delete${portfolioQuery(inst)}`, { method: 'DELETE' });
        state.removed = state.removed.filter((x) => x.id !== inst.id);
        renderRemoved();
      } catch (err) { showMessage(`${inst.name}: ${err.message}`); refresh(); }
    });
    li.append(restore, del);
    return li;
  }));
}

export async function refresh() {
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, REFRESH_MS);
  // Nothing to redraw under an open edit form or while a command is in flight.
  if (state.busy || document.visibilityState === 'hidden') return;
  try {
    const [list, holdings, removed] = await Promise.all([api('/api/strategies'), api('/api/strategies/holdings'),
      api('/api/strategies/meta/removed-strategies')]);
    // A message applied while the request was out may be newer than what it answers.
    const newer = (inst) => {
      const known = state.instances.find((x) => x.id === inst.id && x.portfolio_id === inst.portfolio_id);
      return known && (known.version ?? 0) > (inst.version ?? 0) ? known : inst;
    };
    state.instances = ((list && list.items) || []).map(newer);
    state.holdings = new Map(((holdings && holdings.items) || []).map((h) => [h.strategy_id, h]));
    state.removed = (removed && removed.items) || [];
    if (state.editing != null && document.activeElement && document.activeElement.closest('.st-edit')) return;
    renderAll();
  } catch {
    /* the banner and the next refresh say more than a message every 15 s would */
  }
}

async function add(ev) {
  ev.preventDefault();
  const form = $('st-form');
  showFieldError(form, $('st-error'), null);
  const body = {
    name: $('st-name').value.trim(),
    class: $('st-class').value,
    params: readSchemaFields($('st-params')),
    symbols: [...$('st-symbols').selectedOptions].map((o) => o.value),
  };
  const fraction = $('st-fraction').value;
  if (fraction !== '') body.position_fraction = Number(fraction);
  try {
    const inst = await api('/api/strategies', { method: 'POST', body });
    showMessage(`${inst.name} added (${inst.state})`, 'info');
    $('st-name').value = '';
    apply(inst);
  } catch (err) {
    showFieldError(form, $('st-error'), err);
  }
}

export async function initStrategies() {
  $('st-form').addEventListener('submit', add);
  $('st-class').addEventListener('change', () => {
    renderSchemaFields($('st-params'), state.classes.find((c) => c.class === $('st-class').value), 'st-p-');
  });
  try {
    const [classes, symbols] = await Promise.all([strategyClasses(api), api('/api/symbols')]);
    state.classes = classes;
    $('st-class').replaceChildren(...classes.map((c) => { const o = el('option', null, c.title || c.class); o.value = c.class; return o; }));
    $('st-symbols').replaceChildren(...((symbols && symbols.items) || []).map((s, i) => {
      const o = el('option', null, s.symbol);
      o.value = s.symbol;
      o.selected = i === 0;
      return o;
    }));
    renderSchemaFields($('st-params'), classes[0], 'st-p-');
  } catch (err) {
    showMessage(err.message);
  }
  await refresh();
  liveSocket({
    path: '/ws/strategies',
    onOpen: (again) => { if (again) refresh(); }, // what changed while the socket was down
    onMessage: (m) => { if (m.type === 'strategy') apply(m.data); },
    // Signed out (or never in, with auth on): parked until a sign-in rather than refused every
    // 10 s. `request`, not `api`: a probe does not open the sign-in form again.
    mayReconnect: () => request('/api/strategies/meta/portfolios').then(() => true, (e) => e.status !== 401 && e.status !== 403),
  }).start();
}
