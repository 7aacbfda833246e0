// The official Binance Spot connector (@binance/spot, pinned in package.json) against the fake:
// time, exchangeInfo, klines and a kline stream subscription receiving a closed kline. The client
// is used unmodified; only its base URLs point at the fake. Started by run-fidelity, which makes
// the TLS certificate and sets NODE_EXTRA_CA_CERTS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { Spot } from '@binance/spot';

const NOW = 1_700_000_000_000; // the fake's market clock; not on a minute boundary
const MINUTE = 60_000;
const DEADLINE_MS = 10_000;

let server;
let lines; // async iterator over the server's stdout lines
let client;

function withDeadline(promise, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), DEADLINE_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function nextLine(what) {
  const { value, done } = await withDeadline(lines.next(), what);
  assert.ok(!done, `fake_binance_server closed its output while waiting for ${what}`);
  return value;
}

// One command on the server's stdin, one answer line back.
async function command(text) {
  server.stdin.write(`${text}\n`);
  const answer = await nextLine(`the answer to "${text}"`);
  assert.match(answer, /^OK/, `"${text}" answered "${answer}"`);
  return answer;
}

before(async () => {
  server = spawn(
    process.env.FAKE_BINANCE_SERVER,
    ['--now', String(NOW), '--symbols', 'BTCUSDT,ETHUSDT', '--tls-cert',
      process.env.FAKE_BINANCE_CERT, '--tls-key', process.env.FAKE_BINANCE_KEY],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  lines = readline.createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  const first = await nextLine('PORT');
  const port = Number(/^PORT (\d+)$/.exec(first)?.[1]);
  assert.ok(port > 0, `unexpected first line "${first}"`);
  client = new Spot({
    configurationRestAPI: { basePath: `https://127.0.0.1:${port}` },
    configurationWebsocketStreams: { wsURL: `wss://127.0.0.1:${port}` },
  });
});

after(async () => {
  if (!server) return;
  const exited = once(server, 'exit');
  server.stdin.end();
  const [code] = await withDeadline(exited, 'the server to exit');
  assert.equal(code, 0);
});

test('time returns the fake clock', async () => {
  const res = await client.restAPI.time();
  const data = await res.data();
  assert.equal(Number(data.serverTime), NOW);
  assert.equal(res.status, 200);
});

test('exchangeInfo returns the symbols with filters and rate limits', async () => {
  const res = await client.restAPI.exchangeInfo({ symbol: 'BTCUSDT' });
  const data = await res.data();
  assert.equal(data.symbols.length, 1);
  const [btc] = data.symbols;
  assert.equal(btc.symbol, 'BTCUSDT');
  const priceFilter = btc.filters.find((f) => f.filterType === 'PRICE_FILTER');
  assert.equal(priceFilter.tickSize, '0.01000000');
  assert.ok(data.rateLimits.some((l) => l.rateLimitType === 'REQUEST_WEIGHT'));
  // The connector reads the weight header into its rate-limit view.
  assert.ok(res.rateLimits.some((l) => l.rateLimitType === 'REQUEST_WEIGHT' && l.count > 0));

  const several = await (await client.restAPI.exchangeInfo({ symbols: ['BTCUSDT', 'ETHUSDT'] })).data();
  assert.deepEqual(several.symbols.map((s) => s.symbol), ['BTCUSDT', 'ETHUSDT']);
});

test('klines follow startTime, limit and the current candle rule', async () => {
  const start = NOW - 10 * MINUTE;
  const rows = await (await client.restAPI.klines({
    symbol: 'BTCUSDT', interval: '1m', startTime: start, limit: 5,
  })).data();
  assert.equal(rows.length, 5);
  const firstOpen = Math.ceil(start / MINUTE) * MINUTE;
  rows.forEach((row, i) => {
    assert.equal(row.length, 12);
    assert.equal(Number(row[0]), firstOpen + i * MINUTE);
    assert.equal(Number(row[6]), Number(row[0]) + MINUTE - 1);
    assert.match(row[4], /^\d+\.\d{8}$/);
  });

  // Without times: the most recent candles, the last one still forming at NOW.
  const recent = await (await client.restAPI.klines({ symbol: 'BTCUSDT', interval: '1m', limit: 3 })).data();
  assert.equal(recent.length, 3);
  const last = recent[2];
  assert.ok(Number(last[0]) <= NOW && NOW <= Number(last[6]), 'the current candle is included');
});

test('a bad interval is a Binance error', async () => {
  await assert.rejects(
    client.restAPI.klines({ symbol: 'BTCUSDT', interval: '7m' }),
    (err) => /Invalid interval/.test(err.message) || /-1120/.test(JSON.stringify(err)),
  );
});

test('a kline stream subscription receives the closing kline', async () => {
  const connection = await withDeadline(client.websocketStreams.connect(), 'the stream connection');
  try {
    const stream = connection.kline({ symbol: 'btcusdt', interval: '1m' });
    const closed = new Promise((resolve) => {
      stream.on('message', (data) => {
        if (data.k?.x === true) resolve(data);
      });
    });
    await command(`wait-subscribed btcusdt@kline_1m ${DEADLINE_MS}`);
    await command(`advance ${MINUTE}`);
    const event = await withDeadline(closed, 'a closed kline');
    assert.equal(event.e, 'kline');
    assert.equal(event.s, 'BTCUSDT');
    const formingOpen = Math.floor(NOW / MINUTE) * MINUTE;
    assert.equal(Number(event.k.t), formingOpen);
    assert.equal(Number(event.k.T), formingOpen + MINUTE - 1);
    assert.equal(event.k.i, '1m');
  } finally {
    await connection.disconnect();
  }
});
