// The Vertex proxy at the level of frames and handshakes, as no browser sends them but anyone can: fragmented
// messages (a second setup split across fragments included), frames cut at every byte, unmasked frames, bad
// close codes, pings, subprotocols, and an upstream that breaks the protocol or answers a forged handshake.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createVertexProxy, type VertexProxyOptions, type VertexProxyServer } from '../../../src/server/index.js';
import {
  BINARY,
  CLOSE,
  CONTINUATION,
  FrameReader,
  PING,
  PONG,
  TEXT,
  closePayload,
  encodeFrame,
  payloadOf,
  readClose,
} from '../../../src/server/ws-frames.js';
import { waitFor } from './helpers.js';
import { LIVE_PATH, startCaptureUpstream, type Upstream } from './proxy-helpers.js';

const MASK = Uint8Array.of(0xa1, 0x03, 0x5c, 0xe9);
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const SETUP = JSON.stringify({ setup: { model: 'models/m' } });
const AUDIO = JSON.stringify({ realtimeInput: { audio: { data: 'AAAA', mimeType: 'audio/pcm;rate=16000' } } });

const masked = (opcode: number, text: string | Buffer, fin = true) => {
  const frame = encodeFrame(opcode, typeof text === 'string' ? Buffer.from(text) : text, MASK);
  if (!fin) frame[0] &= 0x7f;
  return frame;
};

interface RawClient {
  socket: Socket;
  /** The HTTP answer to the handshake. */
  response: string;
  /** Frames the proxy sent, unmasked payloads as text. */
  received: { opcode: number; text: string }[];
  closed: Promise<{ code: number; reason: string } | undefined>;
  send(bytes: Buffer): void;
}

/** A WebSocket client written by hand, so that it can send what no library would. */
function rawClient(port: number, extra = ''): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const received: RawClient['received'] = [];
    const reader = new FrameReader(false, 1 << 24);
    let resolveClosed!: (value: { code: number; reason: string } | undefined) => void;
    const closed = new Promise<{ code: number; reason: string } | undefined>((done) => (resolveClosed = done));
    let handshake = Buffer.alloc(0);
    let response: string | undefined;
    socket.on('error', () => {});
    socket.on('close', () => resolveClosed(undefined));
    socket.on('data', (chunk: Buffer) => {
      if (response === undefined) {
        handshake = Buffer.concat([handshake, chunk]);
        const end = handshake.indexOf('\r\n\r\n');
        if (end < 0) return;
        response = handshake.subarray(0, end).toString('latin1');
        chunk = handshake.subarray(end + 4);
        resolve({ socket, response, received, closed, send: (bytes) => socket.write(bytes) });
        if (!response.startsWith('HTTP/1.1 101')) return;
      }
      reader.read(chunk, (frame) => {
        const payload = payloadOf(frame);
        if (frame.opcode === CLOSE) {
          const close = readClose(payload, () => true);
          resolveClosed('error' in close ? undefined : close);
          return;
        }
        received.push({ opcode: frame.opcode, text: payload.toString() });
      });
    });
    socket.connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${LIVE_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
      );
    });
    socket.once('error', reject);
  });
}

async function startProxy(upstreamUrl: string, options: Partial<VertexProxyOptions> = {}) {
  const errors: Error[] = [];
  const proxy = createVertexProxy({
    allowUnauthenticated: true,
    upstreamUrl,
    getAccessToken: () => 'token',
    onError: (error) => errors.push(error),
    ...options,
  } as VertexProxyOptions);
  const server = await proxy.listen(0);
  return { proxy, server, errors };
}

/** A session past its setup: the upstream capture that goes with it. */
async function setUp(server: VertexProxyServer, upstream: Upstream) {
  const before = upstream.captures.length;
  const client = await rawClient(server.port);
  client.send(masked(TEXT, SETUP));
  await waitFor(() => client.received.some((frame) => frame.text.includes('setupComplete')));
  return { client, capture: upstream.captures[before] };
}

describe('createVertexProxy, frame by frame', () => {
  let upstream: Upstream;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const warn = console.warn;
  before(async () => {
    upstream = await startCaptureUpstream();
    console.warn = () => {};
    proxy = await startProxy(upstream.url, { maxPayload: 64 * 1024 });
    console.warn = warn;
  });
  after(async () => {
    await proxy.server.close();
    await upstream.close();
  });

  it('joins a fragmented setup, cut at every byte, and forwards later fragments as they came', async () => {
    const client = await rawClient(proxy.server.port);
    const before = upstream.captures.length;
    const setup = Buffer.concat([
      masked(TEXT, SETUP.slice(0, 5), false),
      masked(PING, 'mid-message ping'),
      masked(CONTINUATION, SETUP.slice(5, 12), false),
      masked(CONTINUATION, SETUP.slice(12)),
    ]);
    for (const byte of setup) client.send(Buffer.of(byte));
    await waitFor(() => client.received.some((frame) => frame.text.includes('setupComplete')));
    const capture = upstream.captures[before];
    assert.equal(JSON.parse(capture.messages[0].text).setup.model, 'models/m');

    client.send(Buffer.concat([masked(BINARY, AUDIO.slice(0, 10), false), masked(CONTINUATION, AUDIO.slice(10))]));
    await waitFor(() => capture.messages.length === 2);
    assert.deepEqual(capture.messages[1], { text: AUDIO, isBinary: true });
    // The ping went upstream once it was open; the upstream's pong came back.
    client.send(masked(PING, 'are you there'));
    await waitFor(() => client.received.some((frame) => frame.opcode === PONG && frame.text === 'are you there'));
    client.socket.destroy();
  });

  it('refuses a second setup split across fragments, and sends upstream none of it', async () => {
    const { client, capture } = await setUp(proxy.server, upstream);
    const second = '{"se' + 'tup":{"model":"models/other"}}';
    client.send(Buffer.concat([masked(TEXT, second.slice(0, 4), false), masked(CONTINUATION, second.slice(4))]));
    assert.deepEqual(await client.closed, { code: 1008, reason: 'Only one setup is allowed per session' });
    await waitFor(() => capture.closed);
    assert.equal(capture.messages.length, 1);
  });

  it('closes 1002 on an unmasked frame, a stray continuation or a bad close code; 1009 past maxPayload', async () => {
    const cases: [string, Buffer, number][] = [
      ['an unmasked frame', encodeFrame(TEXT, Buffer.from(AUDIO)), 1002],
      ['a continuation with nothing to continue', masked(CONTINUATION, AUDIO), 1002],
      ['a new message inside a fragmented one', Buffer.concat([masked(TEXT, '{', false), masked(TEXT, AUDIO)]), 1002],
      ['a close code that may not be sent', masked(CLOSE, closePayload(1006, '')), 1002],
      ['fragments past maxPayload', Buffer.concat([masked(TEXT, 'x'.repeat(40_000), false), masked(CONTINUATION, 'x'.repeat(40_000))]), 1009],
    ];
    for (const [name, bytes, code] of cases) {
      const { client, capture } = await setUp(proxy.server, upstream);
      const errorsBefore = proxy.errors.length;
      client.send(bytes);
      assert.equal((await client.closed)?.code, code, name);
      await waitFor(() => capture.closed);
      assert.equal(capture.messages.length, 1, `${name}: nothing of it went upstream`);
      assert.match(proxy.errors.slice(errorsBefore).map((error) => error.message).join('\n'), /browser connection error/, name);
    }
  });

  it('relays a close both ways and ends the connection', async () => {
    const { client, capture } = await setUp(proxy.server, upstream);
    client.send(masked(CLOSE, closePayload(4003, 'done here')));
    assert.deepEqual(await client.closed, { code: 4003, reason: 'done here' }, 'the close is answered');
    await waitFor(() => capture.closed);
    assert.deepEqual(capture.closed, { code: 4003, reason: 'done here' });
    await new Promise((resolve) => (client.socket.destroyed ? resolve(undefined) : client.socket.once('close', resolve)));
    await waitFor(() => proxy.proxy.connections === 0);
  });

  it('refuses a setup nested too deeply to serialise with 1007, and keeps serving', async () => {
    const client = await rawClient(proxy.server.port);
    const depth = 20_000; // 40 KB: JSON.stringify gives up after a few thousand levels
    client.send(masked(TEXT, `{"setup":{"model":"models/m","x":${'['.repeat(depth)}${']'.repeat(depth)}}}`));
    assert.deepEqual(await client.closed, { code: 1007, reason: 'The setup is nested too deeply' });
    const { client: next } = await setUp(proxy.server, upstream);
    next.socket.destroy();
  });

  it('counts empty fragments against maxPayload, so they cannot pile up', async () => {
    const { client, capture } = await setUp(proxy.server, upstream);
    const empties = Array.from({ length: 300 }, (_, i) => masked(i === 0 ? BINARY : CONTINUATION, '', false));
    client.send(Buffer.concat(empties));
    assert.deepEqual(await client.closed, { code: 1009, reason: 'Message too big' });
    await waitFor(() => capture.closed);
    assert.equal(capture.messages.length, 1);
  });

  it('accepts the first subprotocol offered and refuses a malformed handshake', async () => {
    const client = await rawClient(proxy.server.port, 'Sec-WebSocket-Protocol: first, second\r\n');
    assert.match(client.response, /^HTTP\/1\.1 101/);
    assert.match(client.response, /\r\nSec-WebSocket-Protocol: first(\r\n|$)/);
    const accept = createHash('sha1').update(`${KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    assert.match(client.response, new RegExp(`\\r\\nSec-WebSocket-Accept: ${accept.replace(/[+/]/g, '\\$&')}(\\r\\n|$)`));
    client.socket.destroy();
    // A second version header makes the request's version "13, 7": not 13.
    const older = await rawClient(proxy.server.port, 'Sec-WebSocket-Version: 7\r\n');
    assert.match(older.response, /^HTTP\/1\.1 426 .*\r\nSec-WebSocket-Version: 13\r\n/s);
    older.socket.destroy();
    // A space is not allowed in a subprotocol's name.
    const badName = await rawClient(proxy.server.port, 'Sec-WebSocket-Protocol: bad name\r\n');
    assert.match(badName.response, /^HTTP\/1\.1 400/);
    badName.socket.destroy();
  });
});

/** An upstream written by hand: completes the handshake with `accept` (the right one by default), then `then`. */
async function handUpstream(then: (socket: Socket) => void, accept?: string): Promise<{ url: string; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (chunk) => {
      const key = /sec-websocket-key: (\S+)/i.exec(chunk.toString('latin1'))?.[1] ?? '';
      const right = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Accept: ${accept ?? right}\r\n\r\n`,
      );
      then(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}${LIVE_PATH}`, server };
}

describe('createVertexProxy, an upstream that breaks the protocol', () => {
  const warn = console.warn;
  before(() => (console.warn = () => {}));
  after(() => (console.warn = warn));

  it('closes the browser 1011 when upstream sends a masked frame, and reports it', async () => {
    const bad = await handUpstream((socket) => socket.write(encodeFrame(BINARY, Buffer.from('{}'), MASK)));
    const { server, errors } = await startProxy(bad.url);
    try {
      const client = await rawClient(server.port);
      client.send(masked(TEXT, SETUP));
      assert.deepEqual(await client.closed, { code: 1011, reason: 'Upstream connection lost' });
      assert.match(errors.map((error) => error.message).join('\n'), /Vertex AI connection error: Frames must not be masked/);
    } finally {
      await server.close();
      bad.server.close();
    }
  });

  it('closes 1011 when the access token cannot go in a header, and keeps running', async () => {
    // A line break; a lone surrogate, which URL-encoding (to scrub the token from reports) cannot take either.
    for (const token of ['tok\r\nen', 'tok\ud800en']) {
      const { server, errors } = await startProxy(`ws://127.0.0.1:9${LIVE_PATH}`, { getAccessToken: () => token });
      try {
        const client = await rawClient(server.port);
        client.send(masked(TEXT, SETUP));
        assert.deepEqual(await client.closed, { code: 1011, reason: 'Upstream connection failed' }, JSON.stringify(token));
        assert.match(errors.map((error) => error.message).join('\n'), /connecting to Vertex AI failed/);
      } finally {
        await server.close();
      }
    }
  });

  it('counts empty messages held before the upstream opens against maxPayload', async () => {
    let grant!: (token: string) => void;
    const { server, errors } = await startProxy(`ws://127.0.0.1:9${LIVE_PATH}`, {
      maxPayload: 64 * 1024,
      getAccessToken: () => new Promise<string>((resolve) => (grant = resolve)),
    });
    try {
      const client = await rawClient(server.port);
      client.send(Buffer.concat([masked(TEXT, SETUP), ...Array.from({ length: 300 }, () => masked(BINARY, ''))]));
      assert.deepEqual(await client.closed, { code: 1009, reason: 'Too much data before the session was ready' });
      assert.match(errors.map((error) => error.message).join('\n'), /too much data buffered/);
    } finally {
      grant?.('token');
      await server.close();
    }
  });

  it('stops reading pings from a browser while upstream does not take them, and closes 1013 after the stall', async () => {
    const upstream = await startCaptureUpstream();
    const { server, errors } = await startProxy(upstream.url, { stallTimeoutMs: 1000, highWaterMark: 64 * 1024 });
    try {
      const { client, capture } = await setUp(server, upstream);
      (capture.socket as unknown as { pause(): void }).pause();
      const ping = masked(PING, 'p'.repeat(125));
      client.send(Buffer.concat(Array.from({ length: 400_000 }, () => ping))); // 52 MB
      assert.equal((await client.closed)?.code, 1013);
      assert.match(errors.map((error) => error.message).join('\n'), /Vertex AI stopped reading/);
    } finally {
      await server.close();
      await upstream.close();
    }
  });

  it('closes the browser 1011 when upstream sends a message past maxPayload in fragments', async () => {
    const first = encodeFrame(BINARY, Buffer.alloc(40_000, 0x20));
    first[0] &= 0x7f;
    const big = await handUpstream((socket) => socket.write(Buffer.concat([first, encodeFrame(CONTINUATION, Buffer.alloc(40_000, 0x20))])));
    const { server, errors } = await startProxy(big.url, { maxPayload: 64 * 1024 });
    try {
      const client = await rawClient(server.port);
      client.send(masked(TEXT, SETUP));
      assert.deepEqual(await client.closed, { code: 1011, reason: 'Upstream connection lost' });
      assert.match(errors.map((error) => error.message).join('\n'), /Vertex AI connection error: Message too big/);
    } finally {
      await server.close();
      big.server.close();
    }
  });

  it('closes the browser 1011 when upstream answers the handshake with the wrong accept key', async () => {
    const forged = await handUpstream(() => {}, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    const { server, errors } = await startProxy(forged.url);
    try {
      const client = await rawClient(server.port);
      client.send(masked(TEXT, SETUP));
      assert.deepEqual(await client.closed, { code: 1011, reason: 'Upstream connection failed' });
      assert.match(errors.map((error) => error.message).join('\n'), /Sec-WebSocket-Accept/);
    } finally {
      await server.close();
      forged.server.close();
    }
  });

  it('forwards a frame upstream sent in pieces only once it is whole', async () => {
    const frame = encodeFrame(BINARY, Buffer.from(JSON.stringify({ setupComplete: {} })));
    let upstreamSocket: Socket | undefined;
    const slow = await handUpstream((socket) => {
      upstreamSocket = socket;
      socket.write(frame.subarray(0, 5));
    });
    const { server } = await startProxy(slow.url);
    try {
      const client = await rawClient(server.port);
      let bytes = 0;
      client.socket.prependListener('data', (chunk: Buffer) => (bytes += chunk.length));
      client.send(masked(TEXT, SETUP));
      await waitFor(() => upstreamSocket);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(bytes, 0, 'nothing of a partial frame reaches the browser');
      upstreamSocket!.write(frame.subarray(5));
      await waitFor(() => client.received.length === 1);
      assert.equal(bytes, frame.length);
      assert.deepEqual(client.received[0], { opcode: BINARY, text: '{"setupComplete":{}}' });
      client.socket.destroy();
    } finally {
      await server.close();
      slow.server.close();
    }
  });
});
