// The dashboard in a real browser: Playwright (playwright-core, no browser download) driving
// Debian's Chromium headless against a running meridiand, as a trader uses it. Started by the
// e2e.Browser suite (tests/e2e/browser_test.cpp), which owns the daemon and its database.
//   MERIDIAN_URL        the daemon's base URL
//   MERIDIAN_PID        its process id: the last step stops it (SIGTERM) for the banner
//   MERIDIAN_ARTIFACTS  where the screenshots go (a directory under the build tree)
//   CHROMIUM            the browser (default /usr/bin/chromium)
// Prints one line per step and `N passed, N failed`; exits 1 on the first failed step (later
// steps build on earlier ones).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const base = process.env.MERIDIAN_URL;
const pid = Number(process.env.MERIDIAN_PID);
const artifacts = process.env.MERIDIAN_ARTIFACTS || 'browser-artifacts';
if (!base || !pid) {
  console.error('MERIDIAN_URL and MERIDIAN_PID are required');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const STEP_MS = 10000;
let passed = 0;
let failed = 0;
const problems = []; // console errors and uncaught exceptions of the page

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.setDefaultTimeout(STEP_MS);
let expectErrors = false; // after the daemon stops, failed reconnects are expected
page.on('console', (m) => { if (m.type() === 'error' && !expectErrors) problems.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));

const shot = (name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
const chart = () => page.evaluate(() => ({ ...document.getElementById('chart').dataset }));

async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message.split('\n').slice(0, 6).join('\n     ')}`);
    await shot(`failed-${name.replace(/\W+/g, '-')}`).catch(() => {});
    throw e;
  }
}

// `pred` runs in the page with `arg` (a function: the daemon's CSP forbids evaluating strings).
async function waitChart(pred, what, arg = null) {
  await page.waitForFunction(pred, arg, { timeout: STEP_MS }).catch(async (e) => {
    throw new Error(`${what}; chart: ${JSON.stringify(await chart())} (${e.message.split("\n")[0]})`);
  });
}

// Polls `fn` in the page (it may be async: page.waitForFunction would not await its promise)
// from here until it returns something truthy, which is returned; bounded by `timeout`.
async function pollPage(fn, arg, what, timeout = STEP_MS) {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > until) throw new Error(`${what} (after ${timeout} ms)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const lastPriceOf = (s) => page.evaluate((sym) => fetch('/api/symbols').then((r) => r.json())
  .then((j) => j.items.find((i) => i.symbol === sym).last_price), s);

async function placeFromTicket({ side = 'buy', type, quantity, limit }) {
  await page.selectOption('#t-side', side);
  await page.selectOption('#t-type', type);
  await page.fill('#t-quantity', String(quantity));
  if (type === 'limit' || type === 'stop_limit') await page.fill('#t-limit_price', limit == null ? '' : String(limit));
  await page.click('#t-submit');
}

let symbol;
try {
  await step('page loads with candles and no console errors', async () => {
    const t0 = Date.now();
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await waitChart(() => {
      const d = document.getElementById('chart').dataset;
      return d.loading === 'false' && Number(d.candles) > 0;
    }, 'no candles on the chart');
    console.log(`     first render with candles: ${Date.now() - t0} ms`);
    await page.waitForSelector('#ws-state:text("connected")');
    await page.waitForSelector('#prices tbody tr[data-symbol] td.price:not(:text("—"))');
    symbol = (await chart()).symbol;
    await shot('01-loaded');
    if (problems.length) throw new Error(problems.join('\n'));
  });

  await step('1m chart gets a new candle from /ws', async () => {
    const reloaded = page.waitForResponse((r) => r.url().includes(`/api/market/history/`) && r.url().includes('timeframe=1m'));
    await page.click('#timeframes button[data-tf="1m"]');
    await reloaded;
    await waitChart(() => document.getElementById('chart').dataset.timeframe === '1m' &&
      document.getElementById('chart').dataset.loading === 'false', 'the 1m history did not load');
    const before = await chart();
    await waitChart((t) => Number(document.getElementById('chart').dataset.lastTime) > t,
      `no candle after ${before.lastTime}`, Number(before.lastTime));
    await shot('02-new-candle-1m');
  });

  await step('switching the timeframe reloads the history', async () => {
    for (const tf of ['5m', '1h']) {
      const reloaded = page.waitForResponse((r) => r.url().includes(`timeframe=${tf}`) && r.status() === 200);
      await page.click(`#timeframes button[data-tf="${tf}"]`);
      await reloaded;
      await waitChart((want) => document.getElementById('chart').dataset.timeframe === want &&
        document.getElementById('chart').dataset.loading === 'false', `the ${tf} history did not load`, tf);
      if (await page.getAttribute(`#timeframes button[data-tf="${tf}"]`, 'aria-pressed') !== 'true') throw new Error(`${tf} is not shown as pressed`);
    }
    await shot('03-timeframe-1h');
  });

  await step('a price row is reached with Tab and selected with Enter, its focus visible', async () => {
    // A row whose next row is not the shown symbol: Tab moves there (rows are tab stops).
    const rows = await page.evaluate(() => [...document.querySelectorAll('#prices tbody tr')].map((tr) => tr.dataset.symbol));
    const from = rows[1] === symbol ? rows[1] : rows[0];
    await page.locator(`#prices tbody tr[data-symbol="${from}"]`).focus();
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => document.activeElement.dataset.symbol);
    if (!next || next === symbol) throw new Error(`Tab from the ${symbol} row focused ${next || document.activeElement}`);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    if (outline === 'none') throw new Error('the focused row shows no outline');
    await page.keyboard.press('Enter');
    await waitChart((s) => document.getElementById('chart').dataset.symbol === s, `Enter did not select ${next}`, next);
    if (await page.inputValue('#t-symbol') !== next) throw new Error('the ticket did not follow the keyboard selection');
    await shot('03-keyboard-select');
    await page.locator(`#prices tbody tr[data-symbol="${symbol}"]`).focus();
    await page.keyboard.press(' '); // Space too: back to the first symbol for the steps below
    await waitChart((s) => document.getElementById('chart').dataset.symbol === s, `Space did not select ${symbol}`, symbol);
  });

  await step('every shown text meets WCAG AA contrast (4.5:1) and every Tab stop shows its focus', async () => {
    // Text colour against the background it is painted on (translucent layers composited up to
    // the first opaque one, the page's #0d1117 under all), as WCAG 2.x computes the ratio.
    // Disabled controls are exempt (WCAG 1.4.3), as are the canvases (the chart's axes).
    const low = await page.evaluate(() => {
      const rgba = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(',').map(Number); return [p[0], p[1], p[2], p[3] ?? 1]; };
      const lum = (c) => c.slice(0, 3).map((v) => { const x = v / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; })
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      const under = (e) => {
        const layers = [];
        for (let n = e; n; n = n.parentElement) {
          const c = rgba(getComputedStyle(n).backgroundColor);
          if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
        }
        return layers.reverse().reduce((acc, l) => acc.map((v, i) => l[i] * l[3] + v * (1 - l[3])), [13, 17, 23]);
      };
      const out = [];
      for (const e of document.querySelectorAll('body *')) {
        if (!e.getClientRects().length || e.closest('[hidden], :disabled')) continue;
        if (![...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
        const st = getComputedStyle(e);
        if (st.visibility === 'hidden' || Number(st.opacity) < 1) continue;
        const bg = under(e);
        const fg = rgba(st.color);
        const text = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
        const [hi, lo] = [lum(text), lum(bg)].sort((x, y) => y - x);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 4.5) out.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''} "${e.textContent.trim().slice(0, 24)}" ${ratio.toFixed(2)}:1`);
      }
      return out.slice(0, 8);
    });
    if (low.length) throw new Error(`below 4.5:1: ${low.join('; ')}`);
    // Tab through the page once round (back at the first stop): each stop draws an outline.
    const stops = [];
    for (let i = 0; i < 150; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        return { key: `${e.tagName.toLowerCase()}#${e.id}${e.dataset.symbol ? `[${e.dataset.symbol}]` : ''}`, outline: getComputedStyle(e).outlineStyle };
      });
      if (!at) continue;
      if (stops.length && at.key === stops[0].key) break;
      stops.push(at);
    }
    const bare = stops.filter((x) => x.outline === 'none').map((x) => x.key);
    if (stops.length < 40 || bare.length) throw new Error(`${stops.length} Tab stops; without a focus outline: ${bare.join(', ')}`);
    console.log(`     ${stops.length} Tab stops, each with a focus outline`);
  });

  await step('a limit order shows in open orders and cancelling removes it', async () => {
    const { price, dec } = await page.evaluate(async (s) => {
      const r = await (await fetch('/api/symbols')).json();
      const it = r.items.find((x) => x.symbol === s);
      return { price: it.last_price, dec: it.price_decimals };
    }, symbol);
    const limit = (price * 0.97).toFixed(dec);
    await placeFromTicket({ type: 'limit', quantity: 0.01, limit });
    const row = page.locator('#orders tbody tr', { hasText: symbol }).first();
    await row.waitFor();
    const id = await row.getAttribute('data-id');
    await shot('04-open-order');
    await row.getByRole('button', { name: `Cancel order ${id}` }).click();
    await page.locator(`#orders tbody tr[data-id="${id}"]`).waitFor({ state: 'detached' });
  });

  await step('the ticket previews an order; a limit order is replaced; history lists finished orders', async () => {
    await page.selectOption('#t-type', 'market');
    await page.fill('#t-quantity', '0.01');
    await page.waitForSelector('#ticket-preview:text("passes the limits shown")');
    await page.fill('#t-quantity', '1000000');
    await page.waitForSelector('#ticket-preview.refused:text("would be refused")');
    // A buy limit below the market rests; Replace changes its price, keeping its id.
    const last = await page.evaluate((s) => fetch('/api/symbols').then((r) => r.json()).then((j) => j.items.find((i) => i.symbol === s).last_price), symbol);
    const low = Number((last * 0.95).toFixed(2)); // inside the default 10 % price band, well below the market
    await placeFromTicket({ type: 'limit', quantity: 0.01, limit: low });
    const row = page.locator('#orders tbody tr[data-id]').first();
    await row.waitFor();
    const id = await row.getAttribute('data-id');
    await row.getByRole('button', { name: `Replace order ${id}` }).click();
    const lower = Number((last * 0.93).toFixed(2));
    await page.fill('.order-replace input[name="limit_price"]', String(lower));
    await page.click('.order-replace button[type="submit"]');
    await page.waitForSelector('.order-replace', { state: 'detached' });
    const order = await page.evaluate((i) => fetch(`/api/orders/${i}`).then((r) => r.json()), id);
    if (Math.abs(order.limit_price - lower) > 1e-6) throw new Error(`limit after replace: ${order.limit_price}, wanted ${lower}`);
    await row.getByRole('button', { name: `Cancel order ${id}` }).click();
    await page.waitForSelector(`#orders tbody tr[data-id="${id}"]`, { state: 'detached' });
    await page.check('#orders-history-toggle');
    await page.waitForSelector(`#orders-history tbody tr[data-id="${id}"]:has-text("cancelled")`);
    await page.uncheck('#orders-history-toggle');
    await shot('05-replace-history');
  });

  await step("a bad order shows the API's error message", async () => {
    await placeFromTicket({ type: 'limit', quantity: 0.01, limit: null });
    await page.waitForSelector('#ticket-error:not([hidden])');
    const shown = await page.textContent('#ticket-error');
    const api = await page.evaluate(async (s) => {
      const r = await fetch('/api/trade', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ symbol: s, side: 'buy', type: 'limit', quantity: 0.01, time_in_force: 'gtc' }) });
      return { status: r.status, body: await r.json() };
    }, symbol);
    if (api.status < 400 || !api.body.error) throw new Error(`the API took the bad order: ${JSON.stringify(api)}`);
    if (!shown.includes(api.body.error.message)) throw new Error(`ticket shows "${shown}", the API said "${api.body.error.message}"`);
    await shot('05-bad-order');
  });

  await step("a bracket's trailing stop-loss leg goes with the order; a bad one shows the API's error", async () => {
    const low = Number(((await lastPriceOf(symbol)) * 0.95).toFixed(2)); // rests: no fill, no legs placed
    await page.fill('#t-bracket_trail_percent', '100');
    await placeFromTicket({ type: 'limit', quantity: 0.01, limit: low });
    await page.waitForSelector('#ticket-error:not([hidden]):text("bracket_trail_percent")');
    const shown = await page.textContent('#ticket-error');
    const api = await page.evaluate(async ([s, l]) => {
      const r = await fetch('/api/trade', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ symbol: s, side: 'buy', type: 'limit', limit_price: l, quantity: 0.01, time_in_force: 'gtc', bracket_trail_percent: 100 }) });
      return { status: r.status, body: await r.json() };
    }, [symbol, low]);
    if (api.status !== 422 || !shown.includes(api.body.error.message)) throw new Error(`ticket shows "${shown}", the API said ${JSON.stringify(api)}`);
    await page.fill('#t-bracket_trail_percent', '2.5');
    await placeFromTicket({ type: 'limit', quantity: 0.01, limit: low });
    const row = page.locator('#orders tbody tr[data-id]', { hasText: 'SL trails 2.50%' }).first();
    await row.waitFor();
    if (!(await page.locator('#ticket-error').isHidden())) throw new Error('the error stayed after a good order');
    const id = await row.getAttribute('data-id');
    const order = await page.evaluate((i) => fetch(`/api/orders/${i}`).then((r) => r.json()), id);
    if (order.bracket_trail_percent !== 2.5) throw new Error(`the order's bracket_trail_percent: ${order.bracket_trail_percent}`);
    await shot('05-bracket-trailing');
    await row.getByRole('button', { name: `Cancel order ${id}` }).click();
    await page.waitForSelector(`#orders tbody tr[data-id="${id}"]`, { state: 'detached' });
    await page.fill('#t-bracket_trail_percent', ''); // the orders below carry no bracket
  });

  await step('a market fill shows as a trade marker and a position', async () => {
    await placeFromTicket({ type: 'market', quantity: 0.01 });
    await page.locator('#positions tbody tr', { hasText: symbol }).waitFor();
    await waitChart(() => Number(document.getElementById('chart').dataset.markers) > 0, 'no trade marker on the chart');
    await shot('06-fill-marker');
  });

  await step('a strategy added from the schema form is initialised, started, stopped and edited', async () => {
    await page.locator('#st-class option[value="rsi_mean_reversion"]').waitFor({ state: 'attached' });
    await page.click('.st-add summary');
    await page.fill('#st-name', 'e2e-rsi');
    await page.selectOption('#st-class', 'rsi_mean_reversion');
    await page.fill('#st-p-rsi_period', '1'); // below the schema's minimum: the API names the field
    await page.click('#st-submit');
    await page.waitForSelector('#st-error:not([hidden]):text("rsi_period")');
    await page.fill('#st-p-rsi_period', '10');
    await page.click('#st-submit');
    const row = page.locator('#strategies tbody tr[data-name="e2e-rsi"]');
    await row.waitFor();
    for (const [action, next] of [['Init', 'initialized'], ['Start', 'running'], ['Stop', 'stopped']]) {
      await row.getByRole('button', { name: `${action} e2e-rsi` }).click();
      await page.waitForSelector(`#strategies tbody tr[data-name="e2e-rsi"][data-state="${next}"]`);
    }
    await row.getByRole('button', { name: "Edit e2e-rsi's params" }).click();
    await page.fill('.st-edit input[name="oversold"]', '25');
    await page.click('.st-edit button[type="submit"]');
    await page.waitForSelector('.st-edit', { state: 'detached' });
    const params = await page.evaluate(async () => {
      const r = await fetch('/api/strategies');
      return (await r.json()).items.find((i) => i.name === 'e2e-rsi').params;
    });
    if (params.oversold !== 25 || params.rsi_period !== 10) throw new Error(`params after the edit: ${JSON.stringify(params)}`);
    await shot('07-strategies');
  });

  await step('a strategy started elsewhere updates its row live from /ws/strategies, no REST poll', async () => {
    // The page's own REST reads of the strategies while the row changes: none, unless its slow
    // (15 s) fallback poll happened to fall in the window; then once more, which it cannot.
    let polls = [];
    const count = (r) => { if (r.method() === 'GET' && new URL(r.url()).pathname.startsWith('/api/strategies')) polls.push(r.url()); };
    page.on('request', count);
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        polls = [];
        for (const [action, next] of [['start', 'running'], ['stop', 'stopped']]) {
          const status = await page.evaluate((a) => fetch(`/api/strategies/e2e-rsi/${a}`, { method: 'POST' }).then((r) => r.status), action);
          if (status !== 200) throw new Error(`${action}: HTTP ${status}`);
          await page.waitForSelector(`#strategies tbody tr[data-name="e2e-rsi"][data-state="${next}"]`);
        }
        if (!polls.length) break;
      }
    } finally {
      page.off('request', count);
    }
    if (polls.length) throw new Error(`the row waited for REST: ${polls.join(', ')}`);
  });

  await step('the logs panel lists records, keeps live ones, filters and pages older', async () => {
    await page.locator('#logs tbody tr').first().waitFor();
    // A halt and a lift by hand log two engine warnings: they arrive over /ws/logs.
    const toggle = (n) => page.evaluate(async (k) => {
      for (let i = 0; i < k; i++) {
        for (const state of ['halted', 'active']) {
          const r = await fetch('/api/risk/state/default', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ state }) });
          if (!r.ok) throw new Error(`risk ${state}: HTTP ${r.status}`);
        }
      }
    }, n);
    await toggle(1);
    await page.locator('#logs tbody tr', { hasText: 'risk state active -> halted' }).first().waitFor();
    await page.selectOption('#logs-module', 'engine');
    await pollPage(() => {
      const cells = [...document.querySelectorAll('#logs tbody tr td.sym')];
      return cells.length > 0 && cells.every((td) => td.textContent === 'engine');
    }, null, 'the module filter left other modules');
    // More than a page (50) of engine warnings, stored (the database keeps warnings and up).
    await toggle(30);
    await pollPage(() => fetch('/api/logs?module=engine&level=warn&limit=100').then((r) => r.json()).then((j) => j.items.length >= 60),
      null, 'the 60 engine warnings were not stored', 30000);
    // Paged in a fresh page (this one holds them all already, live): the newest 50, then Older.
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await fresh.goto(`${base}/`, { waitUntil: 'load' });
      await fresh.locator('#logs tbody tr').first().waitFor();
      await fresh.selectOption('#logs-module', 'engine');
      await fresh.selectOption('#logs-level', 'warn');
      await fresh.waitForFunction(() => document.querySelectorAll('#logs tbody tr').length === 50
        && [...document.querySelectorAll('#logs tbody tr td.sym')].every((td) => td.textContent === 'engine')
        && !document.getElementById('logs-older').disabled);
      const oldest = await fresh.locator('#logs tbody tr').last().getAttribute('data-id');
      await fresh.click('#logs-older');
      await fresh.waitForFunction((o) => {
        const rows = [...document.querySelectorAll('#logs tbody tr')];
        return rows.length > 50 && Number(rows[rows.length - 1].dataset.id) < Number(o);
      }, oldest);
      // Scrolled clear of the sticky top bar, which would cover an element screenshot's top.
      await fresh.evaluate(() => window.scrollTo(0, document.getElementById('logs-panel').getBoundingClientRect().top + window.scrollY - 90));
      await fresh.screenshot({ path: path.join(artifacts, '07-logs.png') });
    } finally {
      await fresh.close();
    }
    await page.selectOption('#logs-module', '');
    await page.selectOption('#logs-level', '');
    // With auth on, a caller who is no admin gets a note (one request), and a daemon that keeps
    // no records no panel: the API's answers stood in for here.
    for (const [status, code, check] of [[403, 'forbidden', '#logs-note:not([hidden]):text("admins only")'], [404, 'logs_disabled', '#logs-panel[hidden]']]) {
      const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      let calls = 0;
      try {
        await other.route('**/api/logs*', (route) => {
          calls++;
          return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ error: { code, message: code, details: {} } }) });
        });
        await other.goto(`${base}/`, { waitUntil: 'load' });
        await other.waitForSelector(check, { state: 'attached' });
        await other.waitForTimeout(1500);
        if (calls !== 1) throw new Error(`${status}: ${calls} requests to /api/logs`);
      } finally {
        await other.close();
      }
    }
  });

  await step("seed 004's pages show their views of the app", async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = [];
    other.on('pageerror', (e) => errors.push(e.message));
    try {
      for (const [url, shown, hidden] of [
        ['/strategy/strategy-manager.html', '#strategies tbody tr[data-name="e2e-rsi"]', '.panel-chart'],
        ['/strategy/strategy-holding.html', '.panel-positions', '.panel-ticket'],
        ['/admin/orders-trades.html', '#trades tbody tr', '.panel-strategies'],
      ]) {
        const res = await other.goto(`${base}${url}`, { waitUntil: 'load' });
        if (res.status() !== 200) throw new Error(`${url}: HTTP ${res.status()}`);
        await other.locator(shown).first().waitFor();
        if (await other.locator(hidden).isVisible()) throw new Error(`${url} shows ${hidden}`);
        await other.screenshot({ path: path.join(artifacts, `08-seed-${path.basename(url, '.html')}.png`), fullPage: true });
      }
      if (errors.length) throw new Error(errors.join('\n'));
    } finally {
      await other.close();
    }
  });

  await step('at phone width nothing spills sideways', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(`${base}/`, { waitUntil: 'load' });
      await phone.waitForFunction(() => Number(document.getElementById('chart').dataset.candles) > 0);
      const spill = await phone.evaluate(() => {
        const w = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap') && e.getClientRects().length)
          .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''} ends at ${Math.round(e.getBoundingClientRect().right)}px`);
      });
      if (spill.length) throw new Error(`wider than the 390 px screen: ${spill.join(', ')}`);
      await phone.screenshot({ path: path.join(artifacts, '08-phone.png') });
    } finally {
      await phone.close();
    }
  });

  await step('the trade history pages through 100-trade pages, filtered by symbol', async () => {
    // 105 trades recorded by hand, more than a page (buys and sells of a small quantity at the
    // last price).
    await page.evaluate(async (s) => {
      const last = (await (await fetch('/api/symbols')).json()).items.find((i) => i.symbol === s).last_price;
      for (let i = 0; i < 105; i++) {
        const r = await fetch('/api/trades', { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ symbol: s, side: i % 2 ? 'sell' : 'buy', quantity: 0.001, price: last }) });
        if (!r.ok) throw new Error(`recording trade ${i}: HTTP ${r.status} ${await r.text()}`);
      }
    }, symbol);
    const other = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await other.goto(`${base}/admin/orders-trades.html`, { waitUntil: 'load' });
      await other.waitForFunction(() => document.querySelectorAll('#history tbody tr').length === 100);
      const firstPage = await other.locator('#history tbody tr').first().getAttribute('data-id');
      await other.click('#history-older');
      await other.waitForSelector('#history-page:text("page 2")');
      const secondFirst = Number(await other.locator('#history tbody tr').first().getAttribute('data-id'));
      if (!(secondFirst < Number(firstPage))) throw new Error(`page 2 starts at ${secondFirst}, page 1 at ${firstPage}`);
      // Back on page 1, which still holds its first trade (the running strategy may have traded
      // since, so that trade need not be the first row any more).
      await other.click('#history-newer');
      await other.waitForSelector('#history-page:text("page 1")');
      await other.waitForFunction((id) => document.querySelector(`#history tbody tr[data-id="${id}"]`) !== null, firstPage);
      // Filtered to another symbol: none of the hand-recorded trades; then to theirs: a full page
      // of them and nothing else.
      const another = await other.evaluate((s) => [...document.querySelectorAll('#history-symbol option')].map((o) => o.value).find((v) => v && v !== s), symbol);
      const onlySymbol = (s) => {
        const cells = [...document.querySelectorAll('#history tbody tr td.sym')];
        return cells.every((td) => td.textContent === s) && (cells.length > 0 || !document.getElementById('history-empty').hidden);
      };
      await other.selectOption('#history-symbol', another);
      await other.waitForFunction(onlySymbol, another);
      await other.selectOption('#history-symbol', symbol);
      await other.waitForFunction((s) => {
        const cells = [...document.querySelectorAll('#history tbody tr td.sym')];
        return cells.length === 100 && cells.every((td) => td.textContent === s);
      }, symbol);
      await other.screenshot({ path: path.join(artifacts, '09-history.png'), fullPage: true });
    } finally {
      await other.close();
    }
  });

  await step('a backtest runs from the schema form: metrics, curves, trades, Monte Carlo', async () => {
    await page.locator('#bt-class option[value="sma_crossover"]').waitFor({ state: 'attached' });
    await page.selectOption('#bt-class', 'sma_crossover');
    // A bad parameter: the API's message, naming the field, and the field marked.
    await page.fill('#bt-p-fast_period', '60');
    await page.fill('#bt-p-slow_period', '50');
    await page.click('#bt-run');
    await page.waitForSelector('#bt-error:not([hidden]):text("fast_period")');
    await page.waitForSelector('#bt-p-fast_period[aria-invalid="true"]');
    await page.fill('#bt-p-fast_period', '5');
    await page.fill('#bt-p-slow_period', '20');
    await page.click('#bt-run');
    await page.waitForSelector('#bt-result[data-status="done"]', { timeout: 30000 });
    if (!(await page.locator('#bt-error').isHidden())) throw new Error('the error stayed after a valid run');
    const metrics = await page.locator('#bt-metrics tr').count();
    if (metrics < 5) throw new Error(`only ${metrics} metric rows`);
    const points = Number(await page.getAttribute('#bt-equity', 'data-points'));
    if (!(points > 1)) throw new Error(`equity curve of ${points} points`);
    await page.locator('#bt-trades tbody tr').first().waitFor();
    await page.click('#bt-mc');
    await page.waitForSelector('#bt-mc-table:not([hidden]) tbody tr');
    await page.locator('#bt-list li').first().waitFor();
    await shot('09-backtest');
  });

  await step('a sweep runs from the page: /ws progress, a ranked table, a row fills the form; then a walk-forward', async () => {
    await page.check('#bt-sweep-on');
    if ((await page.textContent('#bt-run')).trim() !== 'Run sweep') throw new Error('the button does not say sweep');
    // No axis chosen: refused in the page, naming the sweep.
    await page.click('#bt-run');
    await page.waitForSelector('#bt-error:not([hidden]):text("at least one parameter")');
    // fast_period in {5, 8} x slow_period 20..30 step 10: four combinations, ranked by return.
    await page.selectOption('#sw-mode-fast_period', 'list');
    await page.fill('#sw-list-fast_period', '5, 8');
    await page.selectOption('#sw-mode-slow_period', 'range');
    await page.fill('#sw-from-slow_period', '20');
    await page.fill('#sw-to-slow_period', '30');
    await page.fill('#sw-step-slow_period', '10');
    await page.selectOption('#bt-sweep-rank', 'total_return');
    await page.click('#bt-run');
    await page.waitForSelector('#bt-result[data-status="done"] #bt-sweep-table[data-kind="sweep"] tbody tr', { timeout: 30000 });
    const rows = await page.$$eval('#bt-sweep-table tbody tr', (trs) => trs.map((tr) => ({
      params: JSON.parse(tr.dataset.params), rank: tr.querySelector('.sw-rank').textContent,
      score: tr.querySelector('.sw-score').textContent })));
    if (rows.length !== 4) throw new Error(`${rows.length} ranked rows, not 4`);
    const combos = rows.map((r) => `${r.params.fast_period}/${r.params.slow_period}`).sort();
    if (combos.join(' ') !== '5/20 5/30 8/20 8/30') throw new Error(`combinations ${combos.join(' ')}`);
    if (rows.map((r) => r.rank).join(',') !== '1,2,3,4') throw new Error(`ranks ${rows.map((r) => r.rank)}`);
    const scores = rows.map((r) => Number(r.score.replace(/[^\d.-]/g, '')));
    if (scores.some((v, i) => i > 0 && v > scores[i - 1])) throw new Error(`scores not best first: ${scores}`);
    // The run's progress reached the page over /ws (its messages go to the owner's sockets).
    await pollPage(() => document.getElementById('bt-result').dataset.wsProgress, null, 'no backtest message from /ws');
    await shot('09b-sweep');
    // A click on the third row: back to a single run with its parameters.
    await page.click('#bt-sweep-table tbody tr:nth-child(3) .sw-score');
    if (await page.isChecked('#bt-sweep-on')) throw new Error('still in sweep mode after picking a row');
    const filled = `${await page.inputValue('#bt-p-fast_period')}/${await page.inputValue('#bt-p-slow_period')}`;
    if (filled !== `${rows[2].params.fast_period}/${rows[2].params.slow_period}`) throw new Error(`the form has ${filled}`);
    // A walk-forward over two windows: in-sample and out-of-sample scores per window.
    await page.check('#bt-sweep-on');
    await page.check('#bt-wf-on');
    await page.fill('#bt-wf-windows', '2');
    await page.click('#bt-run');
    await page.waitForSelector('#bt-result[data-status="done"] #bt-sweep-table[data-kind="walk_forward"] tbody tr', { timeout: 30000 });
    const windows = await page.$$eval('#bt-sweep-table tbody tr', (trs) => trs.map((tr) => [
      tr.querySelector('.sw-is').textContent, tr.querySelector('.sw-oos').textContent]));
    if (windows.length !== 2 || windows.some(([is, oos]) => !is || !oos)) throw new Error(`windows ${JSON.stringify(windows)}`);
    await page.uncheck('#bt-wf-on');
    await page.uncheck('#bt-sweep-on');
  });

  await step("the decision model answers for the chart's symbol with every input's weight; a buy or sell executes", async () => {
    const symbol = (await page.textContent('#dm-symbol')).trim();
    if (!symbol) throw new Error('the decision panel names no symbol');
    await page.click('#dm-ask');
    await page.waitForSelector('#dm-result:not([hidden])', { timeout: 30000 });
    const action = (await page.textContent('#dm-action')).trim();
    if (!['buy', 'sell', 'hold'].includes(action)) throw new Error(`action ${action}`);
    const reasons = await page.$$eval('#dm-reasons tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    // The seven strategy classes at least, each with a weight (a number) and a contribution.
    if (reasons.length < 7) throw new Error(`${reasons.length} reasons`);
    const inputs = new Set(reasons.map((r) => r[0]));
    for (const c of ['sma_crossover', 'rsi_mean_reversion', 'macd_crossover', 'bollinger_reversion', 'vwap_volume',
      'supertrend_flip', 'stoch_rsi_cross']) if (!inputs.has(c)) throw new Error(`no reason for ${c}: ${[...inputs]}`);
    const weights = reasons.map((r) => Number(r[3]));
    if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new Error(`weights ${weights}`);
    const summary = await page.textContent('#dm-summary');
    if (!/confidence \d+%/.test(summary) || !/#\d+/.test(summary)) throw new Error(`summary ${summary}`);
    const executable = !(await page.isDisabled('#dm-execute'));
    if (action === 'hold' && executable) throw new Error('a hold can be executed');
    if (executable) {
      await page.click('#dm-execute');
      await pollPage(() => /executed: order \d+/.test(document.getElementById('dm-status').textContent)
        || (!document.getElementById('message').hidden && document.getElementById('message').textContent), null,
      'the execution neither finished nor failed');
      const status = await page.textContent('#dm-status');
      if (!/executed: order \d+/.test(status)) throw new Error(`not executed: ${await page.textContent('#message')}`);
      if (!(await page.isDisabled('#dm-execute'))) throw new Error('an executed decision can be executed again');
    }
    await shot('09c-decision');
  });

  await step('lower pane studies, VWAP and SuperTrend overlays, signal markers', async () => {
    await page.click('#timeframes button[data-tf="1m"]');
    await waitChart(() => document.getElementById('chart').dataset.timeframe === '1m', 'the chart did not switch to 1m');
    await page.waitForFunction(() => document.getElementById('chart-lower').dataset.study === 'rsi'
      && Number(document.getElementById('chart-lower').dataset.points) > 0);
    // The regime badge by the symbol reads the regime route.
    await page.waitForSelector('#regime:not([hidden])');
    await page.selectOption('#lower-study', 'macd');
    await page.waitForFunction(() => document.getElementById('chart-lower').dataset.study === 'macd');
    await page.check('#ov-vwap');
    await page.check('#ov-st');
    // A symbol with a signal in the chart's range: its marker is drawn, acted or not.
    // Polled from here (pollPage): waitForFunction takes an async predicate's promise as truthy
    // at once, so it would answer null whenever no strategy had signalled yet.
    const withSignal = await pollPage(async () => {
      const r = await (await fetch('/api/engine/signals?limit=500')).json();
      const recent = r.items.find((s) => s.ts > Date.now() - 3600e3 * 24 * 30);
      return recent ? recent.symbol : null;
    }, null, 'no strategy signalled within 30 s', 30000);
    await page.click(`#prices tbody tr[data-symbol="${withSignal}"]`);
    await waitChart((s) => document.getElementById('chart').dataset.symbol === s
      && Number(document.getElementById('chart').dataset.signalMarkers) > 0, `no signal marker for ${withSignal}`, withSignal);
    // The feed lists it; filtering by another symbol leaves only that symbol's signals.
    await page.locator(`#signals tbody tr`).first().waitFor();
    await page.selectOption('#sig-symbol', withSignal);
    await page.waitForFunction((s) => {
      const rows = [...document.querySelectorAll('#signals tbody tr td.sym')];
      return rows.length > 0 && rows.every((td) => td.textContent === s);
    }, withSignal);
    await shot('10-studies-signals');
    await page.click(`#prices tbody tr[data-symbol="${symbol}"]`);
  });

  await step('risk: curves and figures, a limit edited (a bad one refused), halt and back', async () => {
    await page.waitForFunction(() => Number(document.getElementById('risk-equity').dataset.points) > 0);
    await page.locator('#risk-figures tr').nth(5).waitFor();
    await page.fill('#rl-max_drawdown', '2');
    await page.click('#risk-save');
    await page.waitForSelector('#risk-error:not([hidden]):text("max_drawdown")');
    await page.fill('#rl-max_drawdown', '0.5');
    await page.fill('#rl-max_open_positions', '7');
    await page.click('#risk-save');
    await page.waitForSelector('#risk-error', { state: 'hidden' });
    const limits = await page.evaluate(async () => (await (await fetch('/api/risk/limits/default')).json()).limits);
    if (limits.max_open_positions !== 7 || limits.max_drawdown !== 0.5) throw new Error(`limits: ${JSON.stringify(limits)}`);
    await page.click('#risk-halt');
    await page.waitForSelector('#risk-state:text("halted")');
    await page.waitForSelector('#banner:not([hidden]):text("Risk halted")');
    await shot('11-risk-halted');
    await page.click('#risk-lift');
    await page.waitForSelector('#risk-state:text("active")');
  });

  await step('a position is closed from its row', async () => {
    const row = page.locator('#positions tbody tr', { hasText: symbol });
    // The decision model's step may have sold what the market fill bought (a sell there closes
    // the position, as the market decides): buy again, so there is one to close either way.
    // Close sells what the row shows, so it is clicked once every market order has filled and the row
    // shows the daemon's quantity.
    await placeFromTicket({ type: 'market', quantity: 0.01 });
    await pollPage(async (s) => {
      const get = async (path) => (await fetch(path)).json();
      const open = await get('/api/orders?status=open&limit=200');
      const held = ((await get('/api/trading/positions')).items || []).find((p) => p.symbol === s);
      const cell = document.querySelector(`#positions tbody tr[data-symbol="${s}"] td:nth-child(2)`);
      const filling = (open.items || []).filter((o) => o.symbol === s && o.type === 'market');
      if (filling.length > 0 || !held || !cell) return false;
      return Math.abs(Number(cell.textContent.replace(/,/g, '')) - Math.abs(held.quantity)) < 1e-9;
    }, symbol, 'the position never settled with the row showing it');
    await row.getByRole('button', { name: `Close ${symbol}` }).click();
    await row.waitFor({ state: 'detached' });
  });

  await step('reset needs the typed confirmation, then empties the portfolio', async () => {
    await page.click('#btn-reset');
    if (!(await page.isDisabled('#reset-submit'))) throw new Error('reset enabled before RESET was typed');
    await page.fill('#reset-confirm', 'reset');
    if (!(await page.isDisabled('#reset-submit'))) throw new Error('reset enabled by a lower-case confirmation');
    await page.fill('#reset-confirm', 'RESET');
    await page.click('#reset-submit');
    await page.waitForSelector('#reset-dialog', { state: 'hidden' });
    await page.waitForFunction(() => document.getElementById('trades-count').textContent.trim() === '0');
    await shot('12-reset');
  });

  await step('the disconnected banner shows when the daemon stops', async () => {
    expectErrors = true;
    process.kill(pid, 'SIGTERM');
    await page.waitForSelector('#banner:not([hidden]):text("Disconnected")');
    await shot('13-disconnected');
  });
} catch {
  // reported by step()
} finally {
  await browser.close();
  console.log(`${passed} passed, ${failed} failed`);
}
process.exit(failed ? 1 : 0);
