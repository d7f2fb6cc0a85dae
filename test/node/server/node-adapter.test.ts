import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTokenHandler, toNodeHandler } from '../../../src/server/index.js';
import { captureConsole, listen, SIM_KEY, startTestSimulator, type TestSimulator } from './helpers.js';

describe('toNodeHandler', () => {
  describe('with an echoing Fetch handler', () => {
    let seen:
      | { method: string; url: string; headers: Record<string, string>; body: string; remoteAddress?: string }
      | undefined;
    let site: Awaited<ReturnType<typeof listen>>;

    before(async () => {
      const handler = toNodeHandler(async (request, client) => {
        seen = {
          remoteAddress: client?.remoteAddress,
          method: request.method,
          url: request.url,
          headers: Object.fromEntries(request.headers),
          body: await request.text(),
        };
        const headers = new Headers({ 'content-type': 'text/plain', 'x-answer': '42' });
        headers.append('set-cookie', 'a=1');
        headers.append('set-cookie', 'b=2');
        return new Response(`echo:${seen.body}`, { status: 201, headers });
      });
      site = await listen((req, res) => handler(req, res));
    });
    after(() => site.close());

    it('converts method, URL, headers and body, and writes status, headers and body back', async () => {
      const response = await fetch(`${site.url}/api/token?x=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
        body: '{"model":"m"}',
      });
      assert.equal(response.status, 201);
      assert.equal(await response.text(), 'echo:{"model":"m"}');
      assert.equal(response.headers.get('x-answer'), '42');
      assert.deepEqual(response.headers.getSetCookie(), ['a=1', 'b=2']);
      assert.ok(seen);
      assert.equal(seen.method, 'POST');
      assert.equal(new URL(seen.url).pathname, '/api/token');
      assert.equal(new URL(seen.url).search, '?x=1');
      assert.equal(seen.headers['x-custom'], 'yes');
      assert.equal(seen.headers['content-type'], 'application/json');
      // The peer address travels beside the request, so that rate limits can tell clients apart; no header is
      // made up from it.
      assert.equal(seen.remoteAddress, '127.0.0.1');
      assert.equal(seen.headers['x-forwarded-for'], undefined);
    });

    it('passes X-Forwarded-For on as it came, beside the socket address', async () => {
      const headers = { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' };
      await fetch(`${site.url}/`, { method: 'POST', headers, body: '' });
      assert.equal(seen?.headers['x-forwarded-for'], '203.0.113.9, 10.0.0.1');
      assert.equal(seen?.remoteAddress, '127.0.0.1');
    });

    it('passes GET without a body', async () => {
      const response = await fetch(`${site.url}/q`);
      assert.equal(response.status, 201);
      assert.equal(seen?.method, 'GET');
      assert.equal(seen?.body, '');
    });
  });

  it('re-serialises a body that express.json() already parsed', async () => {
    let body = '';
    const handler = toNodeHandler(async (request) => {
      body = await request.text();
      return new Response(null, { status: 204 });
    });
    const site = await listen((req, res) => {
      // What express.json() does: consume the stream, leave the parsed value on req.body.
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        (req as typeof req & { body: unknown }).body = JSON.parse(Buffer.concat(chunks).toString());
        handler(req, res);
      });
    });
    try {
      const response = await fetch(site.url, { method: 'POST', body: '{"model":"x"}' });
      assert.equal(response.status, 204);
      assert.deepEqual(JSON.parse(body), { model: 'x' });
    } finally {
      await site.close();
    }
  });

  it('hands failures to next() when given, else answers 500', async () => {
    const failing = toNodeHandler(async () => {
      throw new Error('boom');
    });
    let nextError: unknown;
    const withNext = await listen((req, res) =>
      failing(req, res, (error) => {
        nextError = error;
        res.statusCode = 599;
        res.end();
      }),
    );
    const without = await listen((req, res) => failing(req, res));
    try {
      assert.equal((await fetch(withNext.url, { method: 'POST' })).status, 599);
      assert.equal((nextError as Error).message, 'boom');
      const response = await fetch(without.url, { method: 'POST' });
      assert.equal(response.status, 500);
    } finally {
      await withNext.close();
      await without.close();
    }
  });

  it('answers 413 to bodies over 1 MiB without calling the handler', async () => {
    let called = false;
    const handler = toNodeHandler(async () => {
      called = true;
      return new Response('x');
    });
    const site = await listen((req, res) => handler(req, res));
    try {
      const response = await fetch(site.url, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
      assert.equal(response.status, 413);
      assert.equal(called, false);
    } finally {
      await site.close();
    }
  });

  describe('serving the token handler', () => {
    let sim: TestSimulator;
    let site: Awaited<ReturnType<typeof listen>>;
    const logs = captureConsole();

    before(async () => {
      sim = await startTestSimulator();
      const tokens = toNodeHandler(
        createTokenHandler({ apiKey: SIM_KEY, httpOptions: { baseUrl: sim.url }, rateLimit: { limit: 2 } }),
      );
      site = await listen((req, res) => {
        if (req.url === '/api/gemini-token') return tokens(req, res);
        res.statusCode = 404;
        res.end();
      });
    });
    after(async () => {
      await site.close();
      await sim.close();
      logs.restore();
      logs.assertNever(SIM_KEY);
    });

    it('mints a token over real HTTP', async () => {
      const response = await fetch(`${site.url}/api/gemini-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({}),
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as { token: string };
      assert.match(body.token, /^auth_tokens\//);
    });

    it('answers 405 to GET and rate limits per peer address', async () => {
      const get = await fetch(`${site.url}/api/gemini-token`);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
      // One token was minted above; the limit is 2 per minute for 127.0.0.1, however the header is rotated.
      assert.equal((await fetch(`${site.url}/api/gemini-token`, { method: 'POST' })).status, 200);
      const limited = await fetch(`${site.url}/api/gemini-token`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '198.51.100.23', 'cf-connecting-ip': '198.51.100.24' },
      });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    });
  });
});
