// The official Binance Spot connector (@binance/spot, pinned in package.json) against the fake:
// time, exchangeInfo, klines and a kline stream subscription receiving a closed kline; signed
// requests (a MARKET order, a resting LIMIT order queried and canceled, the account) and the
// WebSocket API user data stream (userDataStream.subscribe.signature, then the events of an
// order). The client is used unmodified; only its base URLs and the fake's key/secret are
// configured. Started by run-fidelity, which makes the TLS certificate and sets
// NODE_EXTRA_CA_CERTS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { Spot } from '@binance/spot';

const NOW = 1_700_000_000_000; // the fake's market clock; not on a minute boundary
const MINUTE = 60_000;
const DEADLINE_MS = 10_000;
const API_KEY = 'fidelity-key';
const API_SECRET = 'fidelity-secret';

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
      process.env.FAKE_BINANCE_CERT, '--tls-key', process.env.FAKE_BINANCE_KEY,
      '--api-key', API_KEY, '--api-secret', API_SECRET, '--balances', 'USDT=10000'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  lines = readline.createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  const first = await nextLine('PORT');
  const port = Number(/^PORT (\d+)$/.exec(first)?.[1]);
  assert.ok(port > 0, `unexpected first line "${first}"`);
  client = new Spot({
    configurationRestAPI: { apiKey: API_KEY, apiSecret: API_SECRET, basePath: `https://127.0.0.1:${port}` },
    configurationWebsocketStreams: { wsURL: `wss://127.0.0.1:${port}` },
    configurationWebsocketAPI: {
      apiKey: API_KEY, apiSecret: API_SECRET, wsURL: `wss://127.0.0.1:${port}/ws-api/v3`,
    },
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

// The connector signs with its wall clock (Date.now()); the fake's market clock stands where the
// tests moved it. Put the fake's serverTime 2 s ahead of the wall clock, inside Binance's timing
// rule (timestamp < serverTime + 1 s, serverTime - timestamp <= recvWindow 5 s) for a few seconds.
async function skewServerTime(aheadMs) {
  const clock = Number((await command('now')).slice(3));
  await command(`skew ${Date.now() - clock + aheadMs}`);
}

async function syncServerTime() {
  await skewServerTime(2000);
}

async function oneLineJson(text) {
  const answer = await command(text);
  return JSON.parse(answer.slice(3));
}

test('a signed MARKET order fills at the fake price and shows in the account', async () => {
  await syncServerTime();
  const res = await client.restAPI.newOrder({
    symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.1, newClientOrderId: 'fid-market-1',
  });
  const order = await res.data();
  assert.equal(order.status, 'FILLED');
  assert.equal(order.clientOrderId, 'fid-market-1');
  assert.equal(order.fills.length, 1);
  assert.equal(order.fills[0].commissionAsset, 'BTC');
  const price = (await command('price BTCUSDT')).slice(3);
  assert.equal(order.fills[0].price, price);

  const account = await (await client.restAPI.getAccount({ omitZeroBalances: true })).data();
  const btc = account.balances.find((b) => b.asset === 'BTC');
  assert.equal(btc.free, '0.09990000'); // 0.1 minus the 0.1 % commission
  const balances = await oneLineJson('balances');
  assert.equal(balances.BTC.free, btc.free);
});

test('a resting LIMIT order is queried and canceled', async () => {
  await syncServerTime();
  const placed = await (await client.restAPI.newOrder({
    symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 0.1, price: 50,
    newClientOrderId: 'fid-limit-1',
  })).data();
  assert.equal(placed.status, 'NEW');
  const queried = await (await client.restAPI.getOrder({
    symbol: 'BTCUSDT', origClientOrderId: 'fid-limit-1',
  })).data();
  assert.equal(Number(queried.orderId), Number(placed.orderId));
  assert.equal(queried.isWorking, true);
  const canceled = await (await client.restAPI.deleteOrder({
    symbol: 'BTCUSDT', orderId: placed.orderId,
  })).data();
  assert.equal(canceled.status, 'CANCELED');
  assert.equal(canceled.origClientOrderId, 'fid-limit-1');
  assert.deepEqual(await oneLineJson('open-orders'), []);
});

test('a signed request with a stale timestamp is refused with -1021', async () => {
  await skewServerTime(60_000);
  await assert.rejects(
    client.restAPI.getAccount(),
    (err) => /recvWindow/.test(err.message) || /-1021/.test(JSON.stringify(err)),
  );
  await syncServerTime();
});

test('the WebSocket API user data stream delivers the events of an order', async () => {
  const connection = await withDeadline(client.websocketAPI.connect(), 'the WebSocket API');
  try {
    await syncServerTime();
    const { response, stream } = await withDeadline(
      connection.userDataStreamSubscribeSignature(), 'the subscription');
    assert.equal(typeof response.data.subscriptionId, 'number');
    const filled = new Promise((resolve) => {
      stream.on('message', (event) => {
        if (event.e === 'executionReport' && event.X === 'FILLED') resolve(event);
      });
    });
    await command('wait-user-stream 5000');
    await syncServerTime();
    await client.restAPI.newOrder({
      symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: 0.05, newClientOrderId: 'fid-ws-1',
    });
    const event = await withDeadline(filled, 'the FILLED executionReport');
    assert.equal(event.c, 'fid-ws-1');
    assert.equal(event.S, 'SELL');
    assert.equal(event.N, 'USDT');
  } finally {
    await connection.disconnect();
  }
});

test('order faults and exchange state through the server commands', async () => {
  await command('order-fault accept-then-503 1');
  await syncServerTime();
  await assert.rejects(client.restAPI.newOrder({
    symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.1, newClientOrderId: 'fid-5xx-1',
  }));
  const orders = await oneLineJson('orders');
  const executed = orders.find((o) => o.clientOrderId === 'fid-5xx-1');
  assert.equal(executed?.status, 'FILLED', 'the order behind the 503 was executed');
  const trades = await oneLineJson('trades');
  assert.ok(trades.some((t) => t.orderId === executed.orderId && t.commissionAsset === 'BTC'));

  await command('order-fault delayed-visibility 2');
  await client.restAPI.newOrder({
    symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.1, newClientOrderId: 'fid-late-1',
  });
  for (let i = 0; i < 2; i += 1) {
    await assert.rejects(
      client.restAPI.getOrder({ symbol: 'BTCUSDT', origClientOrderId: 'fid-late-1' }),
      (err) => /-2013/.test(JSON.stringify(err)) || /does not exist/.test(err.message),
    );
  }
  const found = await (await client.restAPI.getOrder({
    symbol: 'BTCUSDT', origClientOrderId: 'fid-late-1',
  })).data();
  assert.equal(found.status, 'FILLED');

  await command('order-fault reject-2010 3');
  await command('clear-faults');
  await command('set-price BTCUSDT 123.45');
  assert.equal(await command('price BTCUSDT'), 'OK 123.45000000');
  const filled = await (await client.restAPI.newOrder({
    symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.1,
  })).data();
  assert.equal(filled.fills[0].price, '123.45000000');
});
