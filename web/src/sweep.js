// The backtest panel's sweep mode: the axes chosen per numeric parameter of the class's schema
// (a range from/to/step, or a list), a grid or N random draws with a seed, the rank metric and an
// optional walk-forward, sent as POST /api/backtest/sweep (docs/api-shapes.md); the result as a
// ranked table of the combinations, or per walk-forward window the in-sample and out-of-sample
// scores. A row's button hands its parameters to `onPick` (the single-backtest form).
import { el, fmtInt, fmtNum, fmtQty, isNum } from './format.js';

const pct = (v) => (isNum(v) ? `${fmtNum(v * 100, 2, true)} %` : '—');
const day = (t) => (typeof t === 'string' ? t.slice(0, 16).replace('T', ' ') : '—');

// One row per numeric parameter: off (the form's value), range or list.
export function renderAxes(box, cls) {
  box.replaceChildren();
  const props = (cls && cls.schema && cls.schema.properties) || {};
  for (const [name, p] of Object.entries(props)) {
    if (p.type !== 'integer' && p.type !== 'number') continue;
    const row = el('fieldset', 'sw-axis');
    row.dataset.param = name;
    row.append(el('legend', null, name.replace(/_/g, ' ')));
    const mode = el('select');
    mode.name = `sweep.${name}`;
    mode.id = `sw-mode-${name}`;
    mode.setAttribute('aria-label', `${name} sweep`);
    for (const [v, t] of [['off', 'fixed'], ['range', 'range'], ['list', 'list']]) {
      const o = el('option', null, t);
      o.value = v;
      mode.append(o);
    }
    const num = (key, label) => {
      const input = el('input');
      input.type = 'number';
      input.step = p.type === 'integer' ? '1' : 'any';
      input.id = `sw-${key}-${name}`;
      input.dataset.key = key;
      input.setAttribute('aria-label', `${name} ${label}`);
      input.placeholder = label;
      return input;
    };
    const from = num('from', 'from');
    const to = num('to', 'to');
    const step = num('step', 'step');
    if (isNum(p.minimum)) from.placeholder = `from ${p.minimum}`;
    if (isNum(p.maximum)) to.placeholder = `to ${p.maximum}`;
    const list = el('input');
    list.type = 'text';
    list.id = `sw-list-${name}`;
    list.dataset.key = 'list';
    list.placeholder = '5, 10, 20';
    list.setAttribute('aria-label', `${name} values`);
    const sync = () => {
      for (const i of [from, to, step]) i.hidden = mode.value !== 'range';
      list.hidden = mode.value !== 'list';
    };
    mode.addEventListener('change', sync);
    sync();
    row.append(mode, from, to, step, list);
    box.append(row);
  }
}

const fieldError = (name, message) => Object.assign(new Error(message), { details: { field: `sweep.${name}` } });

// The `sweep` member: {name: [values]} or {name: {from?, to?, step?}}; throws naming the axis.
export function readAxes(box) {
  const sweep = {};
  for (const row of box.querySelectorAll('.sw-axis')) {
    const name = row.dataset.param;
    const mode = row.querySelector('select').value;
    const value = (key) => row.querySelector(`[data-key="${key}"]`).value.trim();
    if (mode === 'list') {
      const values = value('list').split(/[\s,;]+/).filter(Boolean).map(Number);
      if (!values.length || values.some((v) => !Number.isFinite(v))) throw fieldError(name, `${name}: give numbers separated by commas`);
      sweep[name] = values;
    } else if (mode === 'range') {
      const range = {};
      for (const key of ['from', 'to', 'step']) if (value(key) !== '') range[key] = Number(value(key));
      sweep[name] = range;
    }
  }
  if (!Object.keys(sweep).length) throw Object.assign(new Error('Choose at least one parameter to sweep'), { details: { field: 'sweep' } });
  return sweep;
}

// The ranked combinations (a sweep) or the windows (a walk-forward) into `table`.
export function renderSweepResult(table, r, onPick) {
  const names = r.parameters || [];
  const head = el('tr');
  const body = [];
  const pick = (params) => {
    const b = el('button', 'linkish', 'Use');
    b.type = 'button';
    b.title = 'Fill the backtest form with these parameters';
    b.addEventListener('click', (ev) => { ev.stopPropagation(); onPick(params); });
    return b;
  };
  const row = (params, cells) => {
    const tr = el('tr', 'sw-row');
    tr.dataset.params = JSON.stringify(params);
    tr.addEventListener('click', () => onPick(params));
    const first = el('td');
    first.append(pick(params));
    tr.append(first, ...cells);
    return tr;
  };
  if (r.kind === 'walk_forward') {
    head.append(...['', 'Window', 'In sample', 'Out of sample', ...names, 'IS score', 'OOS score', 'OOS return'].map((h) => el('th', null, h)));
    (r.windows || []).forEach((w, i) => {
      body.push(row(w.params || {}, [el('td', 'num', fmtInt(i + 1)),
        el('td', 'num', `${day(w.in_sample && w.in_sample.from)} – ${day(w.in_sample && w.in_sample.to)}`),
        el('td', 'num', `${day(w.out_of_sample && w.out_of_sample.from)} – ${day(w.out_of_sample && w.out_of_sample.to)}`),
        ...names.map((n) => el('td', 'r num', fmtQty((w.params || {})[n], 4))),
        el('td', 'r num sw-is', fmtNum(w.in_sample_score, 3)), el('td', 'r num sw-oos', fmtNum(w.out_of_sample_score, 3)),
        el('td', 'r num', pct(w.out_of_sample_metrics && w.out_of_sample_metrics.total_return))]));
    });
  } else {
    head.append(...['', '#', ...names, `Score (${r.rank || ''})`, 'Return', 'Sharpe', 'Max DD', 'Trades'].map((h) => el('th', null, h)));
    for (const c of r.ranked || []) {
      const m = c.metrics || {};
      body.push(row(c.params || {}, [el('td', 'num sw-rank', fmtInt(c.rank)), ...names.map((n) => el('td', 'r num', fmtQty((c.params || {})[n], 4))),
        el('td', 'r num sw-score', fmtNum(c.score, 3)), el('td', 'r num', pct(m.total_return)), el('td', 'r num', fmtNum(m.sharpe, 2)),
        el('td', 'r num', isNum(m.max_drawdown) ? `${fmtNum(m.max_drawdown * 100, 2)} %` : '—'), el('td', 'r num', fmtInt(m.trades))]));
    }
  }
  table.querySelector('thead').replaceChildren(head);
  table.querySelector('tbody').replaceChildren(...body);
  table.dataset.kind = r.kind || 'sweep';
  table.hidden = false;
}
