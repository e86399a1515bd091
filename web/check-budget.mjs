// Fails (exit 1) when the dashboard's JavaScript and CSS, gzipped as a browser fetches them,
// exceed the budget of issue 16: 250 KB for the whole app. Source maps and legal notices are
// not fetched by a page and do not count.
// Usage: node check-budget.mjs <outdir> [budget bytes]
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const outdir = process.argv[2];
const budget = Number(process.argv[3] || 250 * 1024);
if (!outdir) { console.error('usage: node check-budget.mjs <outdir> [budget bytes]'); process.exit(2); }

const files = ['index.html', ...(await readdir(path.join(outdir, 'assets'))).filter((f) => /\.(js|css)$/.test(f)).map((f) => `assets/${f}`)];
let total = 0;
for (const f of files) {
  const gz = gzipSync(await readFile(path.join(outdir, f)), { level: 9 }).length;
  total += gz;
  console.log(`${f}: ${(gz / 1024).toFixed(1)} KB gzipped`);
}
console.log(`total: ${(total / 1024).toFixed(1)} KB gzipped (budget ${(budget / 1024).toFixed(0)} KB)`);
if (!files.some((f) => f.endsWith('.js'))) { console.error('no bundle found: build the dashboard first'); process.exit(1); }
if (total > budget) { console.error('over budget'); process.exit(1); }
