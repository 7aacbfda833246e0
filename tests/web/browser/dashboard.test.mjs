// The dashboard in a real browser: Debian's headless Chromium, driven by playwright-core, against
// a real autotrader daemon (simulated market, technical provider, paper account) in a temporary
// directory. It checks that the page loads with no console error and no failed request, shows
// live data, and that the autonomous toggle and the kill switch work with the token entered in
// the page (and agree with the API); it saves a screenshot. The daemon is killed on every exit.
//   node dashboard.test.mjs <autotrader binary> <screenshot.png>
// Environment: CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.error('playwright-core is not installed: run tests/fakes/install-npm-deps');
  process.exit(1);
}

const [exeArg, screenshot] = process.argv.slice(2);
if (!exeArg || !screenshot) {
  console.error('usage: node dashboard.test.mjs <autotrader binary> <screenshot.png>');
  process.exit(64);
}
// The daemon runs in the temporary directory: a relative path would not find it from there.
const exe = resolve(exeArg);
const TOKEN = 'dashboard-browser-token-5e1f0c9a';
const WAIT_MS = 60_000; // bounds a failing wait; a passing one takes seconds

const dir = mkdtempSync(join(tmpdir(), 'autotrader-dashboard-'));
let daemon = null;
let output = '';

function killDaemon() {
  if (daemon && daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
}
process.on('exit', () => {
  killDaemon();
  rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

// Starts the daemon on port 0 and resolves with the port from "HTTP server listening on".
function startDaemon() {
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    AUTOTRADER_DATA_DIR: join(dir, 'data'),
    AUTOTRADER_HTTP_PORT: '0',
    AUTOTRADER_SIM_BAR_PERIOD_SECONDS: '0.05',
    AUTOTRADER_RISK_MAX_ORDERS_PER_MINUTE: '0',
    AUTOTRADER_API_TOKEN: TOKEN,
  };
  for (const name of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']) {
    if (process.env[name]) env[name] = process.env[name];
  }
  daemon = spawn(exe, ['run'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "HTTP server listening on" line:\n${output}`)), 30_000);
    const read = (chunk) => {
      output += chunk.toString();
      const match = output.match(/HTTP server listening on [^\s]*:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    daemon.stdout.on('data', read);
    daemon.stderr.on('data', read);
    daemon.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    daemon.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the daemon exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

async function api(base, path) {
  const response = await fetch(base + path);
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

async function main() {
  const port = await startDaemon();
  const base = `http://127.0.0.1:${port}`;

  // The files as the daemon serves them.
  for (const [path, type] of [['/', 'text/html'], ['/assets/app.js', 'text/javascript'],
    ['/assets/style.css', 'text/css']]) {
    const response = await fetch(base + path);
    assert.equal(response.status, 200, path);
    assert.ok(response.headers.get('content-type').startsWith(type), `${path}: ${response.headers.get('content-type')}`);
    assert.equal(response.headers.get('cache-control'), 'no-cache', path);
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push(`console ${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // A reload aborts the page's polls in flight (net::ERR_ABORTED): not a failure of the
    // daemon. Every other failed request is.
    let reloading = false;
    page.on('requestfailed', (request) => {
      const error = request.failure()?.errorText;
      if (reloading && error === 'net::ERR_ABORTED') return;
      problems.push(`request failed: ${request.url()} ${error}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    page.setDefaultTimeout(WAIT_MS);

    await page.goto(base + '/');
    assert.equal(await page.title(), 'autotrader');

    // Live data: trades executed, a decision with its reasoning, a position or a trade row, the
    // chart, the providers, the supervision tree and the health checks.
    await page.waitForFunction(() => Number(document.getElementById('stat-trades-executed').textContent) > 0);
    await page.waitForSelector('#decisions-list li.decision .reasoning');
    await page.waitForFunction(() =>
      document.querySelector('#positions-body tr td:not(.muted)') !== null ||
      document.querySelector('#trades-body tr td:not(.muted)') !== null);
    await page.waitForSelector('#chart svg circle.equity-dot');
    await page.waitForSelector('#providers-body tr td .badge');
    await page.waitForFunction(() => document.querySelectorAll('#supervision-tree li').length >= 4);
    await page.waitForFunction(() => ['ok', 'degraded', 'failing'].includes(document.getElementById('system-health').textContent));
    const confidence = await page.textContent('#decisions-list li.decision .confidence');
    assert.match(confidence, /^\d\.\d\d$/, `a decision's confidence: ${confidence}`);

    // A command without the token is refused in the page, before any request.
    await page.click('#toggle-autonomous');
    assert.match(await page.textContent('#control-message'), /token/i);

    // The toggle with the token: pause, then resume; the API agrees each time.
    assert.equal(await page.textContent('#autonomous-status'), 'ON');
    await page.fill('#api-token', TOKEN);
    await page.click('#toggle-autonomous');
    await page.waitForFunction(() => document.getElementById('autonomous-status').textContent === 'PAUSED');
    assert.equal((await api(base, '/api/autonomous-status')).enabled, false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('autotrader.apiToken')), TOKEN);
    await page.click('#toggle-autonomous');
    await page.waitForFunction(() => document.getElementById('autonomous-status').textContent === 'ON');
    assert.equal((await api(base, '/api/autonomous-status')).enabled, true);

    // The kill switch: engage (HALTED, with the reason), then release (ACTIVE).
    await page.fill('#kill-reason', 'browser test stop');
    await page.click('#kill-engage');
    await page.waitForFunction(() => document.getElementById('trading-state').textContent === 'HALTED');
    let risk = (await api(base, '/api/autonomous-status')).risk;
    assert.equal(risk.trading_state, 'HALTED');
    assert.equal(risk.kill_switch, true);
    assert.match(await page.textContent('#halt-message'), /browser test stop/);
    await page.click('#kill-release');
    await page.waitForFunction(() => document.getElementById('trading-state').textContent === 'ACTIVE');
    risk = (await api(base, '/api/autonomous-status')).risk;
    assert.equal(risk.trading_state, 'ACTIVE');

    // The token outlives a reload of the tab.
    reloading = true;
    await page.reload();
    reloading = false;
    await page.waitForFunction(() => Number(document.getElementById('stat-trades-executed').textContent) > 0);
    assert.equal(await page.inputValue('#api-token'), TOKEN);

    await page.screenshot({ path: screenshot, fullPage: true });
    assert.deepEqual(problems, [], problems.join('\n'));
    console.log(`dashboard browser test passed; screenshot ${screenshot}`);
  } finally {
    await browser.close();
  }
}

try {
  await main();
  daemon.kill('SIGTERM');
  process.exitCode = 0;
} catch (error) {
  console.error(error);
  console.error(`--- daemon output (last 4000 characters) ---\n${output.slice(-4000)}`);
  // Its pipes would keep Node's event loop, and so the daemon, alive.
  killDaemon();
  process.exitCode = 1;
}
