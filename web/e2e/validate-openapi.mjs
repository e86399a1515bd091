// Validates the daemon's OpenAPI document (GET <MERIDIAN_URL>/api/openapi.json) against the
// OpenAPI 3.1 schema with @seriousme/openapi-schema-validator, and checks that every $ref
// resolves. Run by the e2e.ApiDocs suite (tests/e2e/openapi_test.cpp) against its daemon.
// Exits 0 and prints `valid` when the document is; prints the validator's errors and exits 1 otherwise.
import { Validator } from '@seriousme/openapi-schema-validator';

// MERIDIAN_OPENAPI_FILE instead: a document on disk (unit_api writes one with MERIDIAN_OPENAPI_OUT).
import { readFile } from 'node:fs/promises';

const base = process.env.MERIDIAN_URL;
const file = process.env.MERIDIAN_OPENAPI_FILE;
if (!base && !file) {
  console.error('MERIDIAN_URL (or MERIDIAN_OPENAPI_FILE) is required');
  process.exit(2);
}
let doc;
if (file) {
  doc = JSON.parse(await readFile(file, 'utf8'));
} else {
  const res = await fetch(`${base}/api/openapi.json`);
  if (res.status !== 200) {
    console.error(`GET /api/openapi.json: ${res.status} ${await res.text()}`);
    process.exit(1);
  }
  doc = await res.json();
}
const validator = new Validator();
const result = await validator.validate(doc);
if (!result.valid) {
  console.error(`invalid OpenAPI document:\n${JSON.stringify(result.errors, null, 2).slice(0, 8000)}`);
  process.exit(1);
}
// resolveRefs throws on a $ref naming nothing.
try {
  validator.resolveRefs();
} catch (e) {
  console.error(`unresolvable $ref: ${e.message}`);
  process.exit(1);
}
const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
console.log(`valid OpenAPI ${validator.version}: ${Object.keys(doc.paths).length} paths, ${operations} operations`);
