// The token endpoint under test, alone in its process (pinned to one core by the bench): a Node `http` server
// serving `toNodeHandler(createTokenHandler(…))`, with the in-memory limiter or, when REDIS_PORT is set, the
// Redis one. Run with `node --import tsx`. TOKEN_SERVICE_URL is the stand-in for the Gemini token service;
// CLIENT_HEADER the trusted header naming each request's client.
// IPC: → { type: 'ready', url }; ← { type: 'stats' } → { type: 'stats', cpu, errors, firstErrors }; ← { type: 'exit' }.
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// SERVER_MODULE: the build of src/server/index.ts to load (the bench may point it at a scratch copy).
const { createRedisRateLimiter, createTokenHandler, toNodeHandler } = await import(
  pathToFileURL(path.resolve(process.env.SERVER_MODULE)).href
);

/** Per client and minute: well above what the bench sends one address, so nothing is refused. */
const LIMIT = { limit: 100, windowSeconds: 60 };

let errors = 0;
const firstErrors = [];
const onError = (error) => {
  errors += 1;
  if (firstErrors.length < 5) firstErrors.push(error.message);
};

let redis;
if (process.env.REDIS_PORT) {
  const { Redis } = await import('ioredis');
  redis = new Redis({ host: '127.0.0.1', port: Number(process.env.REDIS_PORT), maxRetriesPerRequest: 1 });
  await new Promise((resolve, reject) => redis.once('ready', resolve).once('error', reject));
}
const rateLimit = redis
  ? createRedisRateLimiter({ client: redis, ...LIMIT, keyPrefix: `bench:${process.pid}` })
  : LIMIT;

const handler = toNodeHandler(
  createTokenHandler({
    apiKey: 'bench-key',
    httpOptions: { baseUrl: process.env.TOKEN_SERVICE_URL },
    // The header the bench names each request's client in, as a proxy in front would.
    trustProxy: process.env.CLIENT_HEADER,
    rateLimit,
    onError,
  }),
);
const server = createServer(handler);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

process.on('message', (message) => {
  if (message?.type === 'stats') {
    process.send({ type: 'stats', cpu: process.cpuUsage(), errors, firstErrors });
  } else if (message?.type === 'exit') {
    redis?.disconnect();
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}` });
