// The load generator for the token endpoint: a stand-in for the Gemini token service (`POST /v1alpha/auth_tokens`,
// answered at once, as the SDK's `authTokens.create` expects) and keep-alive clients posting `{}` as the element
// does, each request naming one of many client addresses in the trusted header so the limiter keeps real
// per-client counts.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export const CLIENT_HEADER = 'x-bench-client';
/** Distinct client addresses, from the range set aside for benchmarks (198.18.0.0/15); used in turn. */
const CLIENTS = 4096;
/** Keep-alive connections to the endpoint, one request in flight on each. */
const CONNECTIONS = 48;

const clientAddress = (i) => `198.18.${(i >> 8) & 0xff}.${i & 0xff}`;

/** The token service: a fresh name each time, with the times it was asked for. */
export async function startTokenService() {
  let minted = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const ok = request.method === 'POST' && request.url?.startsWith('/v1alpha/auth_tokens');
      if (!ok) {
        response.writeHead(404, { 'Content-Type': 'application/json' });
        response.end('{"error":{"code":404,"message":"Method not found.","status":"NOT_FOUND"}}');
        return;
      }
      const asked = JSON.parse(Buffer.concat(chunks).toString() || '{}');
      minted += 1;
      response.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' });
      response.end(
        JSON.stringify({
          name: `auth_tokens/bench-${minted}`,
          expireTime: asked.expireTime,
          newSessionExpireTime: asked.newSessionExpireTime,
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get minted() {
      return minted;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Posts token requests to `url` from {@link CONNECTIONS} keep-alive connections for `warmupMs`, then for
 * `measureMs`, counting statuses and timing each request measured. `probe` runs at the window's start and end.
 */
export async function runTokenLoad({ url, warmupMs, measureMs, probe }) {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const latencies = [];
  const statuses = new Map();
  let measuring = false;
  let stopAt = Number.POSITIVE_INFINITY;
  let asked = 0;
  const post = async () => {
    const client = clientAddress(asked++ % CLIENTS);
    const start = performance.now();
    let status;
    try {
      const { statusCode, body } = await pool.request({
        path: '/api/gemini-token',
        method: 'POST',
        headers: { 'content-type': 'application/json', [CLIENT_HEADER]: client },
        body: '{}',
      });
      await body.text();
      status = statusCode;
    } catch (error) {
      status = error.code ?? 'error';
    }
    if (!measuring) return;
    latencies.push(performance.now() - start);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  };
  const worker = async () => {
    while (performance.now() < stopAt) await post();
  };
  const workers = Promise.all(Array.from({ length: CONNECTIONS }, worker));
  try {
    await new Promise((resolve) => setTimeout(resolve, warmupMs));
    const start = await probe?.();
    const began = performance.now();
    const ownStart = process.cpuUsage();
    measuring = true;
    await new Promise((resolve) => setTimeout(resolve, measureMs));
    measuring = false;
    const own = process.cpuUsage(ownStart);
    const seconds = (performance.now() - began) / 1000;
    const end = await probe?.();
    stopAt = 0;
    await workers;
    const generatorBusy = (own.user + own.system) / 1e6 / seconds;
    return { latencies, statuses, seconds, start, end, generatorBusy };
  } finally {
    stopAt = 0;
    await workers.catch(() => {});
    await pool.close();
  }
}
