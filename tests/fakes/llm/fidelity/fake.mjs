// Starts fake_llm_server (path in FAKE_LLM_SERVER) for one test file and drives it through its
// HTTP control endpoint (/_fake/...), the way a daemon end-to-end test would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';

const DEADLINE_MS = 10_000;

export const KEY = 'fake-key-for-fidelity';

// The decision our client asks for, as a strict JSON Schema (OpenAI, Anthropic input_schema).
export const DECISION_SCHEMA = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: ['BUY', 'SELL', 'HOLD'] },
    confidence: { type: 'number' },
    reasoning: { type: 'string' },
    factors: { type: 'array', items: { type: 'string' } },
    position_size: { type: 'number' },
    stop_loss_pct: { type: 'number' },
    take_profit_pct: { type: 'number' },
  },
  required: ['action', 'confidence', 'reasoning', 'factors', 'position_size', 'stop_loss_pct',
    'take_profit_pct'],
  additionalProperties: false,
};

export const DECISION = {
  action: 'SELL',
  confidence: 0.72,
  reasoning: 'support broken',
  factors: ['rsi_overbought', 'macd_cross_down'],
  position_size: 0.1,
  stop_loss_pct: 2,
  take_profit_pct: 4,
};

export function withDeadline(promise, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), DEADLINE_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export async function startFake(args = []) {
  const child = spawn(process.env.FAKE_LLM_SERVER, ['--exit-on-eof', ...args],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { value: first } = await withDeadline(lines.next(), 'PORT');
  const port = Number(/^PORT (\d+)$/.exec(first ?? '')?.[1]);
  assert.ok(port > 0, `unexpected first line "${first}"`);
  const origin = `http://127.0.0.1:${port}`;

  async function control(method, path, body) {
    const res = await fetch(`${origin}/_fake/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    assert.ok(res.ok, `${method} /_fake/${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  return {
    origin,
    control,
    script: (provider, ...behaviours) => control('POST', 'script', { provider, behaviours }),
    configure: (provider, knobs) => control('POST', 'config', { provider, ...knobs }),
    requests: async (provider) => (await control('GET', `requests?provider=${provider}`)).requests,
    reset: () => control('POST', 'reset'),
    async stop() {
      const exited = once(child, 'exit');
      child.stdin.end();
      const [code] = await withDeadline(exited, 'fake_llm_server to exit');
      assert.equal(code, 0);
    },
  };
}
