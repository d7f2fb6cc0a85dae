// The two WebSocket opening handshakes (RFC 6455 §4) the Vertex proxy makes: accepting a browser's upgrade, and
// upgrading its own request to Vertex AI. After them, both sockets carry frames that the relay reads itself.
import type { IncomingMessage, request as httpRequest } from 'node:http';
import type { Duplex } from 'node:stream';

/** What the handshakes need of Node, loaded by the proxy on first use. */
export interface HandshakeApis {
  createHash: typeof import('node:crypto').createHash;
  randomFillSync<T extends Uint8Array>(buffer: T): T;
  /** `node:http`'s or `node:https`'s `request`. */
  request(secure: boolean): typeof httpRequest;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** A subprotocol name: an HTTP token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function acceptFor(apis: HandshakeApis, key: string): string {
  return apis.createHash('sha1').update(key + GUID).digest('base64');
}

/**
 * Checks a browser's upgrade request and returns the `101 Switching Protocols` answer to write, or the HTTP
 * status to refuse it with (426 for a protocol version other than 13). The first subprotocol offered, if any, is
 * accepted; no extension ever is.
 */
export function acceptUpgrade(apis: HandshakeApis, request: IncomingMessage): { response: string } | { status: number } {
  if (request.method !== 'GET') return { status: 405 };
  const { headers } = request;
  const key = headers['sec-websocket-key'];
  const version = headers['sec-websocket-version'];
  if (headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || !KEY.test(key.trim())) {
    return { status: 400 };
  }
  if (version !== '13') return { status: 426 };
  let protocol = '';
  const offered = headers['sec-websocket-protocol'];
  if (offered !== undefined) {
    const names = offered.split(',').map((name) => name.trim());
    if (!names.every((name) => TOKEN.test(name))) return { status: 400 };
    protocol = `Sec-WebSocket-Protocol: ${names[0]}\r\n`;
  }
  return {
    response:
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptFor(apis, key.trim())}\r\n${protocol}\r\n`,
  };
}

export interface UpstreamCallbacks {
  open(socket: Duplex, head: Buffer): void;
  fail(error: Error): void;
}

/**
 * Opens a WebSocket connection to `url` (`ws:` or `wss:`) with `headers`; calls `open` with the upgraded socket,
 * or `fail` once (a refused handshake reads `Unexpected server response: <status>`). Returns an abort, which
 * does nothing once the socket has been handed over.
 */
export function connectUpstream(
  apis: HandshakeApis,
  url: string,
  headers: Record<string, string>,
  callbacks: UpstreamCallbacks,
): () => void {
  const target = new URL(url);
  const secure = target.protocol === 'wss:' || target.protocol === 'https:';
  const key = Buffer.from(apis.randomFillSync(new Uint8Array(16))).toString('base64');
  let settled = false;
  const fail = (error: Error) => {
    if (settled) return;
    settled = true;
    callbacks.fail(error);
  };
  const hostname = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  const request = apis.request(secure)({
    hostname,
    port: target.port || (secure ? 443 : 80),
    path: target.pathname + target.search,
    headers: {
      ...headers,
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': key,
    },
  });
  request.on('error', fail);
  request.on('response', (response) => {
    response.resume();
    request.destroy();
    fail(new Error(`Unexpected server response: ${response.statusCode}`));
  });
  request.on('upgrade', (response, socket: Duplex, head: Buffer) => {
    const refuse = (reason: string) => {
      socket.destroy();
      fail(new Error(reason));
    };
    if (settled) return socket.destroy();
    if (response.headers.upgrade?.toLowerCase() !== 'websocket') return refuse('Invalid Upgrade header');
    if (!/(^|,)\s*upgrade\s*(,|$)/i.test(response.headers.connection ?? '')) return refuse('Invalid Connection header');
    if (response.headers['sec-websocket-accept'] !== acceptFor(apis, key)) {
      return refuse('Invalid Sec-WebSocket-Accept header');
    }
    if (response.headers['sec-websocket-extensions'] !== undefined) return refuse('Unrequested extension');
    if (response.headers['sec-websocket-protocol'] !== undefined) return refuse('Unrequested subprotocol');
    settled = true;
    callbacks.open(socket, head);
  });
  request.end();
  return () => {
    if (settled) return;
    settled = true;
    request.destroy();
  };
}
