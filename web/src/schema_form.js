// Form fields generated from a strategy class's parameter schema
// (/api/strategies/meta/strategy-classes: JSON Schema `properties` with type, minimum, maximum,
// default, description), shared by the backtest and strategy forms so both validate alike in
// the browser and send the same typed values the API checks again.
import { el, isNum } from './format.js';

// Fills `box` with one labelled input per property, named after it; `values` (an instance's
// params) win over the class's defaults.
export function renderSchemaFields(box, cls, idPrefix, values = {}) {
  box.replaceChildren();
  if (!cls) return;
  const props = (cls.schema && cls.schema.properties) || {};
  for (const [name, p] of Object.entries(props)) {
    const input = el('input');
    input.name = name;
    input.id = `${idPrefix}${name}`;
    const numeric = p.type === 'integer' || p.type === 'number';
    input.type = numeric ? 'number' : 'text';
    if (numeric) input.inputMode = 'decimal';
    if (p.type === 'integer') input.step = '1';
    else if (p.type === 'number') input.step = 'any';
    if (isNum(p.minimum)) input.min = String(p.minimum);
    if (isNum(p.maximum)) input.max = String(p.maximum);
    const def = name in values ? values[name] : cls.defaults && name in cls.defaults ? cls.defaults[name] : p.default;
    if (def != null) input.value = String(def);
    input.dataset.type = p.type || 'string';
    const label = el('label', null, `${name.replace(/_/g, ' ')} `);
    if (p.description) label.title = String(p.description);
    label.append(input);
    box.append(label);
  }
}

// The fields' values, typed as the schema says; empty fields are left out (the class's default).
export function readSchemaFields(box) {
  const out = {};
  for (const input of box.querySelectorAll('input')) {
    if (input.value === '') continue;
    const numeric = input.dataset.type === 'integer' || input.dataset.type === 'number';
    out[input.name] = numeric ? Number(input.value) : input.value;
  }
  return out;
}

// Shows an API error in `box` and marks the input its details.field names ("params.x",
// "strategy.x" or "x") inside `form`.
export function showFieldError(form, box, err) {
  const field = err && err.details && err.details.field;
  box.textContent = err ? `${err.message}${field ? ` (${field})` : ''}` : '';
  box.hidden = !err;
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  if (!field) return;
  const name = String(field).replace(/^(strategy|params)\./, '');
  const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
  if (input) input.setAttribute('aria-invalid', 'true');
}

// The strategy classes, fetched once per page (they change only with a new daemon build).
let classes = null;
export function strategyClasses(api) {
  if (!classes) classes = api('/api/strategies/meta/strategy-classes').then((r) => (r && r.items) || []).catch((e) => { classes = null; throw e; });
  return classes;
}
