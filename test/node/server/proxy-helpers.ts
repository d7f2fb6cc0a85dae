import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** The path the SDK opens for the Gemini Developer API, which the proxy serves. */
export const LIVE_PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';

export interface Capture {
  url: string;
  headers: IncomingHttpHeaders;
  messages: { text: string; isBinary: boolean }[];
  closed?: { code: number; reason: string };
  socket: WebSocket;
}

/** A stand-in for the Vertex endpoint that records what reaches it and answers like the Live service. */
export async function startCaptureUpstream() {
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

export type Upstream = Awaited<ReturnType<typeof startCaptureUpstream>>;

/** Opens a raw WebSocket to the proxy; resolves with the socket once open, or rejects with the HTTP status. */
export function rawConnect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
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

export function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}
