// The dashboard under a WebSocket message rate (issue 16's "1,000 messages/s, no dropped
// frames"): the page's own /ws carries what the daemon publishes; this counts the messages the
// page received, the frames it painted (requestAnimationFrame), the long tasks (> 50 ms, the
// Long Tasks API) and the main thread's busy time, over a window. Playwright (web/node_modules)
// on Debian's Chromium, against a running meridiand publishing fast, e.g.:
//   build/release/src/meridiand serve --port 8090 --tick-interval-ms 10 --publish-interval-ms 10 &
//   node bench/dashboard_ws.mjs http://127.0.0.1:8090 [seconds=10]
// (10 symbols x 100 ticks/s: ~1,000 priceUpdate messages/s plus candles.)
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(path.join(root, 'web/package.json'))('playwright-core');
const base = process.argv[2] || 'http://127.0.0.1:8090';
const seconds = Number(process.argv[3] || 10);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
// Counts every message of every WebSocket the page opens, before the app's handler runs.
await page.addInitScript(() => {
  window.__ws = { messages: 0, bytes: 0 };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => { window.__ws.messages++; window.__ws.bytes += e.data.length || 0; });
    }
  };
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
});
await page.goto(`${base}/`);
await page.waitForFunction(() => Number(document.getElementById('chart').dataset.candles) > 0);
await page.waitForTimeout(2000); // past the first loads

const result = await page.evaluate(async (ms) => {
  const start = { ...window.__ws, long: window.__longTasks.length, t: performance.now() };
  let frames = 0;
  let worst = 0;
  let last = performance.now();
  await new Promise((done) => {
    const tick = (now) => {
      frames++;
      worst = Math.max(worst, now - last);
      last = now;
      if (now - start.t < ms) requestAnimationFrame(tick); else done();
    };
    requestAnimationFrame(tick);
  });
  const elapsed = (performance.now() - start.t) / 1000;
  const long = window.__longTasks.slice(start.long);
  return {
    elapsed,
    messages: window.__ws.messages - start.messages,
    bytes: window.__ws.bytes - start.bytes,
    frames,
    worstFrameMs: worst,
    longTasks: long.length,
    longTaskMs: long.reduce((a, b) => a + b, 0),
  };
}, seconds * 1000);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const metrics = await cdp.send('Performance.getMetrics').catch(() => null);
await browser.close();

const r = result;
console.log(`dashboard under /ws load, ${r.elapsed.toFixed(1)} s:`);
console.log(`  messages received: ${(r.messages / r.elapsed).toFixed(0)}/s (${(r.bytes / r.elapsed / 1024).toFixed(0)} KiB/s)`);
console.log(`  frames: ${(r.frames / r.elapsed).toFixed(1)}/s, worst gap ${r.worstFrameMs.toFixed(0)} ms`);
console.log(`  long tasks (> 50 ms): ${r.longTasks}, ${r.longTaskMs.toFixed(0)} ms in all`);
if (metrics) {
  const m = Object.fromEntries(metrics.metrics.map((x) => [x.name, x.value]));
  console.log(`  JS heap used: ${(m.JSHeapUsedSize / 1048576).toFixed(1)} MiB`);
}
