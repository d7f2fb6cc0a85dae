// The fetch toNodeHandler gives the token handler's SDK client: what it sends, what it answers, and what it refuses.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createNodeFetch } from '../../../src/server/node-fetch.js';
import { listen } from './helpers.js';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
  port?: number;
}

describe('createNodeFetch', () => {
  const nodeFetch = createNodeFetch();
  const seen: Seen[] = [];
  let service: Awaited<ReturnType<typeof listen>>;
  let elsewhere: Awaited<ReturnType<typeof listen>>;
  const reachedElsewhere: string[] = [];

  before(async () => {
    elsewhere = await listen((request, response) => {
      reachedElsewhere.push(String(request.headers['x-goog-api-key']));
      response.end('{}');
    });
    service = await listen((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: Buffer.concat(chunks).toString(),
          port: request.socket.remotePort,
        });
        const path = request.url ?? '';
        if (path === '/redirect') {
          response.writeHead(307, { location: `${elsewhere.url}/v1alpha/auth_tokens` });
          response.end();
        } else if (path === '/huge') {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('x'.repeat(1024 * 1024 + 1));
        } else if (path === '/gzip') {
          response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          response.end('not really gzip');
        } else if (path === '/slow') {
          setTimeout(() => response.end('{}'), 5000).unref();
        } else if (path === '/refused') {
          response.writeHead(400, 'Bad Request', { 'content-type': 'application/json', 'x-two': ['a', 'b'] });
          response.end('{"error":{"code":400}}');
        } else {
          response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
          response.end(JSON.stringify({ name: 'auth_tokens/x', ünïcode: 'é' }));
        }
      });
    });
  });
  after(async () => {
    await service.close();
    await elsewhere.close();
  });

  it('sends the method, headers and body, and answers with what the SDK reads', async () => {
    const headers = new Headers({ 'content-type': 'application/json', 'x-goog-api-key': 'k-1' });
    const response = await nodeFetch(`${service.url}/v1alpha/auth_tokens?x=1`, {
      method: 'POST',
      headers,
      body: '{"uses":1,"é":true}',
    });
    assert.equal(response.ok, true);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('Content-Type'), 'application/json; charset=UTF-8');
    assert.ok([...response.headers.entries()].some(([name]) => name === 'content-type'));
    assert.deepEqual(await response.json(), { name: 'auth_tokens/x', ünïcode: 'é' });
    await assert.rejects(response.text(), TypeError, 'a body is read once');
    const last = seen.at(-1)!;
    assert.equal(last.method, 'POST');
    assert.equal(last.url, '/v1alpha/auth_tokens?x=1');
    assert.equal(last.headers['x-goog-api-key'], 'k-1');
    assert.equal(last.headers['content-length'], String(Buffer.byteLength('{"uses":1,"é":true}')));
    assert.equal(last.headers['accept-encoding'], 'identity');
    assert.equal(last.body, '{"uses":1,"é":true}');
  });

  it('keeps the connection alive between calls', async () => {
    await (await nodeFetch(`${service.url}/a`, { method: 'POST', body: '{}' })).text();
    await (await nodeFetch(`${service.url}/b`, { method: 'POST', body: '{}' })).text();
    const [a, b] = seen.slice(-2);
    assert.equal(a.port, b.port, 'the second request came on the same socket');
  });

  it('answers an error status as fetch does, for the SDK to read', async () => {
    const response = await nodeFetch(`${service.url}/refused`, { method: 'POST', body: '{}' });
    assert.equal(response.ok, false);
    assert.equal(response.status, 400);
    assert.equal(response.statusText, 'Bad Request');
    assert.equal(response.headers.get('x-two'), 'a, b');
    assert.equal(await response.text(), '{"error":{"code":400}}');
  });

  it('follows no redirect: the API key goes nowhere else', async () => {
    await assert.rejects(
      nodeFetch(`${service.url}/redirect`, { method: 'POST', headers: { 'x-goog-api-key': 'k-2' }, body: '{}' }),
      (error: Error) => error instanceof TypeError && error.message === 'fetch failed' && /redirect/.test(String(error.cause)),
    );
    assert.deepEqual(reachedElsewhere, []);
  });

  it('refuses answers over 1 MiB and compressed answers', async () => {
    await assert.rejects(nodeFetch(`${service.url}/huge`, { method: 'POST', body: '{}' }), /fetch failed/);
    await assert.rejects(nodeFetch(`${service.url}/gzip`, { method: 'POST', body: '{}' }), /fetch failed/);
  });

  it('rejects with the signal’s reason when aborted, before or during the call', async () => {
    const reason = new DOMException('late', 'TimeoutError');
    const controller = new AbortController();
    const started = Date.now();
    const pending = nodeFetch(`${service.url}/slow`, { method: 'POST', body: '{}', signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(pending, (error) => error === reason);
    assert.ok(Date.now() - started < 2000);
    await assert.rejects(nodeFetch(`${service.url}/a`, { signal: AbortSignal.abort(reason) }), (error) => error === reason);
  });

  it('rejects like fetch when nothing listens', async () => {
    const closed = await listen(() => {});
    await closed.close();
    await assert.rejects(nodeFetch(`${closed.url}/`, { method: 'POST', body: '{}' }), (error: Error) => {
      return error instanceof TypeError && error.message === 'fetch failed' && (error.cause as { code?: string }).code === 'ECONNREFUSED';
    });
  });

  it('hands what it does not handle to the global fetch, redirects still refused', async () => {
    const response = await nodeFetch(new Request(`${service.url}/r`, { method: 'POST', body: '{}' }));
    assert.ok(response instanceof Response);
    assert.equal(response.status, 200);
    await assert.rejects(nodeFetch(new Request(`${service.url}/redirect`, { method: 'POST', body: '{}' })), TypeError);
    assert.deepEqual(reachedElsewhere, []);
  });
});
