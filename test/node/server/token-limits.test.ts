// The token endpoint's limits as an attacker probes them: rotated forwarding headers, unauthenticated floods
// aimed at a signed-in user's bucket, and huge or countless client keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemoryRateLimiter, createTokenHandler, toNodeHandler, type TokenHandlerOptions } from '../../../src/server/index.js';
import { captureConsole, listen, SIM_KEY, startTestSimulator, type TestSimulator } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes (including array buffers) retained by what `build` returns. */
function retainedBytes(build: () => unknown): { bytes: number; kept: unknown } {
  gc();
  const before = process.memoryUsage();
  const kept = build();
  gc();
  const after = process.memoryUsage();
  return { bytes: after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers, kept };
}

describe('token endpoint limits', () => {
  const logs = captureConsole();
  let sim: TestSimulator;
  before(async () => {
    sim = await startTestSimulator();
  });
  after(async () => {
    await sim.close();
    logs.restore();
    logs.assertNever(SIM_KEY);
  });
  const handler = (options: Partial<TokenHandlerOptions> = {}) =>
    createTokenHandler({ apiKey: SIM_KEY, httpOptions: { baseUrl: sim.url }, ...options });

  it('keys by the socket address over HTTP: rotating X-Forwarded-For or CF-Connecting-IP gets no extra tokens', async () => {
    const site = await listen(toNodeHandler(handler({ rateLimit: { limit: 3 } })));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const response = await fetch(site.url, {
          method: 'POST',
          headers: { 'x-forwarded-for': `198.51.100.${i}`, 'cf-connecting-ip': `203.0.113.${i}` },
        });
        statuses.push(response.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429, 429, 429]);
    } finally {
      await site.close();
    }
  });

  it('with trustProxy: 1 reads the client from the right of X-Forwarded-For, not the forgeable left', async () => {
    const h = handler({ rateLimit: { limit: 2 }, trustProxy: 1 });
    const via = (forwarded: string) =>
      h(new Request('https://a.example/t', { method: 'POST', headers: { 'x-forwarded-for': forwarded } }), {
        remoteAddress: '10.0.0.2',
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await via(`forged-${i}, 192.0.2.10`)).status);
    assert.deepEqual(statuses, [200, 200, 429, 429]);
    assert.equal((await via('192.0.2.10, 192.0.2.11')).status, 200, 'another client behind the same proxy');
  });

  it('with trustProxy naming a header keys by that header alone', async () => {
    const h = handler({ rateLimit: { limit: 1 }, trustProxy: 'cf-connecting-ip' });
    const from = (ip: string, forwarded = '') =>
      h(new Request('https://a.example/t', { method: 'POST', headers: { 'cf-connecting-ip': ip, 'x-forwarded-for': forwarded } }));
    assert.equal((await from('2001:db8:1:2::5')).status, 200);
    assert.equal((await from('2001:db8:1:2::5', '1.2.3.4')).status, 429);
    // Rotating within one IPv6 /64 is still one client.
    assert.equal((await from('2001:db8:1:2:ffff::9')).status, 429);
    assert.equal((await from('2001:db8:1:3::5')).status, 200);
  });

  it('counts refused authorize calls in their own bucket, so they cannot starve a signed-in user', async () => {
    let asked = 0;
    const h = handler({
      rateLimit: { limit: 2 },
      authorizeFailureLimit: { limit: 5, windowSeconds: 300 },
      authorize: (request) => {
        asked += 1;
        return request.headers.get('cookie') === 'session=alice';
      },
    });
    const send = (cookie?: string, remoteAddress = '192.0.2.50') =>
      h(new Request('https://a.example/t', { method: 'POST', headers: cookie ? { cookie } : {} }), { remoteAddress });
    // An attacker on another address floods without a session.
    const attacker = [];
    for (let i = 0; i < 8; i++) attacker.push((await send(undefined, '192.0.2.66')).status);
    assert.deepEqual(attacker, [401, 401, 401, 401, 401, 429, 429, 429]);
    assert.equal(asked, 5, 'authorize is not even asked once the failure limit is reached');
    // A guessed cookie does not get through either once blocked.
    assert.equal((await send('session=alice', '192.0.2.66')).status, 429);
    // Failures from the user's own address do not use up the user's token bucket.
    for (let i = 0; i < 4; i++) assert.equal((await send()).status, 401);
    assert.equal((await send('session=alice')).status, 200);
    assert.equal((await send('session=alice')).status, 200);
    assert.equal((await send('session=alice')).status, 429);
  });

  it('keeps memory bounded for 10,000 clients with 16 KB keys', async (t) => {
    // Refused by authorize, so each request leaves exactly its key's failure count behind, and nothing is minted.
    const h = createTokenHandler({
      apiKey: SIM_KEY,
      authorize: () => false,
      clientKey: (request) => `${'k'.repeat(16 * 1024)}${request.headers.get('x-user')}`,
    });
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10_000; i++) {
      const response = await h(new Request('https://a.example/t', { method: 'POST', headers: { 'x-user': String(i) } }));
      assert.equal(response.status, 401);
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    t.diagnostic(`10,000 clients with 16 KB keys: ${(retained / 2 ** 20).toFixed(2)} MB retained (keys are hashed)`);
    assert.ok(retained < 16 * 2 ** 20, `${retained} bytes retained`);
  });

  it('costs little memory for 10,000 distinct clients in the in-memory limiter, and forgets beyond maxKeys', (t) => {
    const { bytes, kept } = retainedBytes(() => {
      const limiter = createMemoryRateLimiter({ limit: 10, windowSeconds: 60 });
      for (let i = 0; i < 10_000; i++) limiter.consume(`198.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      return limiter;
    });
    t.diagnostic(`in-memory limiter, 10,000 clients (limit 10): ${(bytes / 2 ** 20).toFixed(2)} MB`);
    assert.ok(bytes < 8 * 2 ** 20, `${bytes} bytes`);
    assert.ok(kept);

    // Beyond maxKeys the oldest are forgotten: memory does not grow with more keys.
    const small = createMemoryRateLimiter({ limit: 1, maxKeys: 1000 });
    const first = retainedBytes(() => {
      for (let i = 0; i < 1000; i++) small.consume(`a${i}`);
      return undefined;
    }).bytes;
    const more = retainedBytes(() => {
      for (let i = 0; i < 50_000; i++) small.consume(`b${i}`);
      return undefined;
    }).bytes;
    assert.ok(more < Math.max(first, 256 * 1024) * 2, `grew ${more} bytes after ${first}`);
    assert.equal(small.consume('b49999').allowed, false);
    assert.equal(small.consume('a0').allowed, true, 'the oldest keys were forgotten');
  });

  it('warns once when no client address is known, and then shares one bucket', async () => {
    const errors: Error[] = [];
    const h = handler({ rateLimit: { limit: 1 }, onError: (error) => errors.push(error) });
    const request = () => new Request('https://a.example/t', { method: 'POST', headers: { 'x-forwarded-for': '1.2.3.4' } });
    assert.equal((await h(request())).status, 200);
    assert.equal((await h(request())).status, 429);
    assert.equal(errors.filter((error) => /no client address/.test(error.message)).length, 1);
  });
});
