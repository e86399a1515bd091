// The trade history, paged (issue 16 item 8): 100 trades a page from GET /api/trades with the
// `before` cursor, newer and older pages, a symbol filter, so a history of any length stays as
// light as one page. Seed 004's orders-and-trades page shows it.
import { api } from './api.js';
import { $, el, fmtDateTime, fmtMoney, fmtNum, fmtQty, setText, signClass, utcTitle } from './format.js';

const PAGE = 100;
const state = { cursors: [null], page: 0, next: null, symbol: '' };
let decimals = () => ({ dec: 2, qdec: 8 });

function row(t) {
  const { dec, qdec } = decimals(t.symbol);
  const tr = el('tr');
  tr.dataset.id = String(t.id);
  const time = el('td', 'num', fmtDateTime(t.time, t.ts));
  time.title = utcTitle(t.time, t.ts);
  const side = el('td');
  side.append(el('span', `tag ${t.side === 'sell' ? 'side-sell' : 'side-buy'}`, t.side));
  tr.append(el('td', 'num', String(t.id)), time, el('td', 'sym', t.symbol), side, el('td', 'num r', fmtQty(t.quantity, qdec)),
    el('td', 'num r', fmtNum(t.price, dec)), el('td', 'num r', fmtMoney(t.fee)),
    el('td', `num r ${signClass(t.realized_pnl)}`, fmtMoney(t.realized_pnl, true)), el('td', null, t.strategy || (t.manual ? 'manual' : '—')));
  return tr;
}

export async function loadHistoryPage() {
  const q = new URLSearchParams({ limit: String(PAGE) });
  const before = state.cursors[state.page];
  if (before != null) q.set('before', String(before));
  if (state.symbol) q.set('symbol', state.symbol);
  try {
    const r = await api(`/api/trades?${q}`);
    const items = (r && r.items) || [];
    state.next = r && r.next != null ? r.next : null;
    $('history').tBodies[0].replaceChildren(...items.map(row));
    $('history-empty').hidden = items.length > 0;
    $('history-older').disabled = state.next == null;
    $('history-newer').disabled = state.page === 0;
    setText($('history-page'), `page ${state.page + 1}`);
  } catch (err) {
    setText($('history-page'), err.message);
  }
}

export function initHistory(opts) {
  decimals = opts.decimals || decimals;
  const select = $('history-symbol');
  for (const s of opts.symbols || []) {
    const o = el('option', null, s);
    o.value = s;
    select.append(o);
  }
  select.addEventListener('change', () => {
    state.symbol = select.value;
    state.cursors = [null];
    state.page = 0;
    loadHistoryPage();
  });
  $('history-older').addEventListener('click', () => {
    if (state.next == null) return;
    state.cursors[state.page + 1] = state.next;
    state.page++;
    loadHistoryPage();
  });
  $('history-newer').addEventListener('click', () => {
    if (state.page === 0) return;
    state.page--;
    loadHistoryPage();
  });
  loadHistoryPage();
}
