// Bundles the dashboard (src/main.js and what it imports, lightweight-charts included) into
// content-hashed assets and writes index.html naming them:
//   <outdir>/index.html              served with Cache-Control: no-cache (names the build)
//   <outdir>/assets/app-<hash>.js    served immutable for a year: a new build is a new name
//   <outdir>/assets/app-<hash>.css
// Usage: node build.mjs [--outdir DIR] (default: dist). Old assets are removed, so the
// directory holds exactly one build.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// esbuild is web/node_modules' (npm ci): say so rather than print a module-resolution trace.
const { build } = await import('esbuild').catch(() => {
  console.error('web/build.mjs: esbuild is not installed: run `npm ci` in web/ (scripts/lib/common.sh does)');
  process.exit(1);
});
const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf('--outdir');
const outdir = path.resolve(at >= 0 ? args[at + 1] : path.join(here, 'dist'));
const assets = path.join(outdir, 'assets');

await rm(assets, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
const result = await build({
  entryPoints: { app: path.join(here, 'src/main.js') },
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['es2020'],
  outdir: assets,
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
const js = outputs.find((f) => /^app-[A-Z0-9]+\.js$/.test(f));
const css = outputs.find((f) => /^app-[A-Z0-9]+\.css$/.test(f));
if (!js || !css) throw new Error(`esbuild wrote no app-<hash>.js/.css: ${outputs.join(', ')}`);

const template = await readFile(path.join(here, 'src/index.html'), 'utf8');
const html = template
  .replace('<!-- styles: build.mjs puts the hashed stylesheet here -->', `<link rel="stylesheet" href="/assets/${css}">`)
  .replace('<!-- scripts: build.mjs puts the hashed script here -->', `<script type="module" src="/assets/${js}"></script>`);
if (html === template) throw new Error('src/index.html lacks the asset placeholders');
await writeFile(path.join(outdir, 'index.html'), html);
// Seed 004's pages, so old bookmarks work: the same app, which shows the view their path names.
for (const page of ['strategy/strategy-manager.html', 'strategy/strategy-holding.html', 'admin/orders-trades.html']) {
  await mkdir(path.join(outdir, path.dirname(page)), { recursive: true });
  await writeFile(path.join(outdir, page), html);
}
// A gzip twin of every text file (meridiand serves it to clients that take gzip), compressed
// once here at the highest level rather than per request.
const pages = ['index.html', 'strategy/strategy-manager.html', 'strategy/strategy-holding.html', 'admin/orders-trades.html'];
const assetFiles = (await readdir(assets)).filter((f) => /\.(js|css|map|txt)$/.test(f)).map((f) => path.join('assets', f));
for (const rel of [...pages, ...assetFiles]) {
  const file = path.join(outdir, rel);
  await writeFile(`${file}.gz`, gzipSync(await readFile(file), { level: 9 }));
}
console.log(`dashboard: ${path.relative(process.cwd(), outdir) || '.'}/index.html, assets/${js}, assets/${css}`);
