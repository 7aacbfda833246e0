// The official @anthropic-ai/sdk (pinned in package.json), unmodified, against the fake's
// /v1/messages route: baseURL is the origin (the SDK appends /v1/messages), maxRetries 0.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { DECISION, DECISION_SCHEMA, KEY, startFake } from './fake.mjs';

let fake;
let client;

const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 512,
  temperature: 0.2,
  system: 'You are a trading decision engine.',
  messages: [{ role: 'user', content: 'BTCUSDT 1m: RSI 71, MACD cross down. Decide.' }],
  tools: [{ name: 'emit_decision', description: 'Return the trade decision.',
    input_schema: DECISION_SCHEMA }],
  tool_choice: { type: 'tool', name: 'emit_decision' },
};

before(async () => {
  fake = await startFake(['--key', `anthropic=${KEY}`]);
  client = new Anthropic({ apiKey: KEY, baseURL: fake.origin, maxRetries: 0 });
});

beforeEach(async () => {
  await fake.reset();
});

after(async () => {
  await fake?.stop();
});

test('the forced tool comes back as a tool_use block whose input is an object', async () => {
  await fake.script('anthropic', { answer: DECISION, usage: { input_tokens: 412, output_tokens: 58 } });
  const message = await client.messages.create(request);
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(message.content.length, 1);
  const [block] = message.content;
  assert.equal(block.type, 'tool_use');
  assert.equal(block.name, 'emit_decision');
  assert.equal(typeof block.input, 'object');
  assert.deepEqual(block.input, DECISION);
  assert.equal(message.usage.input_tokens, 412);
  assert.equal(message.usage.output_tokens, 58);

  const [recorded] = await fake.requests('anthropic');
  assert.equal(recorded.headers['x-api-key'], '<redacted>');
  assert.equal(recorded.headers['anthropic-version'], '2023-06-01');
  assert.equal(recorded.body_json.max_tokens, 512);
});

test('529 surfaces as an APIError with status 529 and overloaded_error', async () => {
  await fake.script('anthropic', { fault: 'overloaded' });
  await assert.rejects(client.messages.create(request), (err) => {
    assert.ok(err instanceof Anthropic.APIError, String(err));
    assert.equal(err.status, 529);
    assert.equal(err.error.type, 'error');
    assert.equal(err.error.error.type, 'overloaded_error');
    assert.match(err.requestID, /^req_fake_/);
    return true;
  });
});

test('a 429 carries retry-after; the spend limit carries its error_code', async () => {
  await fake.script('anthropic', { fault: 'rate_limited', retry_after_ms: 7000 },
    { fault: 'quota_exhausted' });
  await assert.rejects(client.messages.create(request), (err) => {
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.headers.get('retry-after'), '7');
    return true;
  });
  await assert.rejects(client.messages.create(request), (err) => {
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.error.error.details.error_code, 'enforced_spend_limit_reached');
    return true;
  });
});

test('a wrong key is an AuthenticationError', async () => {
  const stranger = new Anthropic({ apiKey: 'not-the-key', baseURL: fake.origin, maxRetries: 0 });
  await assert.rejects(stranger.messages.create(request), Anthropic.AuthenticationError);
});

test('a request without max_tokens is refused with invalid_request_error', async () => {
  const { max_tokens: _omitted, ...without } = request;
  await assert.rejects(client.messages.create(without), (err) => {
    assert.ok(err instanceof Anthropic.BadRequestError);
    assert.equal(err.error.error.type, 'invalid_request_error');
    assert.match(err.error.error.message, /max_tokens/);
    return true;
  });
});

test('prose instead of the tool call, refusal and max_tokens', async () => {
  await fake.script('anthropic', { fault: 'prose' }, { fault: 'safety_block' },
    { fault: 'truncated' });
  const prose = await client.messages.create(request);
  assert.equal(prose.stop_reason, 'end_turn');
  assert.deepEqual(prose.content.map((b) => b.type), ['text']);
  const refusal = await client.messages.create(request);
  assert.equal(refusal.stop_reason, 'refusal');
  const truncated = await client.messages.create(request);
  assert.equal(truncated.stop_reason, 'max_tokens');
});
