import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GoogleGenAI, Modality, type LiveServerMessage } from '@google/genai';
import {
  createTokenHandler,
  DEFAULT_LIVE_MODEL,
  type TokenHandlerOptions,
  type TokenResponseBody,
} from '../../../src/server/index.js';
import { assertNoSecret, captureConsole, listen, SIM_KEY, startTestSimulator, waitFor, type TestSimulator } from './helpers.js';

const ORIGIN = 'https://app.example.com';

function post(body?: unknown, headers: Record<string, string> = {}): Request {
  return new Request('https://app.example.com/api/gemini-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Opens a Live session with an ephemeral token the way the browser does, with the real SDK. */
async function connectWithToken(baseUrl: string, token: string, model: string, config = {}) {
  const messages: LiveServerMessage[] = [];
  let closeEvent: { code: number; reason: string } | undefined;
  const ai = new GoogleGenAI({ apiKey: token, httpOptions: { baseUrl, apiVersion: 'v1alpha' } });
  const session = await ai.live.connect({
    model,
    config: { responseModalities: [Modality.AUDIO], ...config },
    callbacks: {
      onmessage: (message) => messages.push(message),
      onclose: (event) => (closeEvent = { code: event.code, reason: event.reason }),
      onerror: () => {},
    },
  });
  return { session, messages, closed: () => closeEvent };
}

describe('createTokenHandler', () => {
  const logs = captureConsole();
  let sim: TestSimulator;
  const handler = (options: Partial<TokenHandlerOptions> = {}) =>
    createTokenHandler({ apiKey: SIM_KEY, httpOptions: { baseUrl: sim.url }, ...options });
  /** Calls a handler and checks that the key appears nowhere in the response. */
  const call = async (fetchHandler: (request: Request) => Promise<Response>, request: Request) => {
    const response = await fetchHandler(request);
    const text = await assertNoSecret(response.clone(), SIM_KEY);
    return { response, text, json: text ? JSON.parse(text) : undefined };
  };

  before(async () => {
    sim = await startTestSimulator();
  });
  after(async () => {
    await sim?.close();
    logs.restore();
    logs.assertNever(SIM_KEY);
  });

  it('requires an API key at creation', () => {
    assert.throws(() => createTokenHandler({} as TokenHandlerOptions), { name: 'TypeError', message: /apiKey/ });
    assert.throws(() => createTokenHandler({ apiKey: '  ' }), /apiKey/);
    assert.throws(() => createTokenHandler({ apiKey: 'k', uses: -1 }), /uses/);
    assert.throws(() => createTokenHandler({ apiKey: 'k', newSessionExpireSeconds: 10, expireSeconds: 5 }));
    assert.throws(() => createTokenHandler({ apiKey: 'k', allowedOrigins: ['https://a.example/path'] }), /origin/);
  });

  it('mints a token that the SDK can open a Live session with', async () => {
    const { response, json } = await call(handler(), post({ model: DEFAULT_LIVE_MODEL }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const body = json as TokenResponseBody;
    assert.match(body.token, /^auth_tokens\/.+/);
    assert.ok(Date.parse(body.expireTime) > Date.now() + 25 * 60_000);
    assert.ok(Date.parse(body.newSessionExpireTime) > Date.now());

    const { session, messages } = await connectWithToken(sim.url, body.token, DEFAULT_LIVE_MODEL);
    session.sendClientContent({ turns: 'Hello!', turnComplete: true });
    await waitFor(() => messages.some((message) => message.serverContent?.turnComplete), { timeout: 5000 });
    session.close();
  });

  it('makes single-use tokens: a second connection with the same token is refused', async () => {
    const { json } = await call(handler(), post({}));
    const token = (json as TokenResponseBody).token;
    const first = await connectWithToken(sim.url, token, DEFAULT_LIVE_MODEL);
    first.session.close();
    await assert.rejects(connectWithToken(sim.url, token, DEFAULT_LIVE_MODEL), /closed before setup completed/);
  });

  it('honours `uses`', async () => {
    const { json } = await call(handler({ uses: 2 }), post({}));
    const token = (json as TokenResponseBody).token;
    for (let i = 0; i < 2; i++) (await connectWithToken(sim.url, token, DEFAULT_LIVE_MODEL)).session.close();
    await assert.rejects(connectWithToken(sim.url, token, DEFAULT_LIVE_MODEL));
  });

  it('locks the model: a session asking for another model runs on the locked one', async () => {
    const { json } = await call(handler(), post({}));
    const token = (json as TokenResponseBody).token;
    const { session } = await connectWithToken(sim.url, token, 'gemini-2.0-flash-live-001');
    const record = sim.connections[sim.connections.length - 1];
    assert.equal(record.setup?.model, 'models/gemini-2.0-flash-live-001');
    assert.equal(record.model, DEFAULT_LIVE_MODEL);
    assert.ok(record.overriddenFields.includes('model'));
    session.close();
  });

  it('uses the body-less request for the default model and accepts a `models/` prefix', async () => {
    const empty = await call(handler(), new Request('https://app.example.com/t', { method: 'POST' }));
    assert.equal(empty.response.status, 200);
    const prefixed = await call(handler(), post({ model: `models/${DEFAULT_LIVE_MODEL}` }));
    assert.equal(prefixed.response.status, 200);
  });

  it('lets `models` allow several models and refuses the rest with 400', async () => {
    const h = handler({ models: ['model-a', 'model-b'], rateLimit: false });
    assert.equal((await call(h, post({ model: 'model-b' }))).response.status, 200);
    const refused = await call(h, post({ model: DEFAULT_LIVE_MODEL }));
    assert.equal(refused.response.status, 400);
    assert.equal(refused.json.error.code, 'unknown-model');
  });

  it('answers 400 to bad JSON and malformed bodies', async () => {
    const h = handler({ rateLimit: false });
    for (const [body, code] of [
      ['{not json', 'invalid-json'],
      ['[1,2]', 'invalid-request'],
      ['"text"', 'invalid-request'],
      [{ model: 42 }, 'invalid-request'],
      [{ model: 'not-a-live-model' }, 'unknown-model'],
    ] as const) {
      const { response, json } = await call(h, post(body));
      assert.equal(response.status, 400, `status for ${JSON.stringify(body)}`);
      assert.equal(json.error.code, code);
      assert.equal(typeof json.error.message, 'string');
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });

  it('answers 413 to large bodies', async () => {
    const { response, json } = await call(handler(), post({ model: 'x'.repeat(10_000) }));
    assert.equal(response.status, 413);
    assert.equal(json.error.code, 'payload-too-large');
  });

  it('answers 405 with Allow to anything but POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const { response, json } = await call(handler(), new Request('https://app.example.com/t', { method }));
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'POST');
      assert.equal(json.error.code, 'method-not-allowed');
    }
  });

  describe('with allowedOrigins', () => {
    const h = () => handler({ allowedOrigins: [ORIGIN, 'http://localhost:8000'] });

    it('answers 403 to other origins and adds CORS headers for listed ones', async () => {
      const refused = await call(h(), post({}, { origin: 'https://evil.example' }));
      assert.equal(refused.response.status, 403);
      assert.equal(refused.json.error.code, 'origin-not-allowed');
      assert.equal(refused.response.headers.get('access-control-allow-origin'), null);

      const allowed = await call(h(), post({}, { origin: ORIGIN }));
      assert.equal(allowed.response.status, 200);
      assert.equal(allowed.response.headers.get('access-control-allow-origin'), ORIGIN);
      assert.match(allowed.response.headers.get('vary') ?? '', /Origin/);

      // Non-browser callers send no Origin.
      assert.equal((await call(h(), post({}))).response.status, 200);
    });

    it('answers preflights from listed origins and refuses the others', async () => {
      const preflight = (origin: string) =>
        new Request('https://app.example.com/t', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
      const ok = await call(h(), preflight('http://localhost:8000'));
      assert.equal(ok.response.status, 204);
      assert.equal(ok.response.headers.get('access-control-allow-origin'), 'http://localhost:8000');
      assert.match(ok.response.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match(ok.response.headers.get('access-control-allow-headers') ?? '', /content-type/i);

      const refused = await call(h(), preflight('https://evil.example'));
      assert.equal(refused.response.status, 403);

      const get = await call(
        h(),
        new Request('https://app.example.com/t', { method: 'GET', headers: { origin: ORIGIN } }),
      );
      assert.equal(get.response.status, 405);
      assert.equal(get.response.headers.get('allow'), 'POST, OPTIONS');
    });
  });

  it('answers 429 with Retry-After once a client exceeds the limit', async () => {
    const h = handler({ rateLimit: { limit: 2, windowSeconds: 60 } });
    const from = (ip: string) => (request: Request) => h(request, { remoteAddress: ip });
    assert.equal((await call(from('203.0.113.1'), post({}))).response.status, 200);
    assert.equal((await call(from('203.0.113.1'), post({}))).response.status, 200);
    const limited = await call(from('203.0.113.1'), post({}));
    assert.equal(limited.response.status, 429);
    assert.equal(limited.json.error.code, 'rate-limited');
    const retryAfter = Number(limited.response.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60);
    // Another client is unaffected.
    assert.equal((await call(from('203.0.113.2'), post({}))).response.status, 200);
  });

  it('takes a custom limiter and client key', async () => {
    const keys: string[] = [];
    const h = handler({
      clientKey: (request) => request.headers.get('x-user') ?? 'nobody',
      rateLimit: {
        consume: (key) => {
          keys.push(key);
          return key === 'blocked' ? { allowed: false, retryAfterSeconds: 7.2 } : { allowed: true };
        },
      },
    });
    assert.equal((await call(h, post({}, { 'x-user': 'alice' }))).response.status, 200);
    const blocked = await call(h, post({}, { 'x-user': 'blocked' }));
    assert.equal(blocked.response.status, 429);
    assert.equal(blocked.response.headers.get('retry-after'), '8');
    assert.deepEqual(keys, ['alice', 'blocked']);
  });

  it('answers 401 when authorize() refuses', async () => {
    const h = handler({ authorize: (request) => request.headers.get('cookie') === 'session=ok' });
    const refused = await call(h, post({}));
    assert.equal(refused.response.status, 401);
    assert.equal(refused.json.error.code, 'unauthorized');
    assert.equal((await call(h, post({}, { cookie: 'session=ok' }))).response.status, 200);
  });

  it('gives authorize() the request itself, and leaves no body unread whether it reads the body or not', async () => {
    const seen: Request[] = [];
    const reads = handler({
      authorize: async (request) => {
        seen.push(request);
        return ((await request.json()) as { pw?: string }).pw === 'x';
      },
    });
    const allowed = post({ pw: 'x', model: 'models/none-such' });
    const answer = await call(reads, allowed);
    assert.equal(answer.response.status, 400, 'the handler read the body after authorize() had');
    assert.equal(answer.json.error.code, 'unknown-model');
    assert.equal(seen[0], allowed);
    // A refusal: the handler never reads the body, and authorize() here reads none either.
    const glance = handler({ authorize: () => false });
    const refused = post({ pw: 'y' });
    assert.equal((await call(glance, refused)).response.status, 401);
    assert.equal(refused.bodyUsed, true, 'the unread body is cancelled, not left buffered');
  });

  it('locks `config` into the token and leaves the other fields to the browser', async () => {
    // The simulator's text-answering model: no current Live model answers in TEXT.
    const TEXT_MODEL = 'simulator-text-live';
    const h = handler({
      model: TEXT_MODEL,
      config: { systemInstruction: 'Always answer in French.', responseModalities: [Modality.TEXT] },
    });
    const mint = async () => ((await call(h, post({}))).json as TokenResponseBody).token;

    // The browser asks for audio and its own instruction; the token's values win, its voice choice stays.
    const { session, messages } = await connectWithToken(sim.url, await mint(), TEXT_MODEL, {
      responseModalities: [Modality.AUDIO],
      systemInstruction: 'Answer in German.',
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
    });
    const record = sim.connections[sim.connections.length - 1];
    assert.deepEqual(record.effectiveSetup?.generationConfig?.responseModalities, ['TEXT']);
    assert.equal(record.effectiveSetup?.systemInstruction?.parts?.[0]?.text, 'Always answer in French.');
    const voice = record.effectiveSetup?.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName;
    assert.equal(voice, 'Kore');
    assert.ok(record.overriddenFields.includes('generationConfig.responseModalities'));
    session.sendClientContent({ turns: 'Hello!', turnComplete: true });
    await waitFor(() => messages.some((message) => message.serverContent?.turnComplete), { timeout: 5000 });
    const parts = messages.flatMap((message) => message.serverContent?.modelTurn?.parts ?? []);
    assert.ok(parts.some((part) => part.text), 'the answer is text, as locked');
    assert.ok(!parts.some((part) => part.inlineData), 'no audio despite the browser asking for it');
    session.close();

    // A service that refuses contradicting setups instead of overriding them.
    await sim.control.configure({ tokenConstraintMode: 'reject' });
    try {
      await assert.rejects(
        connectWithToken(sim.url, await mint(), TEXT_MODEL, { responseModalities: [Modality.AUDIO] }),
        /closed before setup completed/,
      );
      const agreeing = await connectWithToken(sim.url, await mint(), TEXT_MODEL, {
        responseModalities: [Modality.TEXT],
        systemInstruction: 'Always answer in French.',
      });
      agreeing.session.close();
    } finally {
      await sim.control.configure({ tokenConstraintMode: 'override' });
    }
  });

  it("locks the whole setup with lockAdditionalFields: 'all'", async () => {
    const h = handler({ lockAdditionalFields: 'all', config: { responseModalities: [Modality.AUDIO] } });
    const token = ((await call(h, post({}))).json as TokenResponseBody).token;
    const { session } = await connectWithToken(sim.url, token, DEFAULT_LIVE_MODEL, {
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } },
    });
    const record = sim.connections[sim.connections.length - 1];
    assert.equal(record.effectiveSetup?.generationConfig?.speechConfig, undefined, 'the browser chose nothing');
    session.close();
  });

  it('passes the request context to a config function', async () => {
    const seen: { model: string; clientKey: string }[] = [];
    const h = handler({
      models: ['model-a', 'model-b'],
      config: ({ model, clientKey }) => {
        seen.push({ model, clientKey });
        return { systemInstruction: `You run on ${model}.` };
      },
    });
    const fromPeer = (request: Request) => h(request, { remoteAddress: '192.0.2.5' });
    assert.equal((await call(fromPeer, post({ model: 'model-b' }))).response.status, 200);
    assert.deepEqual(seen, [{ model: 'model-b', clientKey: '192.0.2.5' }]);
  });

  it('answers 502 when the token service refuses the key, without leaking it', async () => {
    const wrongKey = 'AIzaWrongKeyForTesting-1234567890';
    const errors: Error[] = [];
    const h = createTokenHandler({
      apiKey: wrongKey,
      httpOptions: { baseUrl: sim.url },
      onError: (error) => errors.push(error),
    });
    const response = await h(post({}), { remoteAddress: '192.0.2.1' });
    const text = await assertNoSecret(response, wrongKey);
    assert.equal(response.status, 502);
    assert.equal(JSON.parse(text).error.code, 'upstream-error');
    assert.equal(errors.length, 1);
    assert.ok(!errors[0].message.includes(wrongKey));
  });

  it('scrubs the key from upstream errors that echo it, in logs too', async () => {
    const secret = 'AIzaEchoedKey-abcdef0123456789';
    const service = await listen((request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: {
            code: 400,
            message: `API key ${request.headers['x-goog-api-key']} is invalid`,
            status: 'INVALID_ARGUMENT',
          },
        }),
      );
    });
    const before = logs.lines.length;
    try {
      const h = createTokenHandler({ apiKey: secret, httpOptions: { baseUrl: service.url } });
      const response = await h(post({}));
      assert.equal(response.status, 502);
      await assertNoSecret(response, secret);
      const logged = logs.lines.slice(before).join('\n');
      assert.match(logged, /\[redacted\] is invalid/, 'the default logger reported the failure');
      assert.ok(!logged.includes(secret));
    } finally {
      await service.close();
    }
  });

  it('answers 502 when the token service is unreachable or answers nonsense', async () => {
    const service = await listen((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ name: 'not-a-token' }));
    });
    const errors: Error[] = [];
    try {
      const nonsense = createTokenHandler({
        apiKey: 'k-1234',
        httpOptions: { baseUrl: service.url },
        onError: (error) => errors.push(error),
      });
      assert.equal((await nonsense(post({}), { remoteAddress: '192.0.2.1' })).status, 502);
    } finally {
      await service.close();
    }
    const unreachable = createTokenHandler({
      apiKey: 'k-1234',
      httpOptions: { baseUrl: service.url },
      onError: (error) => errors.push(error),
    });
    assert.equal((await unreachable(post({}), { remoteAddress: '192.0.2.1' })).status, 502);
    assert.equal(errors.length, 2);
  });

  it('follows no redirect from the token service, so the API key goes nowhere else', async () => {
    const elsewhere: string[] = [];
    const other = await listen((request, response) => {
      elsewhere.push(String(request.headers['x-goog-api-key']));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ name: 'auth_tokens/elsewhere' }));
    });
    const service = await listen((_request, response) => {
      response.writeHead(307, { location: `${other.url}/v1alpha/auth_tokens` });
      response.end();
    });
    try {
      const h = createTokenHandler({ apiKey: 'k-redirected', httpOptions: { baseUrl: service.url }, onError: () => {} });
      assert.equal((await h(post({}))).status, 502);
      assert.deepEqual(elsewhere, []);
    } finally {
      await Promise.all([service.close(), other.close()]);
    }
  });

  it('answers 504 when the token service does not answer in time', async () => {
    const service = await listen(() => {
      // Never answers.
    });
    try {
      const h = createTokenHandler({
        apiKey: 'k-1234',
        httpOptions: { baseUrl: service.url },
        timeoutMs: 150,
        onError: () => {},
      });
      const started = Date.now();
      const response = await h(post({}));
      assert.equal(response.status, 504);
      assert.equal((await response.json()).error.code, 'upstream-timeout');
      assert.ok(Date.now() - started < 2000);
    } finally {
      await service.close();
    }
  });
});
