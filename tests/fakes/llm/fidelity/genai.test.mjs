// The official @google/genai SDK (pinned in package.json), unmodified, against the fake's
// generateContent route: httpOptions.baseUrl is the origin (the SDK appends /v1beta/models/...);
// no retryOptions, so the SDK does not retry.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, GoogleGenAI, Type } from '@google/genai';
import { DECISION, KEY, startFake } from './fake.mjs';

let fake;
let ai;

// The decision as Gemini's OpenAPI-subset Schema.
const RESPONSE_SCHEMA = {
  type: Type.OBJECT,
  properties: {
    action: { type: Type.STRING, enum: ['BUY', 'SELL', 'HOLD'] },
    confidence: { type: Type.NUMBER },
    reasoning: { type: Type.STRING },
    factors: { type: Type.ARRAY, items: { type: Type.STRING } },
    position_size: { type: Type.NUMBER },
    stop_loss_pct: { type: Type.NUMBER },
    take_profit_pct: { type: Type.NUMBER },
  },
  required: ['action', 'confidence', 'reasoning', 'factors', 'position_size', 'stop_loss_pct',
    'take_profit_pct'],
  propertyOrdering: ['action', 'confidence', 'reasoning', 'factors', 'position_size',
    'stop_loss_pct', 'take_profit_pct'],
};

const request = {
  model: 'gemini-2.5-flash',
  contents: [
    { role: 'user', parts: [{ text: 'BTCUSDT 1m: RSI 71, MACD cross down. Decide.' }] },
    { role: 'model', parts: [{ text: JSON.stringify({ ...DECISION, action: 'HOLD' }) }] },
    { role: 'user', parts: [{ text: 'Price broke support. Decide again.' }] },
  ],
  config: {
    systemInstruction: 'You are a trading decision engine. Reply only with JSON.',
    temperature: 0.2,
    maxOutputTokens: 512,
    responseMimeType: 'application/json',
    responseSchema: RESPONSE_SCHEMA,
  },
};

before(async () => {
  fake = await startFake(['--key', `gemini=${KEY}`]);
  ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: fake.origin } });
});

beforeEach(async () => {
  await fake.reset();
});

after(async () => {
  await fake?.stop();
});

test('generateContent with responseSchema: response.text is the decision JSON', async () => {
  await fake.script('gemini', { answer: DECISION, usage: { input_tokens: 61, output_tokens: 24 } });
  const response = await ai.models.generateContent(request);
  assert.deepEqual(JSON.parse(response.text), DECISION);
  assert.equal(response.candidates[0].finishReason, 'STOP');
  assert.equal(response.usageMetadata.totalTokenCount, 85);
  assert.equal(response.modelVersion, 'gemini-2.5-flash');

  const [recorded] = await fake.requests('gemini');
  assert.equal(recorded.path, '/v1beta/models/gemini-2.5-flash:generateContent');
  assert.equal(recorded.headers['x-goog-api-key'], '<redacted>');
  assert.equal(recorded.body_json.generationConfig.responseMimeType, 'application/json');
  assert.deepEqual(recorded.body_json.contents.map((c) => c.role), ['user', 'model', 'user']);
});

test('thought parts are not part of response.text', async () => {
  await fake.script('gemini', { answer: DECISION, thought: 'Weighing RSI against MACD...' });
  const response = await ai.models.generateContent(request);
  assert.equal(response.candidates[0].content.parts.length, 2);
  assert.deepEqual(JSON.parse(response.text), DECISION);
});

test('a 429 is an ApiError whose message carries RetryInfo.retryDelay', async () => {
  await fake.script('gemini', { fault: 'rate_limited', retry_after_ms: 26000 });
  await assert.rejects(ai.models.generateContent(request), (err) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.status, 429);
    const body = JSON.parse(err.message);
    assert.equal(body.error.status, 'RESOURCE_EXHAUSTED');
    const retry = body.error.details.find((d) => d['@type'].endsWith('google.rpc.RetryInfo'));
    assert.equal(retry.retryDelay, '26s');
    return true;
  });
});

test('503 UNAVAILABLE and a wrong key (400 API_KEY_INVALID)', async () => {
  await fake.script('gemini', { fault: 'overloaded' });
  await assert.rejects(ai.models.generateContent(request), (err) => {
    assert.equal(err.status, 503);
    assert.equal(JSON.parse(err.message).error.status, 'UNAVAILABLE');
    return true;
  });
  const stranger = new GoogleGenAI({ apiKey: 'not-the-key',
    httpOptions: { baseUrl: fake.origin } });
  await assert.rejects(stranger.models.generateContent(request), (err) => {
    assert.equal(err.status, 400);
    assert.equal(JSON.parse(err.message).error.details[0].reason, 'API_KEY_INVALID');
    return true;
  });
});

test('a blocked prompt has no candidates and a SAFETY block reason', async () => {
  await fake.script('gemini', { fault: 'blocked_prompt' }, { fault: 'truncated' });
  const blocked = await ai.models.generateContent(request);
  assert.equal(blocked.candidates, undefined);
  assert.equal(blocked.promptFeedback.blockReason, 'SAFETY');
  assert.equal(blocked.text, undefined);
  const truncated = await ai.models.generateContent(request);
  assert.equal(truncated.candidates[0].finishReason, 'MAX_TOKENS');
  assert.throws(() => JSON.parse(truncated.text));
});
