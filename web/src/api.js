// Credentials and REST. The access token lives in memory only. The refresh token (rotated on
// every use) is kept in sessionStorage so a reload of this tab stays signed in while closing
// the tab signs out. A token or API key given as ?token= is used as is for this page (scripts,
// kiosks) and never stored. With auth off the daemon answers without credentials and no
// sign-in is shown.
import { $, setText } from './format.js';

const REFRESH_KEY = 'meridian.refresh';
let token = null;
let refreshToken = null;
let refreshTimer = null;
let refreshing = null;
let onUnauthorized = () => {};

try { token = new URLSearchParams(location.search).get('token'); } catch { /* no URL API */ }
export const fixedToken = !!token;
try { refreshToken = sessionStorage.getItem(REFRESH_KEY); } catch { /* storage unavailable */ }

export const currentToken = () => token;
export const hasRefreshToken = () => !!refreshToken;
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

function keepRefresh(t) {
  refreshToken = t;
  try {
    if (t) sessionStorage.setItem(REFRESH_KEY, t); else sessionStorage.removeItem(REFRESH_KEY);
  } catch { /* storage unavailable */ }
}

export function applyTokens(r) {
  token = r.access_token;
  keepRefresh(r.refresh_token);
  clearTimeout(refreshTimer);
  const s = Math.max(30, (r.expires_in || 900) - 60); // renew a minute before the access token expires
  refreshTimer = setTimeout(renew, s * 1000);
  if (r.user) {
    setText($('account-email'), `${r.user.email} · ${r.user.role}`);
    $('account').hidden = false;
  }
}

export function forgetTokens() {
  const t = refreshToken;
  keepRefresh(null);
  token = null;
  clearTimeout(refreshTimer);
  return t;
}

// One renewal at a time; resolves true when a fresh access token is in hand.
export function renew() {
  if (fixedToken || !refreshToken) return Promise.resolve(false);
  if (refreshing) return refreshing;
  refreshing = fetch('/api/auth/refresh', {
    method: 'POST',
    cache: 'no-store',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  })
    .then((res) => (res.ok ? res.json().then((r) => { applyTokens(r); return true; }) : (keepRefresh(null), false)),
      () => false)
    .then((ok) => { refreshing = null; return ok; });
  return refreshing;
}

// An Error carrying the API's error shape: {"error": {"code", "message", "details"}}.
export class ApiError extends Error {
  constructor(message, status, code, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export async function request(path, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (opts.body != null) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, {
    method: opts.method || 'GET',
    headers,
    body: opts.body != null ? JSON.stringify(opts.body) : undefined,
    cache: 'no-store',
  });
  const txt = await res.text();
  let data = null;
  if (txt) { try { data = JSON.parse(txt); } catch { data = null; } }
  if (!res.ok) {
    const e = data && data.error;
    throw new ApiError((e && e.message) || `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
      res.status, e && e.code, e && e.details);
  }
  return data;
}

// A request with the current credentials; a 401 renews the access token once and retries,
// and calls the unauthorized handler (the sign-in form) when that fails.
export async function api(path, opts) {
  try {
    return await request(path, opts);
  } catch (err) {
    if (err.status !== 401) throw err;
    if (await renew()) return request(path, opts);
    onUnauthorized();
    throw err;
  }
}
