// The strategies view (seed 004's strategy manager and holdings, seed 001's toggles): every
// instance with its state, class, symbols, signals and last signal, its holdings and P&L; the
// lifecycle buttons its state allows (init, start, stop, remove), params edited in place from
// the class's schema; an instance added from any class; removed ones restored or deleted.
// Refreshed every few seconds while the page is visible (the instance list and holdings are
// small; /ws/strategies replaces this once every deployment has it).
import { api } from './api.js';
import { $, el, fmtInt, fmtMoney, fmtTime, setSigned, setText, showMessage, utcTitle } from './format.js';
import { readSchemaFields, renderSchemaFields, showFieldError, strategyClasses } from './schema_form.js';

const REFRESH_MS = 3000;
// What each state may do next (the API refuses the rest with 409 invalid_state).
const ACTIONS = { added: ['init', 'remove'], initialized: ['start', 'remove'], running: ['stop'], stopped: ['start', 'remove'] };
const LABEL = { init: 'Init', start: 'Start', stop: 'Stop', remove: 'Remove' };

const state = { classes: [], editing: null, timer: null, busy: false };

const portfolioQuery = (inst) => `?portfolio=${encodeURIComponent(inst.portfolio_id ?? 'default')}`;

async function command(inst, action) {
  state.busy = true;
  try {
    if (action === 'remove') await api(`/api/strategies/${encodeURIComponent(inst.name)}/remove${portfolioQuery(inst)}`, { method: 'DELETE' });
    else await api(`/api/strategies/${encodeURIComponent(inst.name)}/${action}${portfolioQuery(inst)}`, { method: 'POST' });
    showMessage(`${inst.name}: ${action} done`, 'info');
  } catch (err) {
    showMessage(`${inst.name}: ${err.message}`);
  } finally {
    state.busy = false;
    refresh();
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
  cancel.addEventListener('click', () => { state.editing = null; refresh(); });
  form.append(fields, error, save, cancel);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api(`/api/strategies/${inst.id}`, { method: 'PATCH', body: { params: readSchemaFields(fields) } });
      state.editing = null;
      showMessage(`${inst.name}: params saved (indicators re-warm)`, 'info');
      refresh();
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

function render(instances, holdings) {
  const byId = new Map(holdings.map((h) => [h.strategy_id, h]));
  const rows = [];
  const cols = 9;
  for (const inst of instances) {
    const tr = el('tr');
    tr.dataset.name = inst.name;
    tr.dataset.state = inst.state;
    const sig = inst.last_signal;
    const hold = byId.get(inst.id);
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
      edit.addEventListener('click', () => { state.editing = state.editing === inst.id ? null : inst.id; refresh(); });
      actions.append(edit);
    }
    tr.append(el('td', null, inst.name), el('td', null, inst.class), symbolsCell(inst.symbols || []),
      (() => { const td = el('td'); td.append(badge); return td; })(), el('td', 'r num', fmtInt(inst.signals)), last,
      el('td', 'r num', hold ? fmtInt((hold.positions || []).length) : '—'), pnl, actions);
    rows.push(tr);
    if (state.editing === inst.id) rows.push(editRow(inst, cols));
  }
  $('strategies').querySelector('tbody').replaceChildren(...rows);
  setText($('st-count'), fmtInt(instances.length));
  $('strategies-empty').hidden = instances.length > 0;
}

function renderRemoved(removed) {
  $('st-removed-box').hidden = removed.length === 0;
  $('st-removed').replaceChildren(...removed.map((inst) => {
    const li = el('li', null, `${inst.name} (${inst.class}) `);
    const restore = el('button', 'btn btn-small', 'Restore');
    restore.type = 'button';
    restore.addEventListener('click', async () => {
      try {
        await api('/api/strategies/restore', { method: 'POST', body: { name: inst.name, portfolio: inst.portfolio_id } });
      } catch (err) { showMessage(`${inst.name}: ${err.message}`); }
      refresh();
    });
    const del = el('button', 'btn btn-small btn-stop', 'Delete');
    del.type = 'button';
    del.addEventListener('click', async () => {
      if (!window.confirm(`Delete ${inst.name} for good?`)) return;
      try {
        await api(`/api/strategies/${encodeURIComponent(inst.name)}/delete${portfolioQuery(inst)}`, { method: 'DELETE' });
      } catch (err) { showMessage(`${inst.name}: ${err.message}`); }
      refresh();
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
    if (state.editing != null && document.activeElement && document.activeElement.closest('.st-edit')) return;
    render((list && list.items) || [], (holdings && holdings.items) || []);
    renderRemoved((removed && removed.items) || []);
  } catch {
    /* the banner and the next refresh say more than a message every 3 s would */
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
    refresh();
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
  refresh();
}
