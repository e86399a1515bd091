// The live signals feed (issue 16 item 6): the newest signals of every strategy, filterable by
// symbol and strategy, from /api/engine/signals and then `signal` messages on /ws. A signal the
// engine did not act on (risk, calendar, cash) says so and why.
import { api } from './api.js';
import { $, el, fmtNum, fmtTime, utcTitle } from './format.js';

const MAX_ROWS = 100;
const state = { items: [], symbol: '', strategy: '' };

const matches = (s) => (!state.symbol || s.symbol === state.symbol) && (!state.strategy || s.strategy === state.strategy);

function row(s) {
  const tr = el('tr');
  tr.dataset.id = String(s.id);
  tr.dataset.acted = String(!!s.acted);
  const time = el('td', 'num', fmtTime(s.time, s.ts));
  time.title = utcTitle(s.time, s.ts);
  const side = el('td');
  side.append(el('span', `tag ${s.side === 'sell' ? 'side-sell' : 'side-buy'}`, s.side));
  const acted = el('td', s.acted ? null : 'muted', s.acted ? 'acted' : 'not acted');
  acted.title = s.reason || '';
  tr.append(time, el('td', 'sym', s.symbol), el('td', null, s.strategy || '—'), side, el('td', 'num r', fmtNum(s.strength, 2)),
    el('td', 'num r', fmtNum(s.price, 2)), acted);
  return tr;
}

function render() {
  const shown = state.items.filter(matches).slice(0, MAX_ROWS);
  $('signals').tBodies[0].replaceChildren(...shown.map(row));
  $('signals-empty').hidden = shown.length > 0;
}

function fillFilter(select, values, current) {
  const have = new Set([...select.options].map((o) => o.value));
  for (const v of values) {
    if (!v || have.has(v)) continue;
    const o = el('option', null, v);
    o.value = v;
    select.append(o);
    have.add(v);
  }
  select.value = current;
}

async function load() {
  const q = new URLSearchParams({ limit: String(MAX_ROWS) });
  if (state.symbol) q.set('symbol', state.symbol);
  try {
    const r = await api(`/api/engine/signals?${q}`);
    state.items = (r && r.items) || [];
    fillFilter($('sig-strategy'), state.items.map((s) => s.strategy), state.strategy);
    render();
  } catch { /* the feed stays as it was; live signals keep coming */ }
}

// A `signal` from /ws: newest first, de-duplicated by id.
export function onFeedSignal(s) {
  if (!s || s.id == null || state.items.some((x) => x.id === s.id)) return;
  state.items.unshift(s);
  if (state.items.length > MAX_ROWS * 5) state.items.length = MAX_ROWS * 5;
  fillFilter($('sig-strategy'), [s.strategy], state.strategy);
  if (matches(s)) render();
}

export function initSignals(symbols) {
  fillFilter($('sig-symbol'), symbols, '');
  $('sig-symbol').addEventListener('change', () => { state.symbol = $('sig-symbol').value; load(); });
  $('sig-strategy').addEventListener('change', () => { state.strategy = $('sig-strategy').value; render(); });
  load();
}
