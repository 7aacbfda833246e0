// The autotrader dashboard: polls the daemon's JSON API every 2 s and renders it. Vanilla JS, no
// framework, no third-party code. Every value from the API is put into the page as text
// (textContent, createElement), never as HTML. The API token lives in sessionStorage: it is
// sent as "Authorization: Bearer" by the buttons and forgotten when the tab closes.
'use strict';

(() => {
  const POLL_MS = 2000;
  const TOKEN_KEY = 'autotrader.apiToken';
  const SVG_NS = 'http://www.w3.org/2000/svg';

  // Endpoints that answered 404: this daemon does not serve them, so they are not asked again.
  const unavailable = new Set();
  let latestStatus = null;
  let busy = false;

  const $ = (id) => document.getElementById(id);

  // --- small helpers -------------------------------------------------------------------------

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells) {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = el('td', cell === null || cell === undefined ? '—' : cell);
      tr.appendChild(td);
    }
    return tr;
  }

  function emptyRow(tbody, columns, message) {
    const tr = document.createElement('tr');
    const td = el('td', message, 'muted');
    td.colSpan = columns;
    tr.appendChild(td);
    tbody.replaceChildren(tr);
  }

  function num(value, digits = 2) {
    const n = typeof value === 'number' ? value : Number(value);
    if (value === null || value === undefined || value === '' || !Number.isFinite(n)) return '—';
    return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function percent(value) {
    const n = Number(value);
    return value === null || value === undefined || !Number.isFinite(n) ? '—' : `${(n * 100).toFixed(1)}%`;
  }

  // Health values are ratios, ages and byte counts: four significant digits are enough.
  function shortNumber(value) {
    return typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(4)) : value;
  }

  function time(value) {
    if (!value) return '—';
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
  }

  function setText(id, value) {
    $(id).textContent = value === null || value === undefined ? '—' : String(value);
  }

  function setBadge(id, text, tone) {
    const node = $(id);
    node.textContent = text;
    node.className = `badge ${tone || ''}`;
  }

  function tone(word) {
    switch (String(word).toUpperCase()) {
      case 'OK': case 'ACTIVE': case 'RUNNING': case 'ON': case 'CLOSED': return 'good';
      case 'DEGRADED': case 'REDUCING': case 'HALF_OPEN': case 'PAUSED': case 'WARNING':
      case 'RESTARTING': case 'UNKNOWN': return 'warn';
      case 'FAILING': case 'HALTED': case 'OPEN': case 'DOWN': case 'FAILED': return 'bad';
      default: return '';
    }
  }

  // GET a JSON document. null when the daemon does not serve it (404, remembered) or on error.
  async function getJson(path) {
    if (unavailable.has(path)) return null;
    const response = await fetch(path, { cache: 'no-store' });
    if (response.status === 404) {
      unavailable.add(path);
      return null;
    }
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // --- renderers -----------------------------------------------------------------------------

  function renderStatus(status) {
    latestStatus = status;
    const risk = status.risk || {};
    const account = status.account || {};
    setText('mode', `mode ${status.mode || '—'} · venue ${status.venue || '—'}`);
    setBadge('autonomous-status', status.enabled ? 'ON' : 'PAUSED', status.enabled ? 'good' : 'warn');
    $('toggle-autonomous').textContent = status.enabled ? 'Pause autonomous trading' : 'Resume autonomous trading';
    const state = risk.trading_state || 'UNKNOWN';
    setBadge('trading-state', state, tone(state));
    $('halt-message').textContent = risk.halt_message ? `(${risk.halt_message})` : '';
    setText('stat-equity', `${num(account.equity)} ${account.quote_asset || ''}`.trim());
    setText('stat-cash', num(account.cash));
    setText('stat-trades-executed', status.trades_executed ?? '—');
    setText('stat-decisions', status.decisions ?? '—');
    setText('stat-confidence', status.current_confidence === null || status.current_confidence === undefined
      ? '—' : num(status.current_confidence, 2));
  }

  function renderLiveStats(stats) {
    setText('stat-today-pnl', num(stats.today_pnl));
    setText('stat-trades-today', stats.trades_today ?? '—');
    setText('stat-win-rate', percent(stats.win_rate));
    setText('stat-positions', stats.current_positions ?? '—');
    const health = stats.system_health || 'unknown';
    setBadge('system-health', health, tone(health));
  }

  function renderPositions(doc) {
    const body = $('positions-body');
    const positions = Array.isArray(doc.positions) ? doc.positions : [];
    if (positions.length === 0) return emptyRow(body, 7, 'no open position');
    body.replaceChildren(...positions.map((p) => row([
      p.symbol, p.quantity, num(p.average_entry_price), num(p.mark_price), num(p.unrealized_pnl),
      p.stop_loss === null ? null : num(p.stop_loss), p.take_profit === null ? null : num(p.take_profit),
    ])));
  }

  function renderDecisions(doc) {
    const list = $('decisions-list');
    const decisions = Array.isArray(doc.decisions) ? doc.decisions : [];
    if (decisions.length === 0) {
      list.replaceChildren(el('li', 'no decision yet', 'muted'));
      return;
    }
    list.replaceChildren(...decisions.map((d) => {
      const item = el('li', null, 'decision');
      const head = el('p', null, 'decision-head');
      head.append(
        el('strong', d.action || '—', `action ${String(d.action || '').toLowerCase()}`),
        ' ', el('span', d.symbol || '—'),
        ' · confidence ', el('span', num(d.confidence, 2), 'confidence'),
        ' · ', el('span', time(d.timestamp), 'muted'));
      item.appendChild(head);
      if (d.reasoning) item.appendChild(el('p', d.reasoning, 'reasoning'));
      if (d.result) item.appendChild(el('p', `result: ${d.result}`, 'muted'));
      return item;
    }));
  }

  function renderTrades(doc) {
    const body = $('trades-body');
    const trades = Array.isArray(doc.trades) ? doc.trades : [];
    if (trades.length === 0) return emptyRow(body, 6, 'no trade yet');
    body.replaceChildren(...trades.map((t) => row([
      time(t.timestamp), t.ticker, t.action, num(t.price), t.quantity, num(t.pnl),
    ])));
  }

  function renderProviders(doc) {
    const body = $('providers-body');
    const services = Array.isArray(doc.services) ? doc.services : [];
    if (services.length === 0) return emptyRow(body, 6, 'no provider');
    body.replaceChildren(...services.map((s) => {
      const tr = row([s.name, null, s.reason, percent(s.success_rate), num(s.avg_latency_ms, 0),
        num(s.p95_latency_ms, 0)]);
      const cell = tr.children[1];
      cell.replaceChildren(el('span', s.status || '—', `badge ${tone(s.status)}`));
      return tr;
    }));
  }

  function supervisionItem(node) {
    const item = el('li');
    const line = el('span', null, 'node');
    line.append(el('strong', node.id || '—'), ' ');
    if (node.strategy) line.append(el('span', node.strategy, 'muted'), ' ');
    if (node.state) line.append(el('span', node.state, `badge ${tone(node.state)}`), ' ');
    if (node.restart_count !== undefined) line.append(el('span', `restarts ${node.restart_count}`), ' ');
    if (node.uptime_seconds !== undefined) line.append(el('span', `up ${num(node.uptime_seconds, 0)} s`, 'muted'));
    if (node.last_exit_reason) line.append(' ', el('span', `last exit: ${node.last_exit_reason}`, 'muted'));
    item.appendChild(line);
    if (Array.isArray(node.children) && node.children.length > 0) {
      const list = el('ul');
      list.append(...node.children.map(supervisionItem));
      item.appendChild(list);
    }
    return item;
  }

  function renderSupervision(doc) {
    $('supervision-tree').replaceChildren(supervisionItem(doc));
  }

  function renderHealth(doc) {
    const body = $('health-body');
    if (doc === null) {
      $('health-summary').textContent = 'health checks: not available on this daemon';
      return emptyRow(body, 6, 'not available');
    }
    $('health-summary').textContent = `overall ${doc.status || 'unknown'}` +
      (doc.checked_at ? ` · checked ${time(doc.checked_at)}` : '');
    const checks = Array.isArray(doc.checks) ? doc.checks : [];
    if (checks.length === 0) return emptyRow(body, 6, 'no check has run yet');
    body.replaceChildren(...checks.map((c) => {
      const tr = row([c.name, c.subject, null, shortNumber(c.value), shortNumber(c.threshold), c.detail]);
      tr.children[2].replaceChildren(el('span', c.status || '—', `badge ${tone(c.status)}`));
      return tr;
    }));
  }

  function renderIncidents(doc) {
    const body = $('incidents-body');
    if (doc === null) return emptyRow(body, 5, 'not available');
    const incidents = Array.isArray(doc.incidents) ? doc.incidents : [];
    if (incidents.length === 0) return emptyRow(body, 5, 'no incident');
    body.replaceChildren(...incidents.map((i) => row([time(i.time), i.check, i.action, i.outcome, i.detail])));
  }

  // Equity as a line (left scale) over daily P&L as bars (right scale, zero line), in SVG.
  function renderChart(points) {
    const box = $('chart');
    const data = Array.isArray(points) ? points : [];
    if (data.length === 0) {
      box.replaceChildren(el('p', 'no history yet', 'muted'));
      $('chart-note').textContent = '';
      return;
    }
    const W = 800; const H = 240; const L = 70; const R = 70; const T = 12; const B = 28;
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('class', 'chart-svg');
    const add = (tag, attrs, text) => {
      const node = document.createElementNS(SVG_NS, tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
      if (text !== undefined) node.textContent = String(text);
      svg.appendChild(node);
      return node;
    };
    const n = data.length;
    const step = (W - L - R) / n;
    const x = (i) => L + step * (i + 0.5);
    const equities = data.map((p) => p.equity).filter((v) => typeof v === 'number');
    const pnls = data.map((p) => Number(p.daily_pnl) || 0);
    let eMin = Math.min(...equities); let eMax = Math.max(...equities);
    if (!(eMax > eMin)) { eMin -= 1; eMax += 1; }
    const pAbs = Math.max(1e-9, ...pnls.map(Math.abs));
    const yE = (v) => T + (H - T - B) * (1 - (v - eMin) / (eMax - eMin));
    const yP = (v) => T + (H - T - B) * (0.5 - v / (2 * pAbs));
    add('line', { x1: L, x2: W - R, y1: yP(0), y2: yP(0), class: 'axis' });
    pnls.forEach((v, i) => {
      const top = Math.min(yP(0), yP(v));
      const barWidth = Math.min(step * 0.6, 24);
      add('rect', { x: x(i) - barWidth / 2, width: barWidth, y: top, height: Math.max(1, Math.abs(yP(v) - yP(0))),
        class: v >= 0 ? 'bar-up' : 'bar-down' }).appendChild(
        Object.assign(document.createElementNS(SVG_NS, 'title'), { textContent: `${data[i].date}: P&L ${num(v)}` }));
    });
    const path = [];
    data.forEach((p, i) => {
      if (typeof p.equity !== 'number') return;
      path.push(`${path.length === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${yE(p.equity).toFixed(1)}`);
      add('circle', { cx: x(i), cy: yE(p.equity), r: 3, class: 'equity-dot' }).appendChild(
        Object.assign(document.createElementNS(SVG_NS, 'title'), { textContent: `${p.date}: equity ${num(p.equity)}` }));
    });
    if (path.length > 1) add('path', { d: path.join(' '), class: 'equity-line' });
    add('text', { x: L - 6, y: yE(eMax) + 4, class: 'label end' }, num(eMax, 0));
    add('text', { x: L - 6, y: yE(eMin), class: 'label end' }, num(eMin, 0));
    add('text', { x: W - R + 6, y: yP(pAbs) + 4, class: 'label' }, `+${num(pAbs)}`);
    add('text', { x: W - R + 6, y: yP(-pAbs), class: 'label' }, `-${num(pAbs)}`);
    add('text', { x: x(0), y: H - 8, class: 'label middle' }, data[0].date);
    if (n > 1) add('text', { x: x(n - 1), y: H - 8, class: 'label middle' }, data[n - 1].date);
    box.replaceChildren(svg);
    const last = data[n - 1];
    $('chart-note').textContent = `${n} day(s): line = equity (left scale), bars = realized daily P&L ` +
      `(right scale). Latest ${last.date}: equity ${num(last.equity)}, P&L ${num(last.daily_pnl)}, ` +
      `${last.trades} closed trade(s).`;
  }

  // --- polling -------------------------------------------------------------------------------

  const panels = [
    ['/api/autonomous-status', renderStatus],
    ['/api/live-stats', renderLiveStats],
    ['/api/positions', renderPositions],
    ['/api/autonomous-history', renderDecisions],
    ['/api/trades?limit=20', renderTrades],
    ['/api/backup-services-status', renderProviders],
    ['/api/supervision', renderSupervision],
    ['/api/health', renderHealth, true],
    ['/api/incidents?limit=20', renderIncidents, true],
    ['/api/performance-chart?days=30', renderChart],
  ];

  async function poll() {
    if (busy) return;
    busy = true;
    const failures = [];
    await Promise.all(panels.map(async ([path, render, optional]) => {
      try {
        const doc = await getJson(path);
        if (doc !== null || optional) render(doc);
      } catch (error) {
        failures.push(error.message);
      }
    }));
    busy = false;
    $('updated').textContent = failures.length === 0
      ? `updated ${new Date().toLocaleTimeString()}`
      : `update failed: ${failures.join('; ')}`;
  }

  // --- commands ------------------------------------------------------------------------------

  function token() {
    return $('api-token').value.trim();
  }

  async function command(path, body) {
    const message = $('control-message');
    if (!token()) {
      message.textContent = 'Enter the API token (AUTOTRADER_API_TOKEN) first.';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, token());
    try {
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` },
        body: JSON.stringify(body),
      });
      const doc = await response.json().catch(() => ({}));
      message.textContent = response.ok ? `${path}: done` : `${path}: ${response.status} ${doc.error || ''}`;
    } catch (error) {
      message.textContent = `${path}: ${error.message}`;
    }
    await poll();
  }

  function start() {
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) $('api-token').value = saved;
    $('toggle-autonomous').addEventListener('click', () => {
      const enabled = latestStatus ? !latestStatus.enabled : undefined;
      command('/api/autonomous-toggle', enabled === undefined ? {} : { enabled });
    });
    $('kill-engage').addEventListener('click', () => command('/api/kill-switch',
      { engaged: true, reason: $('kill-reason').value.slice(0, 200) }));
    $('kill-release').addEventListener('click', () => command('/api/kill-switch', { engaged: false }));
    $('forget-token').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      $('api-token').value = '';
      $('control-message').textContent = 'Token forgotten.';
    });
    poll();
    setInterval(poll, POLL_MS);
  }

  start();
})();
