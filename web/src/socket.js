// One reconnecting WebSocket to the daemon (/ws, /ws/logs, /ws/strategies share it): the
// current access token goes on the URL (browsers cannot set headers on a WebSocket), a closed
// socket reconnects after a backoff that doubles from 1 s to 10 s and starts over once a socket
// opens. Contract: onOpen(again) runs on every open (`again`: an earlier socket of this one had
// opened, so the caller refetches what the gap missed); onMessage gets each message that parses
// as a JSON object; onState(open) on every open and close; mayReconnect(), when given, is
// awaited before each reconnect after a close, and false parks the socket (a caller the daemon
// would refuse: no refused handshake every 10 s) until reconnectAll(). close() stops for good;
// reconnect() drops the current socket so the next one carries a new token.
import { currentToken } from './api.js';

const BACKOFF_MIN = 1000;
const BACKOFF_MAX = 10000;
const sockets = new Set();

// After a sign-in or sign-out: every socket, parked ones too, reconnects with the new credentials.
export function reconnectAll() {
  for (const s of sockets) s.reconnect();
}

export function liveSocket({
  path, params = () => ({}), onOpen = () => {}, onMessage = () => {}, onState = () => {}, mayReconnect = null,
}) {
  let ws = null;
  let open = false;
  let everOpened = false;
  let stopped = true; // until start()
  let parked = false; // stopped by mayReconnect(): reconnect() starts it again
  let backoff = BACKOFF_MIN;
  let timer = null;

  function url() {
    const q = new URLSearchParams();
    const token = currentToken();
    if (token) q.set('token', token);
    for (const [k, v] of Object.entries(params())) if (v != null && v !== '') q.set(k, v);
    const s = q.toString();
    return `${location.protocol === 'https:' ? 'wss://' : 'ws://'}${location.host}${path}${s ? `?${s}` : ''}`;
  }

  function setOpen(v) {
    open = v;
    onState(v);
  }

  function schedule() {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(async () => {
      if (mayReconnect && !(await mayReconnect().catch(() => true))) { stopped = true; parked = true; return; }
      connect();
    }, backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX);
  }

  function connect() {
    clearTimeout(timer);
    if (stopped) return;
    let sock;
    try { sock = new WebSocket(url()); } catch { schedule(); return; }
    ws = sock;
    sock.onopen = () => {
      if (ws !== sock) return;
      const again = everOpened;
      everOpened = true;
      backoff = BACKOFF_MIN;
      setOpen(true);
      onOpen(again);
    };
    sock.onmessage = (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch { return; }
      if (m && typeof m === 'object') onMessage(m);
    };
    sock.onclose = () => {
      if (ws !== sock) return; // a socket replaced by reconnect() or close()
      ws = null;
      if (open) setOpen(false);
      schedule();
    };
    sock.onerror = () => { /* onclose follows */ };
  }

  const handle = {
    start() { stopped = false; parked = false; sockets.add(handle); if (!ws) connect(); },
    get open() { return open; },
    get everOpened() { return everOpened; },
    // Sends a JSON message when a socket is open (false when not: the caller's onOpen resends).
    send(msg) {
      if (!ws || !open) return false;
      ws.send(JSON.stringify(msg));
      return true;
    },
    reconnect() {
      if (stopped && !parked) return;
      stopped = false;
      parked = false;
      const old = ws;
      ws = null;
      if (old) { old.onclose = null; old.close(); }
      if (open) setOpen(false);
      backoff = BACKOFF_MIN;
      connect();
    },
    close() {
      stopped = true;
      parked = false;
      sockets.delete(handle);
      clearTimeout(timer);
      const old = ws;
      ws = null;
      if (old) { old.onclose = null; old.close(); }
      if (open) setOpen(false);
    },
  };
  return handle;
}
