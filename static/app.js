/* Meridian dashboard: plain JS, no dependencies. All data goes into the DOM via textContent. */
(function () {
  'use strict';

  var POLL_MS = 5000;
  var RENDER_MIN_MS = 200;          // price table / sparklines: at most ~5 renders per second
  var SPARK_POINTS = 60;
  var MAX_TRADES = 200;
  var BACKOFF_MIN = 1000, BACKOFF_MAX = 10000;
  var SPARK_W = 72, SPARK_H = 20;
  var SVG_NS = 'http://www.w3.org/2000/svg';

  function $(id) { return document.getElementById(id); }

  // ---------- credentials ----------
  // The access token lives in memory only. The refresh token (rotated on every use) is kept in
  // sessionStorage so a reload of this tab stays signed in while closing the tab signs out. A
  // token or API key given as ?token= is used as is for this page (scripts, kiosks) and never
  // stored. With auth off the daemon answers without credentials and no sign-in is shown.
  var token = null, refreshToken = null, refreshTimer = null, refreshing = null;
  try { token = new URLSearchParams(location.search).get('token'); } catch (e) { /* no URL API */ }
  var fixedToken = !!token;
  try { refreshToken = sessionStorage.getItem('meridian.refresh'); } catch (e) { /* storage unavailable */ }

  function keepRefresh(t) {
    refreshToken = t;
    try {
      if (t) sessionStorage.setItem('meridian.refresh', t); else sessionStorage.removeItem('meridian.refresh');
    } catch (e) { /* storage unavailable */ }
  }
  function applyTokens(r) {
    token = r.access_token;
    keepRefresh(r.refresh_token);
    clearTimeout(refreshTimer);
    var s = Math.max(30, (r.expires_in || 900) - 60);  // renew a minute before the access token expires
    refreshTimer = setTimeout(renew, s * 1000);
    if (r.user) {
      setText($('account-email'), r.user.email + ' · ' + r.user.role);
      $('account').hidden = false;
    }
  }
  // One renewal at a time; resolves true when a fresh access token is in hand.
  function renew() {
    if (fixedToken || !refreshToken) return Promise.resolve(false);
    if (refreshing) return refreshing;
    refreshing = fetch('/api/auth/refresh', {
      method: 'POST', cache: 'no-store',
      headers: { 'Accept': 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken })
    }).then(function (res) {
      return res.ok ? res.json().then(function (r) { applyTokens(r); return true; })
                    : (keepRefresh(null), false);
    }, function () { return false; }).then(function (ok) { refreshing = null; return ok; });
    return refreshing;
  }

  // ---------- formatting ----------
  var fmtCache = {};
  function nf(min, max, signed) {
    var k = min + ':' + max + ':' + (signed ? 1 : 0);
    if (!fmtCache[k]) {
      var o = { minimumFractionDigits: min, maximumFractionDigits: max };
      if (signed) o.signDisplay = 'exceptZero';
      try { fmtCache[k] = new Intl.NumberFormat(undefined, o); }
      catch (e) { delete o.signDisplay; fmtCache[k] = new Intl.NumberFormat(undefined, o); }
    }
    return fmtCache[k];
  }
  function isNum(v) { return typeof v === 'number' && isFinite(v); }
  function fmtNum(v, dec, signed) {
    if (!isNum(v)) return '—';
    return nf(dec, dec, signed).format(v);
  }
  function fmtMoney(v, signed) { return fmtNum(v, 2, signed); }
  function fmtQty(v, maxDec) {
    if (!isNum(v)) return '—';
    return nf(0, maxDec == null ? 8 : maxDec, false).format(v);
  }
  function fmtInt(v) { return isNum(v) ? nf(0, 0, false).format(v) : '—'; }
  function toDate(time, ts) {
    var d = null;
    if (isNum(ts)) d = new Date(ts);
    else if (time) d = new Date(time);
    return d && !isNaN(d.getTime()) ? d : null;
  }
  function fmtTime(time, ts) {
    var d = toDate(time, ts);
    return d ? d.toLocaleTimeString(undefined, { hour12: false }) : '—';
  }
  function fmtDateTime(time, ts) {
    var d = toDate(time, ts);
    if (!d) return '—';
    var t = d.toLocaleTimeString(undefined, { hour12: false });
    if (d.toDateString() === new Date().toDateString()) return t;
    return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) + ' ' + t;
  }
  function signClass(v) { return !isNum(v) || v === 0 ? 'flat' : (v > 0 ? 'up' : 'down'); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function setText(node, text) { if (node && node.textContent !== text) node.textContent = text; }
  function setSigned(node, v) {
    if (!node) return;
    setText(node, fmtMoney(v, true));
    node.classList.remove('up', 'down', 'flat');
    node.classList.add(signClass(v));
  }

  // ---------- messages ----------
  var msgTimer = null;
  function showMessage(text, kind) {
    var m = $('message');
    m.textContent = text;
    m.className = 'message ' + (kind || 'error');
    m.hidden = false;
    clearTimeout(msgTimer);
    msgTimer = setTimeout(function () { m.hidden = true; }, kind === 'info' ? 3000 : 8000);
  }
  $('message').addEventListener('click', function () { this.hidden = true; });

  // ---------- REST ----------
  // A request with the current credentials; a 401 renews the access token once and retries,
  // and shows the sign-in form when that fails.
  function api(path, opts, retried) {
    return request(path, opts).catch(function (err) {
      if (err.status !== 401 || retried) throw err;
      return renew().then(function (ok) {
        if (ok) return api(path, opts, true);
        showLogin();
        throw err;
      });
    });
  }
  function request(path, opts) {
    opts = opts || {};
    var headers = { 'Accept': 'application/json' };
    if (opts.body != null) headers['Content-Type'] = 'application/json';
    if (token) headers['Authorization'] = 'Bearer ' + token;
    return fetch(path, {
      method: opts.method || 'GET',
      headers: headers,
      body: opts.body != null ? JSON.stringify(opts.body) : undefined,
      cache: 'no-store'
    }).then(function (res) {
      return res.text().then(function (txt) {
        var data = null;
        if (txt) { try { data = JSON.parse(txt); } catch (e) { data = null; } }
        if (!res.ok) {
          var msg = (data && data.error && data.error.message) ||
                    ('HTTP ' + res.status + (res.statusText ? ' ' + res.statusText : ''));
          var err = new Error(msg);
          err.status = res.status;
          err.code = data && data.error && data.error.code;
          throw err;
        }
        return data;
      });
    });
  }
  function touch() { setText($('last-update'), 'updated ' + new Date().toLocaleTimeString(undefined, { hour12: false })); }

  // ---------- trading status ----------
  var currentStatus = null;
  var pending = false;
  var BTN = { start: ['stopped'], pause: ['running'], resume: ['paused'], stop: ['running', 'paused'] };

  function updateButtons() {
    var st = currentStatus && currentStatus.state;
    Object.keys(BTN).forEach(function (a) {
      $('btn-' + a).disabled = pending || !st || BTN[a].indexOf(st) < 0;
    });
  }

  function applyStatus(s) {
    if (!s || typeof s !== 'object' || !s.state) return;
    currentStatus = s;
    var badge = $('status-badge');
    setText(badge, String(s.state));
    badge.className = 'badge state-' + String(s.state).replace(/[^a-z_-]/gi, '');
    setText($('mode'), s.mode ? String(s.mode) : '—');
    setText($('cash'), fmtMoney(s.cash));
    setText($('equity'), fmtMoney(s.equity));
    setText($('initial-capital'), fmtMoney(s.initial_capital));
    var p = s.pnl || {};
    setSigned($('pnl-realized'), p.realized);
    setSigned($('pnl-unrealized'), p.unrealized);
    setText($('fees'), fmtMoney(p.fees));
    setSigned($('pnl-total'), p.total);
    setText($('open-positions'), fmtInt(s.open_positions));
    setText($('trades-count'), fmtInt(s.trades_count));
    ['cash', 'equity', 'pnl-realized', 'pnl-unrealized', 'fees', 'trades-count'].forEach(function (id) {
      $(id).title = $(id).textContent;  // full value if the card truncates it
    });
    var eq = $('equity');
    eq.classList.remove('up', 'down', 'flat');
    if (isNum(s.equity) && isNum(s.initial_capital)) eq.classList.add(signClass(s.equity - s.initial_capital));
    if (s.strategy && s.strategy['class']) {
      var parts = [String(s.strategy['class'])];
      Object.keys(s.strategy).forEach(function (k) {
        var v = s.strategy[k];
        if (k !== 'class' && (typeof v === 'number' || typeof v === 'string')) parts.push(k + '=' + v);
      });
      setText($('strategy'), parts.join(' · '));
    }
    // fallback prices while the socket is down
    if (!wsOpen && s.last_prices && typeof s.last_prices === 'object') {
      Object.keys(s.last_prices).forEach(function (sym) {
        if (isNum(s.last_prices[sym])) queuePrice({ symbol: sym, price: s.last_prices[sym], time: s.updated_at });
      });
    }
    updateButtons();
    touch();
  }

  var statusBusy = false;
  function refreshStatus() {
    if (statusBusy) return Promise.resolve();
    statusBusy = true;
    return api('/api/trading/status').then(applyStatus, function (e) {
      if (!currentStatus) showMessage('Cannot load trading status: ' + e.message);
    }).then(function () { statusBusy = false; });
  }

  function control(action) {
    if (pending) return;
    pending = true;
    updateButtons();
    api('/api/trading/' + action, { method: 'POST' }).then(function (s) {
      applyStatus(s);
      showMessage('Trading ' + (s && s.state ? s.state : action), 'info');
    }, function (e) {
      showMessage(e.message || ('Could not ' + action));
      refreshStatus();
    }).then(function () { pending = false; updateButtons(); });
  }
  Object.keys(BTN).forEach(function (a) {
    $('btn-' + a).addEventListener('click', function () { control(a); });
  });

  // ---------- prices ----------
  var symbols = {};      // symbol -> row state
  var symbolOrder = [];
  var dirty = {};        // symbol -> true when row needs rendering
  var renderScheduled = false, lastRender = 0;

  function symInfo(sym) { return symbols[sym]; }
  function priceDec(sym) { var s = symbols[sym]; return s && isNum(s.dec) ? s.dec : 2; }
  function qtyDec(sym) { var s = symbols[sym]; return s && isNum(s.qdec) ? s.qdec : 8; }

  function ensureRow(sym, meta) {
    var s = symbols[sym];
    if (s) {
      if (meta) {
        if (isNum(meta.price_decimals) && s.dec !== meta.price_decimals) { s.dec = meta.price_decimals; s.shown = null; }
        if (isNum(meta.qty_decimals)) s.qdec = meta.qty_decimals;
        $('prices').tBodies[0].appendChild(s.tr); // keep /api/symbols order
      }
      return s;
    }
    meta = meta || {};
    var tr = el('tr');
    tr.setAttribute('data-symbol', sym);
    var tdSym = el('td', 'sym');
    tdSym.appendChild(el('span', 'sym-name', sym));
    if (meta.venue || meta.asset_class) tdSym.title = [meta.venue, meta.asset_class, meta.currency].filter(Boolean).join(' · ');
    var tdPrice = el('td', 'price num r', '—');
    var tdBid = el('td', 'bid num r', '—');
    var tdAsk = el('td', 'ask num r', '—');
    var tdChg = el('td', 'change num r flat', '—');
    var tdSpark = el('td', 'spark');
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('width', SPARK_W);
    svg.setAttribute('height', SPARK_H);
    svg.setAttribute('viewBox', '0 0 ' + SPARK_W + ' ' + SPARK_H);
    svg.setAttribute('aria-hidden', 'true');
    var line = document.createElementNS(SVG_NS, 'polyline');
    line.setAttribute('fill', 'none');
    svg.appendChild(line);
    tdSpark.appendChild(svg);
    var tdTime = el('td', 'time num r', '—');
    [tdSym, tdPrice, tdBid, tdAsk, tdChg, tdSpark, tdTime].forEach(function (td) { tr.appendChild(td); });
    s = symbols[sym] = {
      symbol: sym, dec: isNum(meta.price_decimals) ? meta.price_decimals : 2,
      qdec: isNum(meta.qty_decimals) ? meta.qty_decimals : null,
      tr: tr, price: tdPrice, bid: tdBid, ask: tdAsk, chg: tdChg, svg: svg, line: line, time: tdTime,
      base: null, last: null, shown: null, lastBid: null, lastAsk: null, lastTime: null, lastTs: null,
      hist: [], histDirty: false
    };
    symbolOrder.push(sym);
    $('prices').tBodies[0].appendChild(tr);
    $('prices-empty').hidden = true;
    return s;
  }

  function queuePrice(d) {
    if (!d || typeof d.symbol !== 'string' || !isNum(d.price)) return;
    var s = ensureRow(d.symbol);
    if (s.base == null) s.base = d.price;
    if (s.last !== d.price || !s.hist.length) {
      s.hist.push(d.price);
      if (s.hist.length > SPARK_POINTS) s.hist.shift();
      s.histDirty = true;
    }
    s.last = d.price;
    if (isNum(d.bid)) s.lastBid = d.bid;
    if (isNum(d.ask)) s.lastAsk = d.ask;
    if (d.time || isNum(d.ts)) { s.lastTime = d.time || null; s.lastTs = isNum(d.ts) ? d.ts : null; }
    dirty[d.symbol] = true;
    scheduleRender();
  }

  function scheduleRender() {
    if (renderScheduled) return;
    renderScheduled = true;
    var wait = Math.max(0, RENDER_MIN_MS - (Date.now() - lastRender));
    var go = function () { requestAnimationFrame(renderPrices); };
    if (wait > 0) setTimeout(go, wait); else go();
  }

  function renderPrices() {
    renderScheduled = false;
    lastRender = Date.now();
    var syms = Object.keys(dirty);
    dirty = {};
    for (var i = 0; i < syms.length; i++) {
      var s = symbols[syms[i]];
      if (!s) continue;
      var dec = s.dec;
      if (s.shown !== s.last) {
        setText(s.price, fmtNum(s.last, dec));
        if (s.shown != null && s.last !== s.shown) flash(s.price, s.last > s.shown ? 'flash-up' : 'flash-down');
        s.shown = s.last;
      }
      setText(s.bid, fmtNum(s.lastBid, dec));
      setText(s.ask, fmtNum(s.lastAsk, dec));
      if (isNum(s.base) && s.base !== 0 && isNum(s.last)) {
        var diff = s.last - s.base, pct = diff / s.base * 100;
        setText(s.chg, fmtNum(pct, 2, true) + '%');
        s.chg.title = fmtNum(diff, dec, true) + ' since page load';
        var cls = 'change num r ' + signClass(diff);
        if (s.chg.className !== cls) s.chg.className = cls;
      }
      if (s.lastTime || s.lastTs) setText(s.time, fmtTime(s.lastTime, s.lastTs));
      if (s.histDirty) { drawSpark(s); s.histDirty = false; }
    }
  }

  function flash(node, cls) {
    node.classList.remove('flash-up', 'flash-down');
    void node.offsetWidth; // restart the animation
    node.classList.add(cls);
  }

  function drawSpark(s) {
    var h = s.hist, n = h.length;
    if (n < 2) { s.line.setAttribute('points', ''); return; }
    var min = Infinity, max = -Infinity;
    for (var i = 0; i < n; i++) { if (h[i] < min) min = h[i]; if (h[i] > max) max = h[i]; }
    var range = max - min || 1, pad = 2, pts = [];
    var step = (SPARK_W - 2 * pad) / (n - 1), x0 = pad;
    for (var j = 0; j < n; j++) {
      var y = max === min ? SPARK_H / 2 : pad + (SPARK_H - 2 * pad) * (1 - (h[j] - min) / range);
      pts.push((x0 + step * j).toFixed(1) + ',' + y.toFixed(1));
    }
    s.line.setAttribute('points', pts.join(' '));
    s.svg.setAttribute('class', 'spark-svg ' + signClass(h[n - 1] - h[0]));
  }

  function loadSymbols() {
    return api('/api/symbols').then(function (r) {
      var items = (r && Array.isArray(r.items)) ? r.items : [];
      items.forEach(function (it) {
        if (!it || typeof it.symbol !== 'string') return;
        ensureRow(it.symbol, it);
        if (isNum(it.last_price) && symbols[it.symbol].last == null) queuePrice({ symbol: it.symbol, price: it.last_price });
        dirty[it.symbol] = true;
      });
      scheduleRender();
      if (!symbolOrder.length) setText($('prices-empty'), 'No symbols configured');
    }, function (e) {
      if (!symbolOrder.length) setText($('prices-empty'), 'Cannot load symbols: ' + e.message);
    });
  }

  // ---------- positions ----------
  var posBusy = false, posTimer = null;
  function renderPositions(items) {
    var tb = $('positions').tBodies[0];
    var frag = document.createDocumentFragment();
    items.forEach(function (p) {
      if (!p || typeof p.symbol !== 'string') return;
      var tr = el('tr');
      tr.setAttribute('data-symbol', p.symbol);
      var dec = priceDec(p.symbol);
      var symTd = el('td', 'sym');
      symTd.appendChild(el('span', 'sym-name', p.symbol));
      if (p.side) symTd.appendChild(el('span', 'tag ' + (p.side === 'short' ? 'side-sell' : 'side-buy'), String(p.side)));
      tr.appendChild(symTd);
      tr.appendChild(el('td', 'num r', fmtQty(p.quantity, qtyDec(p.symbol))));
      tr.appendChild(el('td', 'num r', fmtNum(p.avg_price, dec)));
      tr.appendChild(el('td', 'num r', fmtNum(p.last_price, dec)));
      tr.appendChild(el('td', 'num r', fmtMoney(p.market_value)));
      tr.appendChild(el('td', 'num r ' + signClass(p.unrealized_pnl), fmtMoney(p.unrealized_pnl, true)));
      frag.appendChild(tr);
    });
    tb.textContent = '';
    tb.appendChild(frag);
    $('positions-empty').hidden = tb.rows.length > 0;
  }
  function refreshPositions() {
    if (posBusy) return Promise.resolve();
    posBusy = true;
    return api('/api/trading/positions').then(function (r) {
      renderPositions(r && Array.isArray(r.items) ? r.items : []);
    }, function () { /* keep last view; status poll reports errors */ })
      .then(function () { posBusy = false; });
  }
  function refreshPositionsSoon() {
    clearTimeout(posTimer);
    posTimer = setTimeout(function () { refreshPositions(); refreshStatus(); }, 250);
  }

  // ---------- trades ----------
  var trades = [];       // newest first
  var tradeIds = {};
  var tradesRenderQueued = false;

  function tradeKey(t) { return isNum(t.ts) ? t.ts : (Date.parse(t.time) || 0); }
  function addTrades(list) {
    var added = false;
    list.forEach(function (t) {
      if (!t || t.id == null || tradeIds[t.id]) return;
      tradeIds[t.id] = true;
      trades.push(t);
      added = true;
    });
    if (!added) return;
    trades.sort(function (a, b) {
      var d = tradeKey(b) - tradeKey(a);
      return d !== 0 ? d : (isNum(a.id) && isNum(b.id) ? b.id - a.id : 0);
    });
    while (trades.length > MAX_TRADES) delete tradeIds[trades.pop().id];
    if (!tradesRenderQueued) {
      tradesRenderQueued = true;
      requestAnimationFrame(renderTrades);
    }
  }
  function renderTrades() {
    tradesRenderQueued = false;
    var tb = $('trades').tBodies[0];
    var frag = document.createDocumentFragment();
    trades.forEach(function (t) {
      var tr = el('tr');
      tr.setAttribute('data-id', String(t.id));
      var side = String(t.side || '').toLowerCase();
      var dec = priceDec(t.symbol);
      tr.appendChild(el('td', 'num', fmtDateTime(t.time, t.ts)));
      tr.appendChild(el('td', 'sym', String(t.symbol == null ? '—' : t.symbol)));
      var sideTd = el('td');
      sideTd.appendChild(el('span', 'tag ' + (side === 'sell' ? 'side-sell' : 'side-buy'), side || '—'));
      tr.appendChild(sideTd);
      tr.appendChild(el('td', 'num r', fmtQty(t.quantity, qtyDec(t.symbol))));
      tr.appendChild(el('td', 'num r', fmtNum(t.price, dec)));
      tr.appendChild(el('td', 'num r', fmtMoney(t.fee)));
      tr.appendChild(el('td', 'num r ' + signClass(t.realized_pnl), fmtMoney(t.realized_pnl, true)));
      frag.appendChild(tr);
    });
    tb.textContent = '';
    tb.appendChild(frag);
    $('trades-empty').hidden = trades.length > 0;
  }
  function loadTrades() {
    return api('/api/trades?limit=50').then(function (r) {
      setText($('trades-empty'), 'No trades yet');
      addTrades(r && Array.isArray(r.items) ? r.items : []);
    }, function (e) { setText($('trades-empty'), 'Cannot load trades: ' + e.message); });
  }

  // ---------- WebSocket ----------
  var ws = null, wsOpen = false, backoff = BACKOFF_MIN, everOpened = false, reconnectTimer = null;

  function setWsState(open) {
    wsOpen = open;
    var n = $('ws-state');
    setText(n, open ? 'connected' : 'reconnecting');
    n.parentNode.className = 'conn ' + (open ? 'is-open' : 'is-closed');
  }

  function connect() {
    clearTimeout(reconnectTimer);
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' +
              (token ? '?token=' + encodeURIComponent(token) : '');
    try { ws = new WebSocket(url); } catch (e) { scheduleReconnect(); return; }
    ws.onopen = function () {
      setWsState(true);
      backoff = BACKOFF_MIN;
      if (everOpened) refreshAll();
      everOpened = true;
    };
    ws.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m && typeof m === 'object') handleMessage(m);
    };
    ws.onclose = function () {
      ws = null;
      setWsState(false);
      scheduleReconnect();
    };
    ws.onerror = function () { /* onclose follows */ };
  }
  function scheduleReconnect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX);
  }

  function handleMessage(m) {
    switch (m.type) {
      case 'connected': applyStatus(m.status || m.data); break;
      case 'status': applyStatus(m.data || m.status); break;
      case 'priceUpdate': if (m.data) queuePrice(m.data); break;
      case 'trade':
        if (m.data) { addTrades([m.data]); refreshPositionsSoon(); }
        break;
      case 'tradingStarted': case 'tradingStopped': case 'tradingPaused': case 'tradingResumed':
        applyStatus(m.data);
        clearTimeout(posTimer);
        posTimer = setTimeout(refreshPositions, 250);
        break;
      case 'error':
        showMessage((m.error && m.error.message) || 'Server error');
        break;
      default: break;
    }
  }

  // ---------- bootstrap ----------
  function refreshAll() {
    return Promise.all([refreshStatus(), loadSymbols(), refreshPositions(), loadTrades()]);
  }

  // ---------- sign-in ----------
  var started = false;
  function showLogin() {
    if (fixedToken) return;
    $('account').hidden = true;
    $('login').hidden = false;
    $('login-email').focus();
  }
  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var errNode = $('login-error');
    errNode.hidden = true;
    $('login-submit').disabled = true;
    request('/api/auth/login', { method: 'POST', body: {
      email: $('login-email').value, password: $('login-password').value } })
      .then(function (r) {
        applyTokens(r);
        $('login-password').value = '';
        $('login').hidden = true;
        if (ws) ws.close(); else connect();  // the socket reconnects with the new token
        start();
      }, function (e) {
        errNode.textContent = e.status === 401 ? 'Wrong email or password' : (e.message || 'Cannot sign in');
        errNode.hidden = false;
      }).then(function () { $('login-submit').disabled = false; });
  });
  $('btn-logout').addEventListener('click', function () {
    var t = refreshToken;
    keepRefresh(null);
    token = null;
    clearTimeout(refreshTimer);
    var done = function () { showLogin(); if (ws) ws.close(); };
    if (!t) return done();
    request('/api/auth/logout', { method: 'POST', body: { refresh_token: t } }).then(done, done);
  });

  function start() {
    if (started) return refreshAll();
    started = true;
    return refreshAll().then(function () {
      // positions use price/qty decimals from /api/symbols: re-render once they are known
      refreshPositions();
      if (trades.length) renderTrades();
    });
  }

  setWsState(false);
  // Sign in from a kept refresh token first (a reload), then load; a 401 on load shows the form.
  (refreshToken && !fixedToken ? renew() : Promise.resolve(false)).then(function () {
    start();
    connect();
  });
  setInterval(function () { if (started) { refreshStatus(); refreshPositions(); } }, POLL_MS);
})();
