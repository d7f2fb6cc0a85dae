// The Vertex proxy (gemini-live/server) as each engine's own WebSocket meets it: the browser's handshake (with
// the extensions it offers), its masked frames, large messages, binary answers and the close both ways, through
// createVertexProxy to a stand-in upstream (test/support/proxy-server.mjs).
import { expect } from '@open-wc/testing';
// @ts-expect-error served by test/support/proxy-plugin.mjs
import { proxyUrl } from '/__proxy__.js';

const LIVE_PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';

interface Session {
  socket: WebSocket;
  next(): Promise<Record<string, unknown>>;
  closed: Promise<CloseEvent>;
}

async function open(): Promise<Session> {
  const socket = new WebSocket(`${(proxyUrl as string).replace(/^http/, 'ws')}${LIVE_PATH}`);
  socket.binaryType = 'arraybuffer';
  const queue: Record<string, unknown>[] = [];
  const waiting: ((message: Record<string, unknown>) => void)[] = [];
  socket.onmessage = (event) => {
    expect(event.data, 'binary frames stay binary').to.be.instanceOf(ArrayBuffer);
    const message = JSON.parse(new TextDecoder().decode(event.data as ArrayBuffer)) as Record<string, unknown>;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  };
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener('close', resolve));
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error('the WebSocket to the proxy failed'));
  });
  const next = () => {
    const queued = queue.shift();
    return queued ? Promise.resolve(queued) : new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve));
  };
  return { socket, next, closed };
}

describe('createVertexProxy, from a browser', () => {
  it('relays a session both ways, large messages included, and each close', async () => {
    const first = await open();
    first.socket.send(JSON.stringify({ setup: { model: 'models/gemini-live-test' } }));
    const ready = await first.next();
    expect(ready.setupComplete).to.deep.equal({});
    expect(ready.model).to.equal('projects/browser-tests/locations/us-central1/publishers/google/models/gemini-live-test');

    const audio = JSON.stringify({ realtimeInput: { audio: { data: 'A'.repeat(200_000), mimeType: 'audio/pcm;rate=16000' } }, end: 'tail-marker' });
    first.socket.send(audio);
    first.socket.send(new TextEncoder().encode(JSON.stringify({ realtimeInput: { text: 'as binary' } })));
    const big = (await first.next()).received as { bytes: number; isBinary: boolean; tail: string };
    expect(big.bytes).to.equal(audio.length);
    expect(big.isBinary).to.equal(false);
    expect(big.tail).to.equal(audio.slice(-24));
    expect(((await first.next()).received as { isBinary: boolean }).isBinary).to.equal(true);

    first.socket.close(4005, 'browser done');
    const event = await first.closed;
    expect(event.code, 'the proxy answers the close').to.equal(4005);
    expect(event.wasClean).to.equal(true);

    // The next session's setupComplete says how that close reached upstream.
    const second = await open();
    second.socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
    expect((await second.next()).lastClose).to.deep.equal({ code: 4005, reason: 'browser done' });

    second.socket.send(JSON.stringify({ setup: { model: 'models/again' } }));
    const refused = await second.closed;
    expect(refused.code).to.equal(1008);
    expect(refused.reason).to.equal('Only one setup is allowed per session');
  });
});
