// The logs panel (issue 16 item 6): the daemon's recent log records, newest first, from
// GET /api/logs (a page of 50; "Older" appends the page before through the `next` cursor) and
// kept live from /ws/logs (a `log` message per record; a filter change is a `subscribe`).
// Filters: the lowest level wanted and one module. Admins only with auth on: a 401/403 shows a
// note (one request, no retry loop); a daemon that keeps no records (404 logs_disabled) hides
// the panel. REST pages (from the database: warnings and errors) and live records (this run's
// ring: any level) number their records differently, so a record is known by its time, logger
// and message rather than its id.
import { api, request } from './api.js';
import { $, el, fmtDateTime, setText, utcTitle } from './format.js';
import { liveSocket } from './socket.js';

const PAGE = 50;
const MAX_ROWS = 500;
const RANK = { trace: 0, debug: 1, info: 2, warn: 3, warning: 3, error: 4, critical: 5 };

const state = { items: [], keys: new Set(), next: null, level: '', module: '', seq: 0, bound: false, socket: null, queued: false };

const keyOf = (r) => `${r.ts}|${r.logger || r.module}|${r.message}`;
const matches = (r) => (!state.level || (RANK[r.level] ?? 0) >= RANK[state.level])
  && (!state.module || (r.module || r.logger) === state.module);

function row(r) {
  const tr = el('tr');
  tr.dataset.id = String(r.id);
  tr.dataset.level = r.level;
  const time = el('td', 'num', fmtDateTime(r.time, r.ts));
  time.title = utcTitle(r.time, r.ts);
  const level = el('td');
  level.append(el('span', `tag log-${String(r.level).replace(/[^a-z]/g, '')}`, r.level));
  tr.append(time, level, el('td', 'sym', r.module || r.logger || '—'), el('td', 'log-msg', r.message));
  return tr;
}

function render() {
  state.queued = false;
  $('logs').tBodies[0].replaceChildren(...state.items.map(row));
  $('logs-empty').hidden = state.items.length > 0;
  $('logs-older').disabled = state.next == null || state.items.length >= MAX_ROWS;
  $('logs-older').title = state.items.length >= MAX_ROWS ? `The newest ${MAX_ROWS} are shown: narrow the filters to see older ones` : '';
}
function renderSoon() {
  if (state.queued) return;
  state.queued = true;
  requestAnimationFrame(render);
}

function keepMatching() {
  state.items = state.items.filter(matches);
  state.keys = new Set(state.items.map(keyOf));
}

const newestFirst = (a, b) => (b.ts ?? 0) - (a.ts ?? 0) || (b.id ?? 0) - (a.id ?? 0);
function add(records) {
  const fresh = records.filter((r) => r && !state.keys.has(keyOf(r)) && matches(r));
  if (!fresh.length) return;
  for (const r of fresh) state.keys.add(keyOf(r));
  state.items = [...state.items, ...fresh].sort(newestFirst);
  // Past the cap the oldest go (and Older stops: a narrower filter reaches further back).
  if (state.items.length > MAX_ROWS) {
    for (const r of state.items.splice(MAX_ROWS)) state.keys.delete(keyOf(r));
  }
  renderSoon();
}

// What the panel may show: 'ok', 'forbidden' (note shown), 'disabled' (panel hidden), or
// 'unknown' (the daemon is unreachable or busy: the socket keeps trying).
function access(err) {
  if (!err) return 'ok';
  if (err.status === 401 || err.status === 403) {
    setText($('logs-note'), err.status === 401 ? 'Logs are for admins only: sign in as an admin to see them.'
      : 'Logs are for admins only.');
    $('logs-note').hidden = false;
    $('logs-body').hidden = true;
    setText($('logs-live'), '');
    return 'forbidden';
  }
  if (err.status === 404 && err.code === 'logs_disabled') {
    $('logs-panel').hidden = true;
    return 'disabled';
  }
  setText($('logs-note'), `Cannot load the logs: ${err.message}`);
  $('logs-note').hidden = false;
  return 'unknown';
}

function query(before) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (state.level) q.set('level', state.level);
  if (state.module) q.set('module', state.module);
  if (before != null) q.set('before', String(before));
  return `/api/logs?${q}`;
}

// The newest page (merged into what is shown) or, with `older`, the page after the last one loaded.
async function load(older) {
  const seq = ++state.seq;
  try {
    const r = await api(query(older ? state.next : null));
    if (seq !== state.seq) return 'ok'; // a filter changed meanwhile: its load wins
    // The newest page again: what is shown and passes the filter stays (live records may be
    // newer than what the database has stored yet), the page merges in.
    if (!older) keepMatching();
    state.next = r && r.next != null ? r.next : null;
    $('logs-note').hidden = true;
    $('logs-body').hidden = false;
    $('logs-panel').hidden = false;
    setText($('logs-source'), r && r.source === 'database' ? 'stored: warnings and errors' : 'this run');
    add((r && r.items) || []);
    render();
    return 'ok';
  } catch (err) {
    return access(err);
  }
}

function onMessage(m) {
  if (m.type === 'log' && m.data) add([m.data]);
  else if (m.type === 'error' && m.error) setText($('logs-live'), m.error.message);
}

function subscribe() {
  state.socket.send({ type: 'subscribe', level: state.level || null, module: state.module || null });
}

function setLive(open) {
  const n = $('logs-live');
  setText(n, open ? 'live' : 'reconnecting…');
  n.className = open ? 'up' : 'muted';
}

function onFilter() {
  state.level = $('logs-level').value;
  state.module = $('logs-module').value;
  if (state.socket) subscribe(); // not open: the next socket carries the filter on its URL
  load(false);
}

// Idempotent: a second call (after a sign-in) asks again whether the caller may see the logs.
export async function initLogs() {
  if (!state.bound) {
    state.bound = true;
    $('logs-level').addEventListener('change', onFilter);
    $('logs-module').addEventListener('change', onFilter);
    $('logs-older').addEventListener('click', () => { if (state.next != null) load(true); });
  }
  const allowed = await load(false);
  if (allowed === 'forbidden' || allowed === 'disabled') {
    if (state.socket) { state.socket.close(); state.socket = null; }
    return;
  }
  if (state.socket) { state.socket.start(); return; } // stopped by a refusal: open again
  state.socket = liveSocket({
    path: '/ws/logs',
    params: () => ({ level: state.level, module: state.module }),
    onState: setLive,
    // What was logged while the socket was down: the newest page again.
    onOpen: (again) => { if (again) load(false); },
    onMessage,
    // Before each reconnect: a caller who lost the right to see the logs gets the note, and the
    // socket parks (until a sign-in) rather than being refused every 10 s. `request`, not `api`:
    // a probe does not open the sign-in form again.
    mayReconnect: async () => {
      const a = await request('/api/logs?limit=1').then(() => 'ok', access);
      return a !== 'forbidden' && a !== 'disabled';
    },
  });
  state.socket.start();
}
