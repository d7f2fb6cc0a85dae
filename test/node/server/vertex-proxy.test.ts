import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { GoogleGenAI, Modality, type LiveServerMessage, type Session } from '@google/genai';
import { WebSocket, WebSocketServer } from 'ws';
import { createVertexProxy, type VertexProxy, type VertexProxyServer } from '../../../src/server/index.js';
import { captureConsole, SIM_KEY, startTestSimulator, waitFor, type TestSimulator } from './helpers.js';

const BROWSER_KEY = 'browser-supplied-key-6d1f';
const ACCESS_TOKEN = 'ya29.fake-access-token-9c2e';
const LIVE_PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';

interface Capture {
  url: string;
  headers: IncomingHttpHeaders;
  messages: { text: string; isBinary: boolean }[];
  closed?: { code: number; reason: string };
  socket: WebSocket;
}

/** A stand-in for the Vertex endpoint that records what reaches it and answers like the Live service. */
async function startCaptureUpstream() {
  const captures: Capture[] = [];
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket, request) => {
    const capture: Capture = { url: request.url ?? '', headers: request.headers, messages: [], socket };
    captures.push(capture);
    socket.on('message', (data, isBinary) => {
      const text = data.toString();
      capture.messages.push({ text, isBinary });
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      const reply = (value: unknown) => socket.send(Buffer.from(JSON.stringify(value)), { binary: true });
      if (message.setup) reply({ setupComplete: {} });
      if (message.clientContent) {
        reply({ serverContent: { modelTurn: { parts: [{ text: 'upstream heard you' }] } } });
        reply({ serverContent: { turnComplete: true } });
      }
    });
    socket.on('close', (code, reason) => (capture.closed = { code, reason: reason.toString() }));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent`,
    captures,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

type Upstream = Awaited<ReturnType<typeof startCaptureUpstream>>;

/** Opens a Live session through the proxy with the real SDK, recording what arrives. */
async function connectSdk(baseUrl: string, model = 'gemini-live-test') {
  const messages: LiveServerMessage[] = [];
  let closeEvent: { code: number; reason: string } | undefined;
  const ai = new GoogleGenAI({ apiKey: BROWSER_KEY, httpOptions: { baseUrl } });
  const session: Session = await ai.live.connect({
    model,
    config: { responseModalities: [Modality.TEXT] },
    callbacks: {
      onmessage: (message) => messages.push(message),
      onclose: (event) => (closeEvent = { code: event.code, reason: event.reason }),
      onerror: () => {},
    },
  });
  return { session, messages, closed: () => closeEvent };
}

function modelText(messages: LiveServerMessage[]): string {
  return messages
    .flatMap((message) => message.serverContent?.modelTurn?.parts ?? [])
    .map((part) => part.text ?? '')
    .join('');
}

/** Opens a raw WebSocket to the proxy; resolves with the socket once open, or rejects with the HTTP status. */
function rawConnect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode }));
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('createVertexProxy', () => {
  const logs = captureConsole();
  let upstream: Upstream;
  let proxy: VertexProxy;
  let server: VertexProxyServer;
  const errors: Error[] = [];

  before(async () => {
    upstream = await startCaptureUpstream();
    proxy = createVertexProxy({
      project: 'my-project',
      location: 'europe-west4',
      upstreamUrl: upstream.url,
      getAccessToken: async () => ACCESS_TOKEN,
      allowedOrigins: ['https://app.example.com'],
      onError: (error) => errors.push(error),
    });
    server = await proxy.listen(0, '127.0.0.1');
  });
  afterEach(() => {
    upstream.captures.length = 0;
  });
  after(async () => {
    await server.close();
    await upstream.close();
    logs.restore();
    logs.assertNever(ACCESS_TOKEN);
    logs.assertNever(BROWSER_KEY);
    for (const error of errors) assert.ok(!error.message.includes(ACCESS_TOKEN));
  });

  it('relays a session from the SDK with server credentials and the Vertex model name', async () => {
    const { session, messages, closed } = await connectSdk(server.url, 'models/gemini-live-test');
    const capture = await waitFor(() => upstream.captures[0]);
    assert.equal(capture.headers.authorization, `Bearer ${ACCESS_TOKEN}`);
    // Nothing the browser sent as a credential reaches upstream: not the URL, not a header.
    assert.equal(capture.url, new URL(upstream.url).pathname);
    assert.ok(!JSON.stringify(capture.headers).includes(BROWSER_KEY));
    const setup = JSON.parse(capture.messages[0].text).setup;
    assert.equal(setup.model, 'projects/my-project/locations/europe-west4/publishers/google/models/gemini-live-test');
    assert.deepEqual(setup.generationConfig.responseModalities, ['TEXT']);

    session.sendClientContent({ turns: 'hello', turnComplete: true });
    await waitFor(() => messages.some((message) => message.serverContent?.turnComplete));
    assert.equal(modelText(messages), 'upstream heard you');
    const turn = JSON.parse(capture.messages[1].text);
    assert.equal(turn.clientContent.turns[0].parts[0].text, 'hello');
    assert.equal(capture.messages[1].isBinary, false, 'text frames stay text frames');

    // The upstream's close code and reason reach the browser.
    capture.socket.close(4001, 'session over');
    const event = await waitFor(() => closed());
    assert.deepEqual(event, { code: 4001, reason: 'session over' });
    await waitFor(() => proxy.connections === 0);
  });

  it("relays the browser's close code and reason upstream", async () => {
    const socket = await rawConnect(`${server.url}//${LIVE_PATH}?key=${BROWSER_KEY}`);
    const firstReply = new Promise<boolean>((resolve) => {
      socket.once('message', (_data, isBinary) => resolve(isBinary));
    });
    socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
    assert.equal(await firstReply, true, 'binary frames stay binary frames');
    const capture = await waitFor(() => (upstream.captures[0]?.messages.length ? upstream.captures[0] : undefined));
    socket.close(4002, 'user left');
    await waitFor(() => capture.closed);
    assert.deepEqual(capture.closed, { code: 4002, reason: 'user left' });
  });

  it('relays a close without a status code as one', async () => {
    const { session } = await connectSdk(server.url);
    const capture = await waitFor(() => upstream.captures[0]);
    session.close(); // the SDK sends no code
    await waitFor(() => capture.closed);
    assert.equal(capture.closed?.code, 1005);
  });

  it('forwards a first frame that is not JSON untouched', async () => {
    const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
    socket.send('not json');
    const capture = await waitFor(() => (upstream.captures[0]?.messages.length ? upstream.captures[0] : undefined));
    assert.equal(capture.messages[0].text, 'not json');
    socket.close();
  });

  it('refuses origins that are not allowed, and accepts listed ones', async () => {
    await assert.rejects(rawConnect(`${server.url}${LIVE_PATH}`, { origin: 'https://evil.example' }), {
      status: 403,
    });
    const socket = await rawConnect(`${server.url}${LIVE_PATH}`, { origin: 'https://app.example.com' });
    socket.close();
    assert.equal(upstream.captures.length <= 1, true);
  });

  it('answers 404 to other paths and 426 to plain HTTP', async () => {
    await assert.rejects(rawConnect(`${server.url}/elsewhere`), { status: 404 });
    const response = await fetch(`${server.url}${LIVE_PATH}`);
    assert.equal(response.status, 426);
  });

  it('closes the browser with 1001 when the proxy shuts its sessions down', async () => {
    const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
    socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
    await waitFor(() => upstream.captures[0]?.messages.length);
    const closing = closeOf(socket);
    await proxy.close();
    assert.equal((await closing).code, 1001);
    await waitFor(() => upstream.captures[0].closed);
    assert.equal(upstream.captures[0].closed?.code, 1001);
  });
});

describe('createVertexProxy while the upstream is still connecting', () => {
  it('holds early frames and forwards them in order, setup rewritten, once the upstream is open', async () => {
    const upstream = await startCaptureUpstream();
    const proxy = createVertexProxy({
      project: 'p',
      location: 'global',
      model: 'gemini-live-2.5-flash-native-audio',
      upstreamUrl: upstream.url,
      getAccessToken: () => new Promise<string>((resolve) => setTimeout(() => resolve(ACCESS_TOKEN), 100)),
    });
    const server = await proxy.listen(0, '127.0.0.1');
    try {
      const socket = await rawConnect(`${server.url}${LIVE_PATH}?key=${BROWSER_KEY}`);
      socket.send(JSON.stringify({ setup: { model: 'models/whatever-the-browser-wants' } }));
      socket.send(JSON.stringify({ clientContent: { turns: [{ role: 'user', parts: [{ text: 'early' }] }] } }));
      socket.send(Buffer.from([1, 2, 3]));
      const capture = await waitFor(() =>
        upstream.captures[0]?.messages.length === 3 ? upstream.captures[0] : undefined,
      );
      assert.equal(
        JSON.parse(capture.messages[0].text).setup.model,
        'projects/p/locations/global/publishers/google/models/gemini-live-2.5-flash-native-audio',
      );
      assert.equal(JSON.parse(capture.messages[1].text).clientContent.turns[0].parts[0].text, 'early');
      assert.equal(capture.messages[2].isBinary, true);
      socket.close(1000);
    } finally {
      await server.close();
      await upstream.close();
    }
  });
});

describe('createVertexProxy failures', () => {
  const logs = captureConsole();
  after(() => {
    logs.restore();
    logs.assertNever(ACCESS_TOKEN);
  });

  it('closes the browser with 1011 when the upstream cannot be reached, and keeps serving', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((resolve) => dead.close(() => resolve()));

    const errors: Error[] = [];
    const proxy = createVertexProxy({
      upstreamUrl: `ws://127.0.0.1:${port}/ws`,
      getAccessToken: () => ACCESS_TOKEN,
      onError: (error) => errors.push(error),
    });
    const server = await proxy.listen(0, '127.0.0.1');
    try {
      for (let i = 0; i < 2; i++) {
        const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
        socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
        const { code, reason } = await closeOf(socket);
        assert.equal(code, 1011);
        assert.match(reason, /upstream/i);
      }
      assert.ok(errors.length >= 2);
    } finally {
      await server.close();
    }
  });

  it('closes with 1011 when no access token can be obtained', async () => {
    const errors: Error[] = [];
    const proxy = createVertexProxy({
      upstreamUrl: 'ws://127.0.0.1:9/never',
      getAccessToken: async () => {
        throw new Error('metadata server unreachable');
      },
      onError: (error) => errors.push(error),
    });
    const server = await proxy.listen(0, '127.0.0.1');
    try {
      const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
      const { code } = await closeOf(socket);
      assert.equal(code, 1011);
      assert.match(errors[0].message, /metadata server unreachable/);
    } finally {
      await server.close();
    }
  });

  it('closes with 1011 when the upstream refuses the handshake', async () => {
    const refusing = createServer((_request, response) => {
      response.statusCode = 401;
      response.end();
    });
    refusing.on('upgrade', (_request, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const { port } = refusing.address() as AddressInfo;
    const errors: Error[] = [];
    const proxy = createVertexProxy({
      upstreamUrl: `ws://127.0.0.1:${port}/ws`,
      getAccessToken: () => ACCESS_TOKEN,
      onError: (error) => errors.push(error),
    });
    const server = await proxy.listen(0, '127.0.0.1');
    try {
      const socket = await rawConnect(`${server.url}${LIVE_PATH}`);
      socket.send(JSON.stringify({ setup: { model: 'models/m' } }));
      assert.equal((await closeOf(socket)).code, 1011);
      assert.match(errors.map((error) => error.message).join('\n'), /401/);
    } finally {
      await server.close();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });

  it('lets authorize() see the browser credential and refuse with 401', async () => {
    const seen: (string | undefined)[] = [];
    const proxy = createVertexProxy({
      upstreamUrl: 'ws://127.0.0.1:9/never',
      getAccessToken: () => ACCESS_TOKEN,
      authorize: (_request, credential) => {
        seen.push(credential);
        return credential === 'ticket-ok';
      },
    });
    const server = await proxy.listen(0, '127.0.0.1');
    try {
      await assert.rejects(rawConnect(`${server.url}/${LIVE_PATH}?key=${BROWSER_KEY}`), { status: 401 });
      const socket = await rawConnect(
        `${server.url}${LIVE_PATH.replace('v1beta', 'v1alpha')}Constrained?access_token=ticket-ok`,
      );
      socket.terminate();
      assert.deepEqual(seen, [BROWSER_KEY, 'ticket-ok']);
    } finally {
      await server.close();
    }
  });
});

describe('createVertexProxy with the simulator standing in for Vertex AI', () => {
  const logs = captureConsole();
  let sim: TestSimulator;
  let server: VertexProxyServer;

  before(async () => {
    sim = await startTestSimulator();
    const simWs = sim.url.replace(/^http/, 'ws');
    const proxy = createVertexProxy({
      upstreamUrl: `${simWs}${LIVE_PATH}?key=${SIM_KEY}`,
      getAccessToken: () => ACCESS_TOKEN,
    });
    server = await proxy.listen(0, '127.0.0.1');
  });
  after(async () => {
    await server?.close();
    await sim?.close();
    logs.restore();
    logs.assertNever(ACCESS_TOKEN);
  });

  it('carries a whole text conversation through the proxy', async () => {
    const { session, messages, closed } = await connectSdk(server.url, 'gemini-2.5-flash-native-audio-preview-12-2025');
    session.sendClientContent({ turns: 'Hello there, what can you do?', turnComplete: true });
    await waitFor(() => messages.some((message) => message.serverContent?.turnComplete), { timeout: 5000 });
    assert.ok(modelText(messages).length > 0, 'the simulator answered with text');
    session.close();
    await waitFor(() => closed());
  });
});
