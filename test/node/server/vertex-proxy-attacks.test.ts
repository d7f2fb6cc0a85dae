// The Vertex proxy as an attacker sees it: scripts without an Origin, connection floods, rotated forwarding
// headers, setups crafted to dodge the forced model, a browser that stops reading while upstream streams, and
// close reasons that would carry credentials to the page.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { createVertexProxy, type VertexProxyOptions, type VertexProxyServer } from '../../../src/server/index.js';
import { captureConsole, waitFor } from './helpers.js';
import { closeOf, LIVE_PATH, rawConnect, startCaptureUpstream, type Upstream } from './proxy-helpers.js';

const ACCESS_TOKEN = 'ya29.attack-test-token-0b7d';

async function startProxy(upstream: { url: string }, options: Partial<VertexProxyOptions>) {
  const errors: Error[] = [];
  const proxy = createVertexProxy({
    upstreamUrl: upstream.url,
    getAccessToken: () => ACCESS_TOKEN,
    onError: (error) => errors.push(error),
    ...options,
  } as VertexProxyOptions);
  const server = await proxy.listen(0);
  return { proxy, server, errors };
}

/** Connects once a slot is free (the proxy frees it when it sees the close), retrying a 429 for a while. */
async function connectWhenFree(url: string): Promise<WebSocket> {
  const deadline = Date.now() + 3000;
  for (;;) {
    try {
      return await rawConnect(url);
    } catch (error) {
      if ((error as { status?: number }).status !== 429 || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The text of every frame upstream received, all connections together. */
function upstreamTexts(upstream: Upstream): string[] {
  return upstream.captures.flatMap((capture) => capture.messages.map((message) => message.text));
}

const logs = captureConsole();
after(() => {
  logs.restore();
  logs.assertNever(ACCESS_TOKEN);
});

describe('createVertexProxy under attack', () => {
  let upstream: Upstream;
  before(async () => {
    upstream = await startCaptureUpstream();
  });
  after(() => upstream.close());

  it('refuses to start without authorize unless allowUnauthenticated is set, and then warns', () => {
    assert.throws(() => createVertexProxy({ upstreamUrl: upstream.url }), /authorize/);
    assert.throws(() => createVertexProxy({ upstreamUrl: upstream.url, allowedOrigins: ['https://a.example'] }), /authorize/);
    const before = logs.lines.length;
    createVertexProxy({ upstreamUrl: upstream.url, allowUnauthenticated: true });
    assert.match(logs.lines.slice(before).join('\n'), /allowUnauthenticated.*local development only/);
  });

  it('answers a script without Origin or credential 401, and never opens upstream for it', async () => {
    const { server } = await startProxy(upstream, {
      allowedOrigins: ['https://app.example.com'],
      authorize: (_request, credential) => credential === 'ticket-for-alice',
    });
    try {
      await assert.rejects(rawConnect(`${server.url}${LIVE_PATH}`), { status: 401 });
      await assert.rejects(rawConnect(`${server.url}${LIVE_PATH}?key=guess`, { origin: 'https://app.example.com' }), {
        status: 401,
      });
      // A forged Origin does not help either: authorize decides.
      await assert.rejects(rawConnect(`${server.url}${LIVE_PATH}`, { origin: 'https://app.example.com' }), {
        status: 401,
      });
      assert.equal(upstream.captures.length, 0);
      const socket = await rawConnect(`${server.url}${LIVE_PATH}?key=ticket-for-alice`);
      socket.terminate();
    } finally {
      await server.close();
    }
  });

  it('listens on 127.0.0.1 unless told otherwise', async () => {
    const { server } = await startProxy(upstream, { authorize: () => true });
    try {
      const address = server.server.address();
      assert.equal(typeof address === 'object' && address ? address.address : address, '127.0.0.1');
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await server.close();
    }
  });

  it('caps sessions per client, whatever X-Forwarded-For says, and in total', async () => {
    const { server } = await startProxy(upstream, { authorize: () => true, maxConnectionsPerClient: 2, maxConnections: 3 });
    const open: WebSocket[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        open.push(await rawConnect(`${server.url}${LIVE_PATH}`, { 'x-forwarded-for': `203.0.113.${i}` }));
      }
      // Rotating the forwarding header makes no new client: the socket address is the key.
      for (const forged of ['198.51.100.7', '198.51.100.8, 10.0.0.1']) {
        await assert.rejects(rawConnect(`${server.url}${LIVE_PATH}`, { 'x-forwarded-for': forged }), { status: 429 });
      }
      // A closed session frees its slot.
      const first = open.shift()!;
      first.close(1000);
      await closeOf(first);
      open.push(await connectWhenFree(`${server.url}${LIVE_PATH}`));
    } finally {
      for (const socket of open) socket.terminate();
      await server.close();
    }

    // Behind one trusted proxy the forwarded address is the client; the total cap still holds.
    const trusted = await startProxy(upstream, {
      authorize: () => true,
      maxConnectionsPerClient: 1,
      maxConnections: 3,
      trustProxy: 1,
    });
    try {
      for (let i = 0; i < 3; i++) {
        open.push(await rawConnect(`${trusted.server.url}${LIVE_PATH}`, { 'x-forwarded-for': `spoof, 203.0.113.${i}` }));
      }
      await assert.rejects(rawConnect(`${trusted.server.url}${LIVE_PATH}`, { 'x-forwarded-for': '203.0.113.9' }), {
        status: 503,
      });
      await assert.rejects(rawConnect(`${trusted.server.url}${LIVE_PATH}`, { 'x-forwarded-for': 'other, 203.0.113.0' }), {
        status: 503,
      });
    } finally {
      for (const socket of open) socket.terminate();
      await trusted.server.close();
    }
  });

  it('closes a session idle for idleTimeoutMs', async () => {
    const { server, proxy } = await startProxy(upstream, { authorize: () => true, idleTimeoutMs: 300 });
    try {
      const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
      const started = Date.now();
      const { code, reason } = await closeOf(socket);
      assert.equal(code, 1001);
      assert.match(reason, /idle/i);
      assert.ok(Date.now() - started >= 250);
      await waitFor(() => proxy.connections === 0);
    } finally {
      await server.close();
    }
  });

  describe('model forcing', () => {
    let server: VertexProxyServer;
    before(async () => {
      ({ server } = await startProxy(upstream, {
        authorize: () => true,
        project: 'p',
        location: 'global',
        model: 'forced-model',
      }));
    });
    after(() => server.close());
    const forced = 'projects/p/locations/global/publishers/google/models/forced-model';

    /** Sends raw frames as a script would and returns what upstream got plus how the browser side closed. */
    async function attempt(frames: string[]) {
      upstream.captures.length = 0;
      const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
      const closed = closeOf(socket);
      for (const frame of frames) socket.send(frame);
      socket.send(JSON.stringify({ clientContent: { turnComplete: true } }));
      const outcome = await Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(resolve, 400))]);
      if (!outcome) socket.close(1000);
      return { outcome, texts: upstreamTexts(upstream) };
    }

    it('closes 1007 when junk comes before the setup, so a later setup never gets through', async () => {
      for (const junk of ['{"clientContent":{}}', '[]', '"setup"', 'null', '{"setup":"models/x"}', '\u0000']) {
        const { outcome, texts } = await attempt([junk, JSON.stringify({ setup: { model: 'models/dodge' } })]);
        assert.deepEqual(outcome, { code: 1007, reason: 'The first message must be a setup' }, junk);
        assert.ok(!texts.some((text) => text.includes('dodge')), `${junk}: ${texts.join(' | ')}`);
      }
    });

    it('resolves duplicate and escaped keys once and sends upstream a single forced model', async () => {
      const crafted = [
        '{"setup":{"model":"models/forced-model","model":"models/dodge"}}',
        '{"setup":{"model":"models/dodge"},"setup":{"model":"models/dodge2"}}',
        '{"setup":{"mod\\u0065l":"models/dodge","model":"models/dodge"}}',
        '{"set\\u0075p":{"model":"models/dodge"}}',
      ];
      for (const frame of crafted) {
        const { outcome, texts } = await attempt([frame]);
        assert.equal(outcome, undefined, `${frame} was closed: ${JSON.stringify(outcome)}`);
        const setup = texts[0];
        assert.ok(!setup.includes('dodge'), setup);
        assert.equal(setup.split('"model"').length - 1, 1, setup);
        assert.equal(JSON.parse(setup).setup.model, forced);
      }
    });

    it('refuses a second setup with 1008, before and after the upstream opened', async () => {
      const second = '{"realtimeInput":{"text":"x"},"setup":{"model":"models/dodge"}}';
      const early = await attempt([JSON.stringify({ setup: { model: 'models/a' } }), second]);
      assert.deepEqual(early.outcome, { code: 1008, reason: 'Only one setup is allowed per session' });
      assert.ok(!early.texts.join().includes('dodge'));

      upstream.captures.length = 0;
      const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
      const closed = closeOf(socket);
      socket.send(JSON.stringify({ setup: { model: 'models/a' } }));
      await waitFor(() => upstreamTexts(upstream).length === 1);
      socket.send(second);
      assert.deepEqual(await closed, { code: 1008, reason: 'Only one setup is allowed per session' });
      assert.deepEqual(upstreamTexts(upstream).length, 1);
    });

    it('refuses a second setup spelled with escapes or placed after other keys, with audio in between', async () => {
      const audio = JSON.stringify({ realtimeInput: { audio: { data: 'AAAA', mimeType: 'audio/pcm;rate=16000' } } });
      for (const second of [
        '{"\\u0073etup":{"model":"models/dodge"}}',
        '{"s\\u0065t\\u0075p":{"model":"models/dodge"}}',
        '{"realtimeInput":{"audio":{"data":"AAAA"}},"\\u0073etup":{"model":"models/dodge"}}',
        '{"realtimeInput":{"text":"x"},"toolResponse":{},"setup":{"model":"models/dodge"}}',
      ]) {
        const { outcome, texts } = await attempt([JSON.stringify({ setup: { model: 'models/a' } }), audio, second]);
        assert.deepEqual(outcome, { code: 1008, reason: 'Only one setup is allowed per session' }, second);
        assert.ok(!texts.join().includes('dodge'), `${second}: ${texts.join(' | ')}`);
      }
    });
  });

  it('without a forced model accepts only models/<id> or a bare id, never a resource path', async () => {
    const { server } = await startProxy(upstream, { authorize: () => true, project: 'mine', location: 'us-central1' });
    try {
      for (const model of [
        'projects/victim/locations/us-central1/publishers/google/models/x',
        'publishers/other/models/x',
        'models/../../x',
        'models/x?alt=1',
        'tunedModels/x',
        '',
      ]) {
        upstream.captures.length = 0;
        const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
        const closed = closeOf(socket);
        socket.send(JSON.stringify({ setup: { model } }));
        assert.equal((await closed).code, 1008, model);
        assert.ok(upstreamTexts(upstream).length === 0, model);
      }
      for (const [model, expected] of [
        ['models/gemini-live-2.5-flash', 'gemini-live-2.5-flash'],
        ['gemini_live.v2-x', 'gemini_live.v2-x'],
      ]) {
        upstream.captures.length = 0;
        const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
        socket.send(JSON.stringify({ setup: { model } }));
        const text = await waitFor(() => upstreamTexts(upstream)[0]);
        assert.equal(JSON.parse(text).setup.model, `projects/mine/locations/us-central1/publishers/google/models/${expected}`);
        socket.close(1000);
      }
    } finally {
      await server.close();
    }
  });

  it('scrubs credentials from the close reasons it relays to the browser', async () => {
    const { server } = await startProxy(upstream, { authorize: () => true });
    try {
      upstream.captures.length = 0;
      const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
      socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
      const capture = await waitFor(() => (upstream.captures[0]?.messages.length ? upstream.captures[0] : undefined));
      const closed = closeOf(socket);
      capture.socket.close(4003, `denied: Bearer ${ACCESS_TOKEN} key=AIzaSyD-abcdefghijklmnopqrstuv`);
      const { code, reason } = await closed;
      assert.equal(code, 4003);
      assert.ok(!reason.includes(ACCESS_TOKEN) && !reason.includes('ya29.') && !reason.includes('AIza'), reason);
      assert.match(reason, /^denied: Bearer \[redacted\] key=\[redacted\]$/);
    } finally {
      await server.close();
    }
  });
});

describe('createVertexProxy backpressure', () => {
  it('stays bounded in memory while upstream floods a browser that stopped reading, then closes it 1008', async (t) => {
    const child: ChildProcess = spawn(process.execPath, [new URL('./fixtures/flood-upstream.mjs', import.meta.url).pathname], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const output: string[] = [];
    lines.on('line', (line) => output.push(line));
    const stallTimeoutMs = 4000;
    try {
      const port = Number((await waitFor(() => output.find((line) => line.startsWith('port ')), { timeout: 10_000 })).slice(5));
      const { server, proxy, errors } = await startProxy(
        { url: `ws://127.0.0.1:${port}/ws` },
        { authorize: () => true, stallTimeoutMs },
      );
      try {
        const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
        socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
        await new Promise((resolve) => socket.once('message', resolve));
        socket.pause(); // stops reading: the kernel buffers fill, then the proxy's send buffer
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const started = Date.now();
        while (Date.now() - started < stallTimeoutMs - 500) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          peak = Math.max(peak, process.memoryUsage().rss);
        }
        const grewMb = (peak - baseline) / 2 ** 20;
        t.diagnostic(`proxy RSS grew by ${grewMb.toFixed(1)} MB while flooded for ${stallTimeoutMs - 500} ms`);
        assert.ok(grewMb < 64, `grew ${grewMb.toFixed(1)} MB`);
        assert.equal(proxy.connections, 1, 'still open before the stall timeout');

        await waitFor(() => proxy.connections === 0, { timeout: stallTimeoutMs + 5000 });
        assert.match(errors.map((error) => error.message).join('\n'), /the browser stopped reading/);
        await waitFor(() => output.find((line) => line.startsWith('closed ')), { timeout: 5000 });
      } finally {
        await server.close();
      }
    } finally {
      child.kill();
    }
  });

  it('stops reading from a browser while upstream does not take its frames, and closes 1013 after the stall', async () => {
    const upstream = await startCaptureUpstream();
    const stallTimeoutMs = 1500;
    const { server, errors } = await startProxy(upstream, { authorize: () => true, stallTimeoutMs, highWaterMark: 256 * 1024 });
    try {
      const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
      socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
      const capture = await waitFor(() => (upstream.captures[0]?.messages.length ? upstream.captures[0] : undefined));
      (capture.socket as unknown as { pause(): void }).pause();
      const closed = closeOf(socket);
      const frame = JSON.stringify({ realtimeInput: { audio: { data: 'A'.repeat(256 * 1024) } } });
      for (let i = 0; i < 200; i++) socket.send(frame); // 50 MB
      await new Promise((resolve) => setTimeout(resolve, 800));
      // The proxy stopped reading: most of the flood still waits on the attacker's side.
      assert.ok(socket.bufferedAmount > 20 * 2 ** 20, `only ${socket.bufferedAmount} bytes left unsent`);
      const { code, reason } = await closed;
      assert.equal(code, 1013);
      assert.match(reason, /try again later/);
      assert.match(errors.map((error) => error.message).join('\n'), /Vertex AI stopped reading/);
    } finally {
      await server.close();
      await upstream.close();
    }
  });
});
