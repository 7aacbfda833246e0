// The official openai SDK (pinned in package.json), unmodified, against the fake's OpenAI-shaped
// routes: baseURL only (".../v1", ".../together/v1"), maxRetries 0 so every fault is seen once.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { DECISION, DECISION_SCHEMA, KEY, startFake } from './fake.mjs';

let fake;
let client;

const request = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a trading decision engine.' },
    { role: 'user', content: 'BTCUSDT 1m: RSI 71, MACD cross down. Decide.' },
  ],
  temperature: 0.2,
  max_completion_tokens: 512,
  response_format: {
    type: 'json_schema',
    json_schema: { name: 'trade_decision', strict: true, schema: DECISION_SCHEMA },
  },
};

before(async () => {
  fake = await startFake(['--key', `openai=${KEY}`]);
  client = new OpenAI({ apiKey: KEY, baseURL: `${fake.origin}/v1`, maxRetries: 0 });
});

beforeEach(async () => {
  await fake.reset();
});

after(async () => {
  await fake?.stop();
});

test('a json_schema chat completion carries the scripted decision as JSON content', async () => {
  await fake.script('openai', { answer: DECISION, usage: { input_tokens: 61, output_tokens: 24 } });
  const completion = await client.chat.completions.create(request);
  const [choice] = completion.choices;
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.message.refusal, null);
  assert.deepEqual(JSON.parse(choice.message.content), DECISION);
  assert.equal(completion.model, 'gpt-4o-mini');
  assert.deepEqual(completion.usage,
    { prompt_tokens: 61, completion_tokens: 24, total_tokens: 85 });

  const [recorded] = await fake.requests('openai');
  assert.equal(recorded.outcome, 'answer');
  assert.equal(recorded.auth, 'ok');
  assert.equal(recorded.headers.authorization, 'Bearer <redacted>');
  assert.deepEqual(recorded.body_json.response_format, request.response_format);
});

test('a 429 with a retry hint surfaces as RateLimitError with its headers', async () => {
  await fake.script('openai', { fault: 'rate_limited', retry_after_ms: 2500 });
  await assert.rejects(client.chat.completions.create(request), (err) => {
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.status, 429);
    assert.equal(err.code, 'rate_limit_exceeded');
    assert.equal(err.headers.get('retry-after'), '3');
    assert.equal(err.headers.get('retry-after-ms'), '2500');
    assert.equal(err.headers.get('x-ratelimit-remaining-tokens'), '0');
    assert.match(err.message, /Please try again in 2\.5s\./);
    return true;
  });
});

test('insufficient_quota is a 429 with its own code', async () => {
  await fake.script('openai', { fault: 'quota_exhausted' });
  await assert.rejects(client.chat.completions.create(request), (err) => {
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.code, 'insufficient_quota');
    assert.equal(err.type, 'insufficient_quota');
    assert.equal(err.headers.get('retry-after'), null);
    return true;
  });
});

test('a wrong key is an AuthenticationError (invalid_api_key)', async () => {
  const stranger = new OpenAI({ apiKey: 'not-the-key', baseURL: `${fake.origin}/v1`,
    maxRetries: 0 });
  await assert.rejects(stranger.chat.completions.create(request), (err) => {
    assert.ok(err instanceof OpenAI.AuthenticationError);
    assert.equal(err.code, 'invalid_api_key');
    return true;
  });
  const [recorded] = await fake.requests('openai');
  assert.equal(recorded.auth, 'wrong');
});

test('a 500 is an InternalServerError and a bad request a BadRequestError', async () => {
  await fake.script('openai', { fault: 'server_error' });
  await assert.rejects(client.chat.completions.create(request), OpenAI.InternalServerError);
  const flat = { ...request, response_format: { type: 'json_schema', schema: DECISION_SCHEMA } };
  await assert.rejects(client.chat.completions.create(flat), (err) => {
    assert.ok(err instanceof OpenAI.BadRequestError);
    assert.equal(err.param, 'response_format.json_schema');
    return true;
  });
});

test('refusal, content_filter and length arrive as the SDK expects them', async () => {
  await fake.script('openai', { fault: 'safety_block' }, { fault: 'blocked_prompt' },
    { fault: 'truncated' });
  const refused = await client.chat.completions.create(request);
  assert.equal(refused.choices[0].message.content, null);
  assert.match(refused.choices[0].message.refusal, /can't help/);
  const filtered = await client.chat.completions.create(request);
  assert.equal(filtered.choices[0].finish_reason, 'content_filter');
  const truncated = await client.chat.completions.create(request);
  assert.equal(truncated.choices[0].finish_reason, 'length');
  assert.throws(() => JSON.parse(truncated.choices[0].message.content));
});

test('a connection that never answers times out in the SDK', async () => {
  await fake.script('openai', { fault: 'timeout' });
  const impatient = new OpenAI({ apiKey: KEY, baseURL: `${fake.origin}/v1`, maxRetries: 0,
    timeout: 300 });
  await assert.rejects(impatient.chat.completions.create(request),
    OpenAI.APIConnectionTimeoutError);
});

test('the Together route answers with finish_reason eos', async () => {
  const together = new OpenAI({ apiKey: 'together-key', baseURL: `${fake.origin}/together/v1`,
    maxRetries: 0 });
  await fake.script('together', { answer: DECISION });
  const completion = await together.chat.completions.create({ ...request,
    model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo' });
  assert.equal(completion.choices[0].finish_reason, 'eos');
  assert.deepEqual(JSON.parse(completion.choices[0].message.content), DECISION);
  const stats = await fake.control('GET', 'stats');
  assert.equal(stats.requests.together, 1);
  assert.equal(stats.requests.openai, 0);
});
