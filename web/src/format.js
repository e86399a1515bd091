// Number and time formatting, and the few DOM helpers every view uses. Everything that shows
// data goes through textContent (never innerHTML), so no server string is parsed as markup.

const fmtCache = new Map();
function nf(min, max, signed) {
  const k = `${min}:${max}:${signed ? 1 : 0}`;
  let f = fmtCache.get(k);
  if (!f) {
    const o = { minimumFractionDigits: min, maximumFractionDigits: max };
    if (signed) o.signDisplay = 'exceptZero';
    f = new Intl.NumberFormat(undefined, o);
    fmtCache.set(k, f);
  }
  return f;
}

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
export const fmtNum = (v, dec, signed) => (isNum(v) ? nf(dec, dec, signed).format(v) : '—');
export const fmtMoney = (v, signed) => fmtNum(v, 2, signed);
export const fmtQty = (v, maxDec) => (isNum(v) ? nf(0, maxDec == null ? 8 : maxDec, false).format(v) : '—');
export const fmtInt = (v) => (isNum(v) ? nf(0, 0, false).format(v) : '—');

export function toDate(time, ts) {
  let d = null;
  if (isNum(ts)) d = new Date(ts);
  else if (time) d = new Date(time);
  return d && !Number.isNaN(d.getTime()) ? d : null;
}
export function fmtTime(time, ts) {
  const d = toDate(time, ts);
  return d ? d.toLocaleTimeString(undefined, { hour12: false }) : '—';
}
export function fmtDateTime(time, ts) {
  const d = toDate(time, ts);
  if (!d) return '—';
  const t = d.toLocaleTimeString(undefined, { hour12: false });
  if (d.toDateString() === new Date().toDateString()) return t;
  return `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${t}`;
}
// The UTC time, for a title= tooltip next to a local time.
export function utcTitle(time, ts) {
  const d = toDate(time, ts);
  return d ? `${d.toISOString().replace('T', ' ').replace('Z', '')} UTC` : '';
}
export const signClass = (v) => (!isNum(v) || v === 0 ? 'flat' : v > 0 ? 'up' : 'down');

export const $ = (id) => document.getElementById(id);
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}
export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}
export function setSigned(node, v) {
  if (!node) return;
  setText(node, fmtMoney(v, true));
  node.classList.remove('up', 'down', 'flat');
  node.classList.add(signClass(v));
}

// A transient message at the top of the page (errors stay longer than information).
let msgTimer = null;
export function showMessage(text, kind = 'error') {
  const m = $('message');
  m.textContent = text;
  m.className = `message ${kind}`;
  m.hidden = false;
  clearTimeout(msgTimer);
  msgTimer = setTimeout(() => { m.hidden = true; }, kind === 'info' ? 3000 : 8000);
}
