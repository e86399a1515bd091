// Bundles the dashboard (src/main.js and what it imports, lightweight-charts included) into
// content-hashed assets and writes index.html naming them:
//   <outdir>/index.html              served with Cache-Control: no-cache (names the build)
//   <outdir>/assets/app-<hash>.js    served immutable for a year: a new build is a new name
//   <outdir>/assets/app-<hash>.css
//   <outdir>/docs/index.html         /docs: Swagger UI (npm swagger-ui-dist) over /api/openapi.json,
//   <outdir>/assets/docs/*-<hash>.*  its files, hashed here (outside the dashboard's bundle budget)
// Usage: node build.mjs [--outdir DIR] (default: dist). Old assets are removed, so the
// directory holds exactly one build.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
console.log(`dashboard: ${path.relative(process.cwd(), outdir) || '.'}/index.html, assets/${js}, assets/${css}`);

// /docs: swagger-ui-dist's prebuilt bundle and stylesheet and our initializer, each copied under a
// name carrying its content's hash (served immutable, as the dashboard's assets are).
const require = createRequire(import.meta.url);
const swaggerDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const docsAssets = path.join(assets, 'docs');
await mkdir(docsAssets, { recursive: true });
const hashed = async (file) => {
  const content = await readFile(file);
  const ext = path.extname(file);
  const name = `${path.basename(file, ext)}-${createHash('sha256').update(content).digest('hex').slice(0, 12)}${ext}`;
  await writeFile(path.join(docsAssets, name), content);
  return `/assets/docs/${name}`;
};
const docsCss = await hashed(path.join(swaggerDir, 'swagger-ui.css'));
const docsBundle = await hashed(path.join(swaggerDir, 'swagger-ui-bundle.js'));
const docsInit = await hashed(path.join(here, 'src/docs/docs.js'));
const docsTemplate = await readFile(path.join(here, 'src/docs/index.html'), 'utf8');
const docsHtml = docsTemplate
  .replace('<!-- styles: build.mjs puts the hashed stylesheet here -->', `<link rel="stylesheet" href="${docsCss}">`)
  .replace('<!-- scripts: build.mjs puts the hashed scripts here -->',
    `<script src="${docsBundle}"></script>\n  <script src="${docsInit}"></script>`);
if (docsHtml === docsTemplate) throw new Error('src/docs/index.html lacks the asset placeholders');
await mkdir(path.join(outdir, 'docs'), { recursive: true });
await writeFile(path.join(outdir, 'docs', 'index.html'), docsHtml);
console.log(`docs: docs/index.html, ${docsBundle}, ${docsCss}, ${docsInit}`);

// A gzip twin of every text file of the build (meridiand serves it to clients that take gzip),
// compressed once here at the highest level rather than per request.
for (const entry of await readdir(outdir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.(html|js|css|map|txt)$/.test(entry.name)) continue;
  const file = path.join(entry.path ?? entry.parentPath, entry.name);
  await writeFile(`${file}.gz`, gzipSync(await readFile(file), { level: 9 }));
}
