// First render of the dashboard on loopback: navigation start -> the chart painted with candles
// (#chart data-candles > 0), cold (a fresh browser context: nothing cached) and warm (a reload:
// the hashed assets come from the cache without a request), and the bytes the page fetched.
// Playwright (web/node_modules) on Debian's Chromium, against a running meridiand:
//   ./scripts/run &   # or any meridiand serving the bundled dashboard
//   node bench/dashboard_render.mjs http://127.0.0.1:8080 [runs=5]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(path.join(root, 'web/package.json'))('playwright-core');
const base = process.argv[2] || 'http://127.0.0.1:8080';
const runs = Number(process.argv[3] || 5);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const painted = (page) => page.waitForFunction(() => Number(document.getElementById('chart').dataset.candles) > 0)
  .then(() => page.evaluate(() => performance.now()));
const bytes = (page) => page.evaluate(() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
  .filter((e) => !e.name.includes('/api/'))
  .reduce((a, e) => ({ transfer: a.transfer + e.transferSize, body: a.body + e.encodedBodySize }), { transfer: 0, body: 0 }));
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cold = [];
const warm = [];
let fetched = null;
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  cold.push(await painted(page));
  fetched = await bytes(page);
  await page.reload();
  warm.push(await painted(page));
  await context.close();
}
await browser.close();
console.log(`first render (navigation start -> candles painted), ${runs} runs:`);
console.log(`  cold: median ${median(cold).toFixed(0)} ms (${cold.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  warm: median ${median(warm).toFixed(0)} ms (${warm.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  page, script and style fetched cold: ${(fetched.transfer / 1024).toFixed(1)} KB on the wire, ${(fetched.body / 1024).toFixed(1)} KB bodies`);
