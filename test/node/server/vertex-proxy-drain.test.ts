// VertexProxy.drain(): a rolling restart that closes each session with 1012 at a moment that loses nothing.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { createVertexProxy, type VertexProxy, type VertexProxyServer } from '../../../src/server/index.js';
import { waitFor } from './helpers.js';
import { closeOf, LIVE_PATH, rawConnect, startCaptureUpstream, type Capture, type Upstream } from './proxy-helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A session through the proxy, set up: the browser's socket and what upstream records of it. */
async function openSession(server: VertexProxyServer, upstream: Upstream) {
  const before = upstream.captures.length;
  const socket = await rawConnect(`${server.url}${LIVE_PATH}?key=ticket`);
  const received: string[] = [];
  socket.on('message', (data) => received.push(data.toString()));
  const closed = closeOf(socket).then((event) => ({ ...event, at: performance.now() }));
  socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
  await waitFor(() => received.some((text) => text.includes('setupComplete')));
  const capture = upstream.captures[before];
  return { socket, received, closed, capture };
}

/** The numbers of the `realtimeInput` frames upstream received, in order. */
function numbersUpstream(capture: Capture): number[] {
  return capture.messages.flatMap(({ text }) => {
    const message = JSON.parse(text) as { realtimeInput?: { n: number } };
    return message.realtimeInput ? [message.realtimeInput.n] : [];
  });
}

/** Sends a numbered frame every 2 ms while the socket is open; `sent()` is how many went out while it was. */
function streamUp(socket: WebSocket) {
  let n = 0;
  const timer = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify({ realtimeInput: { n } }));
    n++;
  }, 2);
  return { sent: () => n, stop: () => clearInterval(timer) };
}

/** Sends the model's frames from upstream every `everyMs`, until stopped. */
function streamDown(capture: Capture, everyMs: number) {
  let n = 0;
  const timer = setInterval(() => {
    capture.socket.send(Buffer.from(JSON.stringify({ serverContent: { n: n++ } })), { binary: true });
  }, everyMs);
  return {
    sent: () => n,
    stop() {
      clearInterval(timer);
      return performance.now();
    },
  };
}

describe('VertexProxy.drain', () => {
  let upstream: Upstream;
  let proxy: VertexProxy;
  let server: VertexProxyServer;
  const errors: Error[] = [];
  let accessToken: () => Promise<string> = async () => 'token';

  before(async () => {
    upstream = await startCaptureUpstream();
  });
  const start = async () => {
    proxy = createVertexProxy({
      authorize: () => true,
      project: 'p',
      upstreamUrl: upstream.url,
      getAccessToken: () => accessToken(),
      onError: (error) => errors.push(error),
    });
    server = await proxy.listen(0, '127.0.0.1');
  };
  afterEach(async () => {
    await server?.close();
    upstream.captures.length = 0;
    errors.length = 0;
    accessToken = async () => 'token';
  });
  after(async () => {
    await upstream.close();
  });

  it("waits for the model to go quiet, forwards all it sent, then closes 1012; what the browser sent before it read the close still goes upstream", async () => {
    await start();
    const session = await openSession(server, upstream);
    const up = streamUp(session.socket);
    const down = streamDown(session.capture, 40);
    await sleep(100);
    const drained = proxy.drain({ timeoutMs: 10_000 });
    // The model keeps talking for a while: no close comes while it does.
    await sleep(600);
    assert.equal(proxy.connections, 1, 'a busy session is not closed');
    // The browser stops reading just as the model falls silent, but keeps sending: the close reaches it later.
    session.socket.pause();
    const quietFrom = down.stop();
    const downSent = down.sent();
    await sleep(700);
    const sentBeforeReading = up.sent();
    session.socket.resume();

    const close = await session.closed;
    up.stop();
    assert.deepEqual({ code: close.code, reason: close.reason }, { code: 1012, reason: 'Service restart' });
    assert.ok(close.at - quietFrom < 1500, `closed ${Math.round(close.at - quietFrom)} ms after the model fell quiet`);
    const modelFrames = session.received.filter((text) => text.includes('serverContent'));
    assert.equal(modelFrames.length, downSent, 'every frame the model sent reached the browser before the close');
    await drained;
    assert.equal(proxy.connections, 0);

    await waitFor(() => session.capture.closed);
    const numbers = numbersUpstream(session.capture);
    assert.ok(sentBeforeReading > 200, `the browser sent ${sentBeforeReading} frames`);
    assert.deepEqual(
      numbers,
      Array.from({ length: numbers.length }, (_, index) => index),
      'upstream got the frames in order, none missing',
    );
    assert.ok(
      numbers.length >= sentBeforeReading,
      `upstream got ${numbers.length} of the ${sentBeforeReading} frames the browser sent before it read the close`,
    );
    assert.deepEqual(errors, []);
  });

  it('refuses new sessions with 503 and says so at /healthz; a second call returns the same promise', async () => {
    await start();
    const health = async () => {
      const response = await fetch(`${server.url}/healthz`);
      return `${response.status} ${await response.text()}`;
    };
    assert.equal(await health(), '200 ok');
    const session = await openSession(server, upstream);
    const down = streamDown(session.capture, 40);
    const drained = proxy.drain({ timeoutMs: 3000 });
    assert.equal(proxy.drain(), drained);
    assert.equal(proxy.draining, true);
    assert.equal(await health(), '503 draining');
    await assert.rejects(rawConnect(`${server.url}${LIVE_PATH}?key=ticket`), { status: 503 });
    assert.equal(upstream.captures.length, 1, 'the refused session never reached upstream');
    down.stop();
    await drained;
    assert.equal((await session.closed).code, 1012);
    // Still draining: an instance that was drained stays out of rotation.
    await assert.rejects(rawConnect(`${server.url}${LIVE_PATH}?key=ticket`), { status: 503 });
    assert.equal(await health(), '503 draining');
  });

  it('refuses an upgrade that was still being authorized when the drain began', async () => {
    let admit!: (value: boolean) => void;
    proxy = createVertexProxy({
      authorize: () => new Promise<boolean>((resolve) => (admit = resolve)),
      upstreamUrl: upstream.url,
      getAccessToken: () => 'token',
      onError: (error) => errors.push(error),
    });
    server = await proxy.listen(0, '127.0.0.1');
    const attempt = rawConnect(`${server.url}${LIVE_PATH}?key=ticket`);
    await waitFor(() => admit);
    const drained = proxy.drain({ timeoutMs: 1000 });
    admit(true);
    await assert.rejects(attempt, { status: 503 });
    await drained;
    assert.equal(upstream.captures.length, 0);
  });

  it('at the timeout, sends a session that never falls quiet its 1012 at once, and resolves', async () => {
    await start();
    const session = await openSession(server, upstream);
    const down = streamDown(session.capture, 40);
    const started = performance.now();
    await proxy.drain({ timeoutMs: 600 });
    const took = performance.now() - started;
    down.stop();
    const close = await session.closed;
    assert.equal(close.code, 1012);
    assert.ok(close.at - started >= 550, `closed after ${Math.round(close.at - started)} ms, before the timeout`);
    assert.ok(took < 3000, `the drain took ${Math.round(took)} ms`);
    assert.equal(proxy.connections, 0);
  });

  it('cuts off a browser that never answers the close, and still ends', async () => {
    await start();
    const session = await openSession(server, upstream);
    session.socket.pause();
    const started = performance.now();
    await proxy.drain({ timeoutMs: 5000 });
    const took = performance.now() - started;
    // Quiet at once (250 ms), then a second's grace for the close to be answered.
    assert.ok(took < 3000, `the drain took ${Math.round(took)} ms`);
    assert.equal(proxy.connections, 0);
    session.socket.resume();
    await session.closed;
  });

  it('closes a session still being set up at once, and never opens its upstream', async () => {
    let grant!: (token: string) => void;
    accessToken = () => new Promise<string>((resolve) => (grant = resolve));
    await start();
    const socket = await rawConnect(`${server.url}${LIVE_PATH}?key=ticket`);
    const closed = closeOf(socket);
    socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
    await waitFor(() => grant);
    const started = performance.now();
    await proxy.drain({ timeoutMs: 5000 });
    assert.ok(performance.now() - started < 1000);
    assert.equal((await closed).code, 1012);
    grant('token');
    await sleep(50);
    assert.equal(upstream.captures.length, 0);
  });

  it('refuses a timeout that is not a number ≥ 0, and drains nothing then', async () => {
    await start();
    assert.throws(() => proxy.drain({ timeoutMs: -1 }), TypeError);
    assert.throws(() => proxy.drain({ timeoutMs: Number.NaN }), TypeError);
    assert.equal(proxy.draining, false);
  });
});
