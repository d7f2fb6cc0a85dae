import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue } from './client-address.js';
import { createNodeFetch } from './node-fetch.js';
import type { FetchHandler } from './token-handler-types.js';
import { directOf, type DirectTokenHandler, type TokenInput } from './token-io.js';

/** A Node `http` / Express / Connect style request listener. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

const MAX_NODE_BODY_BYTES = 1024 * 1024;

/**
 * Serves a Fetch-API handler (such as {@link createTokenHandler}'s) from Node's `http` module, Express or Connect.
 * The `IncomingMessage` becomes a `Request` (method, URL, headers, body; aborted when the client goes away) and
 * the `Response` is written to the `ServerResponse`. The socket's remote address is passed as
 * `{ remoteAddress }`, so the default rate limiter tells clients apart without trusting any header (see
 * `trustProxy` for servers behind a proxy). A body already parsed by `express.json()` is re-serialised. Bodies
 * over 1 MiB are answered 413 without calling the handler. Unexpected failures go to `next(error)` when given,
 * else produce a bare 500.
 *
 * A handler made by {@link createTokenHandler} is served the same way, with the same answers, but faster: it
 * reads the `IncomingMessage` and writes the `ServerResponse` itself, building a `Request` only for the
 * callbacks that receive one, and unless `httpOptions.fetch` says otherwise it mints over `node:http` /
 * `node:https` with keep-alive connections instead of the global `fetch` (redirects refused there too). On
 * Node 20 this doubles the tokens one core mints a second. The global fetch is the one to pass as
 * `httpOptions.fetch` where outgoing requests must go through undici's `setGlobalDispatcher` (a proxy agent).
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
  const direct = directOf(handler);
  direct?.setDefaultFetch(createNodeFetch());
  return (req, res, next) => {
    void (direct ? serveDirect(direct, req, res) : serve(handler, req, res)).catch((error: unknown) => {
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
  if (!request) return tooLarge(res);
  const response = await handler(request, { remoteAddress: req.socket?.remoteAddress });
  await writeResponse(response, res);
}

/** Converts an `IncomingMessage` to a `Request`, or `null` when the body exceeds 1 MiB. */
async function toRequest(req: IncomingMessage, signal: AbortSignal): Promise<Request | null> {
  const method = methodOf(req);
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const read = await readNodeBody(req);
    if (read === null) return null;
    body = read;
  }
  return buildRequest(req, method, body, signal, requestUrl(req));
}

function methodOf(req: IncomingMessage): string {
  return (req.method ?? 'GET').toUpperCase();
}

function buildRequest(
  req: IncomingMessage,
  method: string,
  body: Uint8Array<ArrayBuffer> | undefined,
  signal: AbortSignal,
  url: URL,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  if (body !== undefined) {
    headers.delete('content-length');
    headers.delete('transfer-encoding');
  }
  return new Request(url, { method, headers, body, signal });
}

/** The request's URL as a `Request` has it; throws, as `new URL` does, on a `Host` header that is not a host. */
function requestUrl(req: IncomingMessage): URL {
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = headerValue(req.headers.host) ?? 'localhost';
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  // A path starting with `//` would otherwise be read as a host by the URL parser.
  const normalizedPath = `/${path.replace(/^\/+/, '')}`;
  return new URL(`${encrypted ? 'https' : 'http'}://${host}${normalizedPath}`);
}

/**
 * Serves createTokenHandler's handler: the same steps and answers as {@link serve}, without a `Request` (made only
 * if a callback asks for it) or a `Response` (the answer is written in one `end`).
 */
async function serveDirect(direct: DirectTokenHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // A `Host` the URL parser refuses fails here, as building the Fetch path's `Request` does.
  const input = new NodeTokenInput(req, requestUrl(req));
  res.once('close', () => {
    if (!res.writableFinished) input.clientGone();
  });
  if (input.method !== 'GET' && input.method !== 'HEAD') {
    const read = await readNodeBody(req);
    if (read === null) return tooLarge(res);
    input.bytes = read;
  }
  const reply = await direct.handle(input, { remoteAddress: req.socket?.remoteAddress });
  if (res.destroyed) return;
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body ?? undefined);
}

/** An `IncomingMessage` as the token handler reads it: its `Request` is made on first use, as {@link toRequest} would. */
class NodeTokenInput implements TokenInput {
  readonly method: string;
  bytes: Uint8Array<ArrayBuffer> | undefined;
  private gone = false;
  private abort: AbortController | undefined;
  private made: Request | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly url: URL,
  ) {
    this.method = methodOf(req);
  }

  header(name: string): string | null {
    return headerValue(this.req.headers[name.toLowerCase()]) ?? null;
  }

  async body(limit: number): Promise<Uint8Array | null> {
    const bytes = this.bytes ?? new Uint8Array(0);
    return bytes.byteLength > limit ? null : bytes;
  }

  request(): Request {
    if (!this.made) {
      this.abort = new AbortController();
      if (this.gone) this.abort.abort();
      this.made = buildRequest(this.req, this.method, this.bytes, this.abort.signal, this.url);
    }
    return this.made;
  }

  /** The client went away before the answer was written: the Request's signal aborts. */
  clientGone(): void {
    this.gone = true;
    this.abort?.abort();
  }
}

function tooLarge(res: ServerResponse): void {
  res.statusCode = 413;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Connection', 'close');
  res.end('Payload Too Large');
}

function readNodeBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer> | null> {
  // Express / Connect body parsers consume the stream and leave the result on `req.body`.
  if (req.readableEnded) {
    const parsed = (req as IncomingMessage & { body?: unknown }).body;
    if (parsed === undefined || parsed === null) return Promise.resolve(new Uint8Array(0));
    if (typeof parsed === 'string') return Promise.resolve(new TextEncoder().encode(parsed));
    if (parsed instanceof Uint8Array) return Promise.resolve(new Uint8Array(parsed));
    return Promise.resolve(new TextEncoder().encode(JSON.stringify(parsed)));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Events rather than `for await`: the async iterator costs more than reading a small body does.
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.byteLength;
      if (size > MAX_NODE_BODY_BYTES) {
        stop();
        // The rest is read and dropped, so that the 413 reaches a client still sending (the answer closes the
        // connection).
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onClose = () => {
      stop();
      reject(new Error('The request closed before its body was read.'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    // Kept after the body is read: an error emitted later must not go unhandled.
    req.on('error', (error) => {
      stop();
      reject(error);
    });
  });
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
