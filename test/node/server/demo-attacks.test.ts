// The demo server and the simulator as a hostile web page would reach them: through DNS rebinding (a foreign
// Host header), with cross-site control requests, cross-origin Live sockets, oversized junk, and in a frame.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { captureConsole, startTestSimulator, type TestSimulator } from './helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so that Host and Fetch-metadata headers are exactly what an attacker's page makes them. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Opens a Live socket; resolves 'open' or the refusal's HTTP status. */
function openSocket(url: string, headers: Record<string, string>): Promise<'open' | number | 'reset'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => resolve('reset'));
  });
}

const LIVE = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=sim-key';
const CONTROL = { 'content-type': 'application/json', 'x-sim-control': '1' };

describe('the demo server under attack', () => {
  const logs = captureConsole();
  let demo: { url: string; port: number; close(): Promise<void> };
  let base = '';
  before(async () => {
    const { startDemoServer } = await import('../../../demo/server.mjs');
    demo = await startDemoServer({ port: 0, host: '127.0.0.1', apiKey: '', log: () => {}, simulatorOptions: { voice: false } });
    base = `http://127.0.0.1:${demo.port}`;
  });
  after(async () => {
    await demo?.close();
    logs.restore();
  });

  it('answers only the Host names it serves: a rebinding page gets 421 for tokens, records and pages', async () => {
    for (const host of [`evil.example:${demo.port}`, 'evil.example', `127.0.0.1.nip.io:${demo.port}`, `localhost:${demo.port + 1}`]) {
      const token = await raw(`${base}/api/token`, { method: 'POST', headers: { host, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(token.status, 421, host);
      assert.ok(!token.body.includes('auth_tokens'), host);
      assert.equal((await raw(`${base}/__sim/connections`, { headers: { host } })).status, 421, host);
      assert.equal((await raw(`${base}/demo/`, { headers: { host } })).status, 421, host);
      assert.equal(await openSocket(`ws://127.0.0.1:${demo.port}${LIVE}`, { host }), 'reset', host);
    }
    for (const host of [`localhost:${demo.port}`, `127.0.0.1:${demo.port}`, `[::1]:${demo.port}`]) {
      assert.equal((await raw(`${base}/api/mode`, { headers: { host } })).status, 200, host);
    }
    assert.equal((await raw(`${base}/api/token`, { method: 'POST', body: '{}' })).status, 200);
  });

  it('refuses a cross-site text/plain control POST, and any control POST without JSON and its header', async () => {
    const body = JSON.stringify({ action: 'closeNext', code: 4000, reason: 'injected' });
    const attempts: [Record<string, string>, number][] = [
      [{ origin: 'https://evil.example', 'content-type': 'text/plain' }, 403],
      [{ origin: 'https://evil.example', ...CONTROL }, 403],
      [{ 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, 403],
      [{ 'sec-fetch-site': 'same-site', ...CONTROL }, 403],
      [{ origin: `http://localhost:${demo.port + 1}`, ...CONTROL }, 403],
      [{ 'content-type': 'text/plain', 'x-sim-control': '1' }, 415],
      [{ 'content-type': 'application/json' }, 403],
    ];
    for (const [headers, status] of attempts) {
      const answer = await raw(`${base}/__sim/control`, { method: 'POST', headers, body });
      assert.equal(answer.status, status, JSON.stringify(headers));
    }
    const preflight = await raw(`${base}/__sim/control`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-headers': 'content-type, x-sim-control' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    // The page's own origin, with JSON and the header, is the one way in.
    const own = await raw(`${base}/__sim/control`, {
      method: 'POST',
      headers: { origin: base, 'sec-fetch-site': 'same-origin', ...CONTROL },
      body: JSON.stringify({ action: 'reset' }),
    });
    assert.equal(own.status, 200);
  });

  it('caps the size of junk a control request may ask for', async () => {
    for (const junk of [{ bytes: 1e9 }, { count: 10_000 }, { bytes: 'huge' }]) {
      const answer = await raw(`${base}/__sim/control`, {
        method: 'POST',
        headers: CONTROL,
        body: JSON.stringify({ action: 'junk', target: 'next', ...junk }),
      });
      assert.equal(answer.status, 400, JSON.stringify(junk));
      assert.match(answer.body, /limited/);
    }
  });

  it("checks Origin on the simulator's Live socket", async () => {
    const url = `ws://127.0.0.1:${demo.port}${LIVE}`;
    assert.equal(await openSocket(url, { origin: 'https://evil.example' }), 403);
    assert.equal(await openSocket(url, { origin: `http://localhost:${demo.port + 1}` }), 403);
    assert.equal(await openSocket(url, { origin: base }), 'open');
  });

  it('sends nosniff and forbids framing on pages and API answers', async () => {
    for (const path of ['/demo/', '/api/mode', '/__sim/health', '/dist/gemini-live.js', '/nowhere']) {
      const answer = await raw(`${base}${path}`);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', path);
      assert.match(String(answer.headers['content-security-policy']), /frame-ancestors 'none'/, path);
      assert.equal(answer.headers['x-frame-options'], 'DENY', path);
    }
  });
});

describe('the standalone simulator (CORS on, for test pages on other local ports)', () => {
  let sim: TestSimulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(() => sim.close());

  it('lets loopback pages in and keeps other sites out, on sockets and control routes', async () => {
    const ws = sim.url.replace(/^http/, 'ws');
    assert.equal(await openSocket(`${ws}${LIVE}`, { origin: 'http://localhost:8000' }), 'open');
    assert.equal(await openSocket(`${ws}${LIVE}`, { origin: 'https://evil.example' }), 403);
    assert.equal(await openSocket(`${ws}${LIVE}`, { origin: 'http://localhost.evil.example' }), 403);
    const evil = await raw(`${sim.url}/__sim/control`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ action: 'reset' }),
    });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
  });
});
