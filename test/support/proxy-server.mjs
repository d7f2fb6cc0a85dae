// The Vertex proxy for the browser tests, in a process of its own (run with `node --import tsx`, as it loads
// src/server from source): createVertexProxy in front of a stand-in upstream that answers a setup with
// `setupComplete` (with how the previous session's close reached it) and each later message with what it
// received, as binary JSON. Prints `ready <proxy url>` once listening, and closes both on SIGTERM.
import { WebSocketServer } from 'ws';
import { createVertexProxy } from '../../src/server/index.ts';

const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await new Promise((resolve) => upstream.once('listening', resolve));
/** How the previous session's browser close reached upstream, which the next session's setupComplete tells. */
let lastClose = null;
upstream.on('connection', (socket) => {
  socket.on('error', () => {});
  socket.on('message', (data, isBinary) => {
    const text = data.toString('utf8');
    const message = JSON.parse(text);
    const reply = message.setup
      ? { setupComplete: {}, model: message.setup.model, lastClose }
      : { received: { bytes: data.length, isBinary, tail: text.slice(-24) } };
    socket.send(Buffer.from(JSON.stringify(reply)), { binary: true });
  });
  socket.on('close', (code, reason) => (lastClose = { code, reason: reason.toString('utf8') }));
});

const warn = console.warn;
console.warn = () => {}; // allowUnauthenticated warns, as it should: expected here
const proxy = createVertexProxy({
  allowUnauthenticated: true,
  getAccessToken: () => 'browser-test-token',
  project: 'browser-tests',
  upstreamUrl: `ws://127.0.0.1:${upstream.address().port}/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent`,
  onError: () => {},
});
console.warn = warn;
const server = await proxy.listen(0);
console.log(`ready ${server.url}`);

process.once('SIGTERM', async () => {
  await server.close();
  for (const socket of upstream.clients) socket.terminate();
  upstream.close(() => process.exit(0));
});
