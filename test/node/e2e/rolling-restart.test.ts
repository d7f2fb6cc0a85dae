// End to end: a rolling restart. The built element in Chromium talks to the simulator through two Vertex proxy
// instances behind a round-robin stand-in for a load balancer; draining the instance that carries the
// conversation moves it to the other one, with its resumption handle and without losing microphone audio.
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startDemoServer } from '../../../demo/server.mjs';
import { createVertexProxy, type VertexProxy, type VertexProxyServer } from '../../../src/server/index.js';
import { makeVoiceWav } from '../../fixtures/make-voice-wav.mjs';
import { waitFor } from '../../support/wait-for.js';
import { LIVE_PATH } from '../server/proxy-helpers.js';
import { launchChromium } from './helpers.mjs';

interface AudioRecord {
  seconds: number;
  firstAt: number | null;
  lastAt: number | null;
}
interface ConnectionRecord {
  setup: { sessionResumption?: { handle?: string } } | null;
  session: { resumed: boolean; handlesIssued: string[] };
  audio: AudioRecord;
  close: { code: number } | null;
}

/** Hands each new TCP connection to the next instance that is not draining, as a load balancer would. */
async function roundRobin(instances: Array<{ proxy: VertexProxy; server: VertexProxyServer }>) {
  let next = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const healthy = instances.filter(({ proxy }) => !proxy.draining);
    const target = healthy[next++ % Math.max(1, healthy.length)] ?? instances[0];
    const upstream = connect(target.server.port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a rolling restart behind a load balancer', { timeout: 240_000 }, () => {
  let demo: Awaited<ReturnType<typeof startDemoServer>>;
  let browser: Browser;
  const instances: Array<{ proxy: VertexProxy; server: VertexProxyServer }> = [];
  let balancer: Awaited<ReturnType<typeof roundRobin>>;
  const proxyErrors: string[] = [];

  before(async () => {
    demo = await startDemoServer({ port: 0, apiKey: '', log: () => {}, simulatorOptions: { voice: false } });
    for (let index = 0; index < 2; index++) {
      const proxy = createVertexProxy({
        authorize: (_request, ticket) => ticket === 'ticket-1',
        upstreamUrl: `ws://127.0.0.1:${demo.port}${LIVE_PATH}?key=sim-key`,
        getAccessToken: () => 'access-token',
        onError: (error) => proxyErrors.push(error.message),
      });
      instances.push({ proxy, server: await proxy.listen(0, '127.0.0.1') });
    }
    balancer = await roundRobin(instances);
    const wav = path.join(mkdtempSync(path.join(tmpdir(), 'gemini-live-drain-')), 'voice.wav');
    await makeVoiceWav(wav);
    browser = await launchChromium([`--use-file-for-fake-audio-capture=${wav}`, '--disable-features=LocalNetworkAccessChecks']);
  });

  after(async () => {
    await browser?.close();
    await balancer?.close();
    for (const { server } of instances) await server.close();
    await demo?.close();
  });

  test('draining instance A moves the conversation to B with its handle; no microphone audio is lost', async (t) => {
    const page = await browser.newPage();
    const states: string[] = [];
    const errors: string[] = [];
    await page.exposeFunction('recordState', (state: string) => states.push(state));
    await page.exposeFunction('recordError', (error: string) => errors.push(error));
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.route(`${demo.url}/rolling.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><head><title>rolling restart</title>
          <script type="module" src="/dist/gemini-live.js"></script></head>
          <body><gemini-live api-base-url="${balancer.url}" api-key="ticket-1"></gemini-live></body></html>`,
      }),
    );
    await page.goto(`${demo.url}/rolling.html`);
    await page.waitForFunction(() => customElements.get('gemini-live'));
    await page.evaluate(async () => {
      const element = document.querySelector('gemini-live') as HTMLElement & { start(): Promise<void> };
      const w = window as unknown as { recordState(s: string): void; recordError(e: string): void };
      element.addEventListener('gemini-live-state', (event) => w.recordState((event as CustomEvent).detail.state));
      element.addEventListener('gemini-live-error', (event) => w.recordError(JSON.stringify((event as CustomEvent).detail)));
      await element.start();
    });
    const records = () => demo.simulator!.connections as ConnectionRecord[];
    const [a, b] = instances.map(({ proxy }) => proxy);

    // A conversation through A: a typed turn, its answer and handle, and a while of microphone audio.
    await waitFor(() => a.connections === 1 && records()[0]?.audio.seconds > 0.5, { timeout: 30_000, message: 'audio through A' });
    await page.evaluate(() => (document.querySelector('gemini-live') as HTMLElement & { sendText(t: string): void }).sendText('Hello there'));
    await waitFor(() => records()[0].session.handlesIssued.length > 0 && records()[0].audio.seconds > 1.5, {
      timeout: 30_000,
      message: 'an answer and a handle through A',
    });
    // From here on, every second of microphone audio should arrive once: the audio from before A's setup, which
    // arrives at once when it completes, is left out of the count.
    const mark = { at: Date.now(), seconds: records()[0].audio.seconds };

    await a.drain({ timeoutMs: 10_000 });
    assert.equal(a.connections, 0);
    const first = records()[0];
    await waitFor(() => first.close, { message: 'A closed its upstream connection' });
    assert.equal(first.close?.code, 1012, 'A passed the 1012 on to the service as the browser answered it');

    // The element resumes through B at once, with the newest handle A forwarded.
    const second = await waitFor(() => (records()[1]?.audio.seconds > 1.5 ? records()[1] : undefined), {
      timeout: 30_000,
      message: 'audio through B',
    });
    assert.equal(b.connections, 1);
    assert.equal(second.setup?.sessionResumption?.handle, first.session.handlesIssued.at(-1));
    assert.equal(second.session.resumed, true);

    await page.evaluate(() => (document.querySelector('gemini-live') as HTMLElement & { stop(): Promise<void> }).stop());
    await waitFor(() => b.connections === 0, { message: 'B closed at stop' });
    assert.equal(records().length, 2, 'one connection through each instance');

    // The gap in delivery is short, and the two connections together hold all the audio captured: the
    // backlog carried the gap, and nothing the browser sent on A was dropped.
    const gapMs = second.audio.firstAt! - first.audio.lastAt!;
    const spanSeconds = (second.audio.lastAt! - mark.at) / 1000;
    const heldSeconds = first.audio.seconds - mark.seconds + second.audio.seconds;
    assert.ok(gapMs <= 1000, `the microphone's audio paused ${gapMs} ms`);
    assert.ok(
      Math.abs(heldSeconds - spanSeconds) < 0.3,
      `${heldSeconds.toFixed(2)} s of audio arrived over ${spanSeconds.toFixed(2)} s (gap ${gapMs} ms)`,
    );
    assert.deepEqual(errors, []);
    assert.ok(!states.includes('error'), states.join(' '));
    assert.deepEqual(proxyErrors, []);
    t.diagnostic(`rolling restart: gap ${gapMs} ms, ${heldSeconds.toFixed(2)} s over ${spanSeconds.toFixed(2)} s, states ${states.join(' → ')}`);
    await page.close();
  });
});
