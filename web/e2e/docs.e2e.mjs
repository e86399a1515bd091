// /docs in a real browser: Playwright (playwright-core) driving Debian's Chromium headless
// against a running meridiand (under its Content-Security-Policy). Started by the e2e.ApiDocs
// suite (tests/e2e/openapi_test.cpp).
//   MERIDIAN_URL        the daemon's base URL
//   MERIDIAN_ARTIFACTS  where the screenshot goes
//   CHROMIUM            the browser (default /usr/bin/chromium)
// Prints one line per step and `N passed, N failed`; exits 1 on a failure.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const base = process.env.MERIDIAN_URL;
const artifacts = process.env.MERIDIAN_ARTIFACTS || 'docs-artifacts';
if (!base) {
  console.error('MERIDIAN_URL is required');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.setDefaultTimeout(15000);
const problems = []; // console errors (CSP violations among them) and uncaught exceptions
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
const requested = [];
page.on('request', (r) => requested.push(r.url()));

let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message.split('\n').slice(0, 8).join('\n     ')}`);
  }
}

await step('/docs renders every operation of the document', async () => {
  const doc = await (await fetch(`${base}/api/openapi.json`)).json();
  const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  await page.goto(`${base}/docs`, { waitUntil: 'load' });
  await page.waitForSelector('.swagger-ui .info .title');
  const title = await page.textContent('.swagger-ui .info .title');
  if (!title.includes('Meridian')) throw new Error(`title: ${title}`);
  await page.waitForFunction((n) => document.querySelectorAll('.swagger-ui .opblock').length >= n, operations);
  console.log(`     ${operations} operations shown`);
});

await step('an operation expands with its schema', async () => {
  await page.click('.swagger-ui .opblock-summary-path[data-path="/api/trade"]');
  await page.waitForSelector('.swagger-ui .opblock.is-open .model-example, .swagger-ui .opblock.is-open .responses-wrapper');
});

await step('no console errors, nothing fetched from another origin', async () => {
  await page.screenshot({ path: path.join(artifacts, 'docs.png') });
  const foreign = requested.filter((u) => !u.startsWith(base) && !u.startsWith('data:'));
  if (foreign.length) throw new Error(`requests elsewhere: ${foreign.join(', ')}`);
  if (problems.length) throw new Error(problems.join('\n'));
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
