// The decision model (#14 item 8) for the chart's symbol: ask for a decision, read it with every
// input's weight and contribution (GET /api/ai/decision/{symbol}: the daemon stores each one in
// ai_decisions), and execute a buy or sell through the order path and its risk checks
// (POST /api/ai/decision/execute). A decision is advice: nothing trades until Execute is pressed.
import { api } from './api.js';
import { $, el, fmtNum, fmtQty, fmtTime, setText, showMessage } from './format.js';

let symbol = '';
let current = null; // the decision shown
let onExecuted = () => {};

function reasonRow(r) {
  const tr = el('tr');
  const signal = el('td');
  if (r.signal) signal.append(el('span', `tag ${r.signal === 'sell' ? 'side-sell' : 'side-buy'}`, r.signal));
  else signal.textContent = '—';
  tr.append(el('td', null, r.input), signal, el('td', 'num r', fmtNum(r.strength, 2)),
    el('td', 'num r', fmtNum(r.weight, 3)), el('td', 'num r', fmtNum(r.contribution, 3, true)),
    el('td', 'num r', r.trades == null ? '—' : String(r.trades)));
  return tr;
}

function render(d) {
  current = d;
  $('dm-result').hidden = !d;
  if (!d) return;
  const action = $('dm-action');
  setText(action, d.action);
  action.className = `tag ${d.action === 'sell' ? 'side-sell' : d.action === 'buy' ? 'side-buy' : ''}`;
  setText($('dm-summary'), `confidence ${fmtNum(d.confidence * 100, 0)}% · score ${fmtNum(d.score, 3, true)}`
    + ` · ${d.quantity == null ? 'no size' : `size ${fmtQty(d.quantity)}`} at ${fmtNum(d.price, 2)}`
    + ` · regime ${String((d.regime && d.regime.regime) || 'unknown').replace('_', ' ')}`
    + ` · #${d.id} ${fmtTime(d.created_at)}`);
  $('dm-reasons').tBodies[0].replaceChildren(...(d.reasons || []).map(reasonRow));
  const executable = (d.action === 'buy' || d.action === 'sell') && d.quantity != null && d.order_id == null;
  $('dm-execute').disabled = !executable;
  setText($('dm-status'), d.order_id != null ? `executed: order ${d.order_id}` : '');
}

async function ask() {
  if (!symbol) return;
  $('dm-ask').disabled = true;
  setText($('dm-status'), `asking for ${symbol}…`);
  try {
    render(await api(`/api/ai/decision/${encodeURIComponent(symbol)}`));
  } catch (err) {
    render(null);
    setText($('dm-status'), '');
    showMessage(`Decision: ${err.message}`);
  } finally {
    $('dm-ask').disabled = false;
  }
}

async function execute() {
  if (!current) return;
  $('dm-execute').disabled = true;
  try {
    const r = await api('/api/ai/decision/execute', { method: 'POST', body: { decision_id: current.id } });
    render(r.decision);
    showMessage(`Order ${r.order && r.order.id} placed from decision #${current.id}`, 'info');
    onExecuted();
  } catch (err) {
    $('dm-execute').disabled = false;
    showMessage(`Execute: ${err.message}`);
  }
}

// The chart's symbol changed: the shown decision was for another.
export function setDecisionSymbol(sym) {
  if (sym === symbol) return;
  symbol = sym;
  setText($('dm-symbol'), sym);
  render(null);
  setText($('dm-status'), '');
}

export function initDecision(executed) {
  onExecuted = executed || onExecuted;
  $('dm-ask').addEventListener('click', ask);
  $('dm-execute').addEventListener('click', execute);
}
