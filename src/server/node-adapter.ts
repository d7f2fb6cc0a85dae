import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FetchHandler } from './token-handler-types.js';

/** A Node `http` / Express / Connect style request listener. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

const MAX_NODE_BODY_BYTES = 1024 * 1024;

/**
 * Serves a Fetch-API handler (such as {@link createTokenHandler}'s) from Node's `http` module, Express or Connect.
 * The `IncomingMessage` becomes a `Request` (method, URL, headers, body; aborted when the client goes away) and
 * the `Response` is written to the `ServerResponse`. The socket's remote address is passed as
 * `{ remoteAddress }`, so the default rate limiter tells clients apart without trusting any header (see
 * `trustProxy` for servers behind a proxy). A body already parsed by `express.json()` is re-serialised. Unexpected failures go to
 * `next(error)` when given, else produce a bare 500.
 *
 * @example Node `http`
 * ```ts
 * import { createServer } from 'node:http';
 * import { createTokenHandler, toNodeHandler } from 'gemini-live/server';
 * const tokens = toNodeHandler(createTokenHandler({ apiKey: process.env.GEMINI_API_KEY! }));
 * createServer((req, res) => {
 *   if (req.url === '/api/gemini-token') return tokens(req, res);
 *   res.statusCode = 404;
 *   res.end();
 * }).listen(8080);
 * ```
 *
 * @example Express
 * ```ts
 * app.all('/api/gemini-token', toNodeHandler(createTokenHandler({ apiKey: process.env.GEMINI_API_KEY! })));
 * ```
 */
export function toNodeHandler(handler: FetchHandler): NodeHandler {
  return (req, res, next) => {
    void serve(handler, req, res).catch((error: unknown) => {
      if (next) {
        next(error);
        return;
      }
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('Internal Server Error');
      } else {
        res.destroy();
      }
    });
  };
}

async function serve(handler: FetchHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });

  const request = await toRequest(req, abort.signal);
  if (!request) {
    res.statusCode = 413;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Connection', 'close');
    res.end('Payload Too Large');
    return;
  }
  const response = await handler(request, { remoteAddress: req.socket?.remoteAddress });
  await writeResponse(response, res);
}

/** Converts an `IncomingMessage` to a `Request`, or `null` when the body exceeds 1 MiB. */
async function toRequest(req: IncomingMessage, signal: AbortSignal): Promise<Request | null> {
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }

  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = headers.get('host') ?? 'localhost';
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  // A path starting with `//` would otherwise be read as a host by the URL parser.
  const normalizedPath = `/${path.replace(/^\/+/, '')}`;
  const url = new URL(`${encrypted ? 'https' : 'http'}://${host}${normalizedPath}`);

  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const read = await readNodeBody(req);
    if (read === null) return null;
    body = read;
    headers.delete('content-length');
    headers.delete('transfer-encoding');
  }
  return new Request(url, { method, headers, body, signal });
}

async function readNodeBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer> | null> {
  // Express / Connect body parsers consume the stream and leave the result on `req.body`.
  if (req.readableEnded) {
    const parsed = (req as IncomingMessage & { body?: unknown }).body;
    if (parsed === undefined || parsed === null) return new Uint8Array(0);
    if (typeof parsed === 'string') return new TextEncoder().encode(parsed);
    if (parsed instanceof Uint8Array) return new Uint8Array(parsed);
    return new TextEncoder().encode(JSON.stringify(parsed));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.byteLength;
    if (size > MAX_NODE_BODY_BYTES) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  const setCookies = response.headers.getSetCookie?.() ?? [];
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue;
    res.setHeader(name, value);
  }
  if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);

  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const finish = () => {
            res.off('drain', finish);
            res.off('close', finish);
            resolve();
          };
          res.on('drain', finish);
          res.on('close', finish);
        });
      }
    }
    res.end();
  } finally {
    reader.releaseLock();
  }
}
