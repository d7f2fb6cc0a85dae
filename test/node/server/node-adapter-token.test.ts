// toNodeHandler serving createTokenHandler's handler: it skips the Request and Response objects and mints over
// node:http, so these tests hold it to the answers of the Fetch-API handler and to the same refusals.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createTokenHandler, toNodeHandler, type TokenHandlerOptions } from '../../../src/server/index.js';
import { listen, waitFor } from './helpers.js';

const ORIGIN = 'https://app.example.com';
/** Headers Node's http server adds by itself. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

type Site = Awaited<ReturnType<typeof listen>>;

describe('toNodeHandler with the token handler', () => {
  const serviceHeaders: IncomingHttpHeaders[] = [];
  const servicePorts = new Set<number>();
  let service: Site;
  let minted = 0;
  const options = (more: Partial<TokenHandlerOptions> = {}): TokenHandlerOptions => ({
    apiKey: 'k-direct-1234',
    httpOptions: { baseUrl: service.url },
    allowedOrigins: [ORIGIN],
    rateLimit: { limit: 2 },
    onError: () => {},
    ...more,
  });
  const serve = (more: Partial<TokenHandlerOptions> = {}) => listen(toNodeHandler(createTokenHandler(options(more))));

  before(async () => {
    service = await listen((request, response) => {
      serviceHeaders.push(request.headers);
      servicePorts.add(request.socket.remotePort!);
      request.resume();
      request.on('end', () => {
        minted += 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ name: `auth_tokens/t${minted}` }));
      });
    });
  });
  after(() => service.close());

  it('answers every case as the Fetch-API handler does: status, headers and body', async () => {
    const site = await serve();
    const fetchStyle = createTokenHandler(options());
    const cases: [string, RequestInit][] = [
      ['token', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/json' }, body: '{}' }],
      ['get', { method: 'GET', headers: { origin: ORIGIN } }],
      ['other origin', { method: 'POST', headers: { origin: 'https://evil.example' }, body: '{}' }],
      ['preflight', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-headers': 'content-type' } }],
      ['bad json', { method: 'POST', body: '{nope' }],
      ['unknown model', { method: 'POST', body: '{"model":"other"}' }],
      ['over 8 KiB', { method: 'POST', body: `{"pad":"${'x'.repeat(9000)}"}` }],
      ['rate limited', { method: 'POST', body: '{}' }],
    ];
    try {
      for (const [label, init] of cases) {
        const overHttp = await fetch(`${site.url}/api/gemini-token`, init);
        const direct = await fetchStyle(new Request(`${ORIGIN}/api/gemini-token`, init), { remoteAddress: '127.0.0.1' });
        assert.equal(overHttp.status, direct.status, label);
        const wire = [...overHttp.headers].filter(([name]) => !TRANSPORT.has(name));
        assert.deepEqual(wire, [...direct.headers], label);
        const [a, b] = [await overHttp.text(), await direct.text()];
        if (label === 'token') {
          assert.deepEqual(Object.keys(JSON.parse(a)), ['token', 'expireTime', 'newSessionExpireTime']);
          assert.match(JSON.parse(a).token, /^auth_tokens\//);
        } else {
          assert.equal(a, b, label);
        }
      }
    } finally {
      await site.close();
    }
  });

  it('mints over keep-alive node:http connections, unless httpOptions.fetch is given', async () => {
    const site = await serve({ rateLimit: false });
    const before = serviceHeaders.length;
    servicePorts.clear();
    try {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(site.url, { method: 'POST' })).status, 200);
      const sent = serviceHeaders.slice(before);
      assert.equal(sent.length, 3);
      assert.ok(sent.every((headers) => headers['accept-encoding'] === 'identity'), 'the node:http fetch sent them');
      assert.equal(servicePorts.size, 1, 'one connection carried all three');
    } finally {
      await site.close();
    }
    let custom = 0;
    const own = await serve({
      rateLimit: false,
      httpOptions: { baseUrl: service.url, fetch: (input, init) => (custom++, fetch(input, init)) },
    });
    try {
      assert.equal((await fetch(own.url, { method: 'POST' })).status, 200);
      assert.equal(custom, 1);
      assert.notEqual(serviceHeaders.at(-1)?.['accept-encoding'], 'identity');
    } finally {
      await own.close();
    }
  });

  it('gives the callbacks a Request with method, URL, headers and body, aborted when the client goes away', async () => {
    const requests: Request[] = [];
    let release = () => {};
    const site = await serve({
      rateLimit: false,
      authorize: async (request) => {
        requests.push(request);
        if (request.headers.get('x-wait')) await new Promise<void>((resolve) => (release = resolve));
        return true;
      },
      config: ({ request }) => {
        assert.equal(request, requests.at(-1), 'one Request per call, shared by the callbacks');
        return undefined;
      },
    });
    try {
      const response = await fetch(`${site.url}/api/gemini-token?x=1`, {
        method: 'POST',
        headers: { 'x-user': 'ada', 'content-type': 'application/json' },
        body: '{"model":null}',
      });
      assert.equal(response.status, 200);
      const [first] = requests;
      assert.equal(first.method, 'POST');
      assert.equal(new URL(first.url).pathname, '/api/gemini-token');
      assert.equal(first.headers.get('x-user'), 'ada');
      assert.equal(await first.text(), '{"model":null}');
      assert.equal(first.signal.aborted, false);

      const client = new AbortController();
      const pending = fetch(site.url, { method: 'POST', headers: { 'x-wait': '1' }, signal: client.signal });
      await waitFor(() => requests.length === 2);
      client.abort();
      await assert.rejects(pending);
      await waitFor(() => requests[1].signal.aborted);
      release();
    } finally {
      await site.close();
    }
  });

  it('refuses redirects from the token service, so the API key goes nowhere else', async () => {
    const reached: string[] = [];
    const other = await listen((request, response) => {
      reached.push(String(request.headers['x-goog-api-key']));
      response.end(JSON.stringify({ name: 'auth_tokens/elsewhere' }));
    });
    const redirecting = await listen((_request, response) => {
      response.writeHead(307, { location: `${other.url}/v1alpha/auth_tokens` });
      response.end();
    });
    const site = await serve({ httpOptions: { baseUrl: redirecting.url } });
    try {
      const response = await fetch(site.url, { method: 'POST' });
      assert.equal(response.status, 502);
      assert.equal((await response.json()).error.code, 'upstream-error');
      assert.deepEqual(reached, []);
    } finally {
      await Promise.all([site.close(), redirecting.close(), other.close()]);
    }
  });

  it('does not drain a redirect: the connection to the token service closes even if its body never ends', async () => {
    let closed = false;
    const endless = await listen((request, response) => {
      request.socket.once('close', () => (closed = true));
      response.writeHead(302, { location: 'https://elsewhere.example/' });
      const drip = setInterval(() => response.write('x'.repeat(1024)), 5);
      response.once('close', () => clearInterval(drip));
    });
    const site = await serve({ httpOptions: { baseUrl: endless.url } });
    try {
      const response = await fetch(site.url, { method: 'POST' });
      assert.equal(response.status, 502);
      await waitFor(() => closed, { timeout: 2000 });
    } finally {
      await Promise.all([site.close(), endless.close()]);
    }
  });

  it('gives the same answer on both paths to a callback that reads the body, and still reads the body itself', async () => {
    const authorize = async (request: Request) => ((await request.json()) as { pw?: string }).pw === 'x';
    const handler = createTokenHandler(options({ rateLimit: false, authorize }));
    const direct = await listen(toNodeHandler(handler));
    const viaFetch = await listen(toNodeHandler((request, context) => handler(request, context)));
    try {
      for (const site of [direct, viaFetch]) {
        const post = (body: string) => fetch(site.url, { method: 'POST', headers: { origin: ORIGIN }, body });
        assert.equal((await post('{"pw":"x"}')).status, 200);
        assert.equal((await post('{"pw":"y"}')).status, 401);
        const unknown = await post('{"pw":"x","model":"models/none-such"}');
        assert.equal(unknown.status, 400, 'the handler read the body after the callback');
        assert.equal((await unknown.json()).error.code, 'unknown-model');
      }
    } finally {
      await Promise.all([direct.close(), viaFetch.close()]);
    }
  });

  it('answers a Host header that is not a host as the Fetch path does: 500, and nothing minted', async () => {
    const handler = createTokenHandler(options({ rateLimit: false }));
    const direct = await listen(toNodeHandler(handler));
    const viaFetch = await listen(toNodeHandler((request, context) => handler(request, context)));
    const { request } = await import('node:http');
    const badHost = (url: string) =>
      new Promise<number>((resolve, reject) => {
        const call = request(url, { method: 'POST', headers: { host: 'a b' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        call.once('error', reject);
        call.end();
      });
    const before = minted;
    try {
      assert.equal(await badHost(direct.url), 500);
      assert.equal(await badHost(viaFetch.url), 500);
      assert.equal(minted, before);
    } finally {
      await Promise.all([direct.close(), viaFetch.close()]);
    }
  });

  it('answers 504 when the token service does not answer in time', async () => {
    const silent = await listen(() => {});
    const site = await serve({ httpOptions: { baseUrl: silent.url }, timeoutMs: 150 });
    try {
      const started = Date.now();
      const response = await fetch(site.url, { method: 'POST' });
      assert.equal(response.status, 504);
      assert.equal((await response.json()).error.code, 'upstream-timeout');
      assert.ok(Date.now() - started < 2000);
    } finally {
      await Promise.all([site.close(), silent.close()]);
    }
  });

  it('answers 413 to a body far over 1 MiB, and the client reads it', async () => {
    const site = await serve();
    try {
      const response = await fetch(site.url, { method: 'POST', body: new Uint8Array(8 * 1024 * 1024) });
      assert.equal(response.status, 413);
      assert.equal(await response.text(), 'Payload Too Large');
    } finally {
      await site.close();
    }
  });
});
