// createRedisRateLimiter against a real redis-server (Debian's package), started on a free port in a temporary
// folder and stopped by its process id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { freePort, startRedis, type RedisServer } from '../../../scripts/redis-server.mjs';
import { createRedisRateLimiter, createTokenHandler, type FetchHandler } from '../../../src/server/index.js';
import { captureConsole, SIM_KEY, startTestSimulator, type TestSimulator } from './helpers.js';

const post = (remoteAddress: string, handler: FetchHandler, cookie?: string) =>
  handler(
    new Request('https://app.example.com/api/gemini-token', { method: 'POST', headers: cookie ? { cookie } : {} }),
    { remoteAddress },
  );

describe('createRedisRateLimiter with a real Redis', () => {
  const logs = captureConsole();
  let redis: RedisServer | undefined;
  let sim: TestSimulator;
  const clients: Redis[] = [];
  const client = () => {
    const connection = new Redis({ host: '127.0.0.1', port: redis!.port, maxRetriesPerRequest: 1 });
    clients.push(connection);
    return connection;
  };

  before(async () => {
    [redis, sim] = await Promise.all([startRedis(), startTestSimulator()]);
  });
  after(async () => {
    for (const connection of clients) connection.disconnect();
    await redis?.stop();
    await sim?.close();
    logs.restore();
    logs.assertNever(SIM_KEY);
  });

  it('gives two token handler instances, each with its own connection, one shared count per client', async () => {
    const instance = () =>
      createTokenHandler({
        apiKey: SIM_KEY,
        httpOptions: { baseUrl: sim.url },
        rateLimit: createRedisRateLimiter({ client: client(), limit: 3, windowSeconds: 60, keyPrefix: 'shared-test' }),
      });
    const [a, b] = [instance(), instance()];
    const statuses = [];
    for (const handler of [a, b, a, b, a]) statuses.push((await post('203.0.113.5', handler)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const refused = await post('203.0.113.5', b);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    // Another client has its own count, on either instance.
    assert.equal((await post('203.0.113.6', b)).status, 200);
  });

  it('keeps refused authorize calls in a shared bucket of their own and turns the client away before authorize', async () => {
    let asked = 0;
    const instance = () =>
      createTokenHandler({
        apiKey: SIM_KEY,
        httpOptions: { baseUrl: sim.url },
        authorize: (request) => {
          asked += 1;
          return request.headers.get('cookie') === 'session=ok';
        },
        rateLimit: createRedisRateLimiter({ client: client(), limit: 5, keyPrefix: 'tokens-2' }),
        authorizeFailureLimit: createRedisRateLimiter({ client: client(), limit: 2, keyPrefix: 'failures-2' }),
      });
    const [a, b] = [instance(), instance()];
    assert.deepEqual(
      [(await post('198.51.100.1', a)).status, (await post('198.51.100.1', b)).status, (await post('198.51.100.1', a)).status],
      [401, 401, 429],
    );
    assert.equal(asked, 2);
    assert.equal((await post('198.51.100.1', b, 'session=ok')).status, 429, 'blocked before authorize is asked');
    assert.equal(asked, 2);
    assert.equal((await post('198.51.100.2', b, 'session=ok')).status, 200);
  });

  it('answers 500, never an uncounted token, when Redis is unreachable', async () => {
    const errors: Error[] = [];
    const dead = new Redis({ host: '127.0.0.1', port: await freePort(), maxRetriesPerRequest: 0, lazyConnect: true });
    dead.on('error', () => {});
    clients.push(dead);
    const handler = createTokenHandler({
      apiKey: SIM_KEY,
      httpOptions: { baseUrl: sim.url },
      rateLimit: createRedisRateLimiter({ client: dead }),
      onError: (error) => errors.push(error),
    });
    const response = await post('192.0.2.9', handler);
    assert.equal(response.status, 500);
    assert.equal(errors.length, 1);
  });

  it('rejects a missing client at creation', () => {
    assert.throws(() => createRedisRateLimiter({} as never), /client/);
    assert.throws(() => createRedisRateLimiter({ client: {}, limit: 0 }), /limit/);
  });
});
