import type { Agent, ClientRequest, IncomingMessage, IncomingHttpHeaders, RequestOptions } from 'node:http';
import { cachedImport } from '../shared/cached-import.js';

/** The shape of `fetch`, as `HttpOptions.fetch` of `@google/genai` takes it. */
export type FetchFunction = typeof fetch;

/** A token service answer is under a kilobyte; anything past this is refused rather than buffered. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** Idle keep-alive sockets are closed after this long (as undici does by default), sooner if the server asks. */
const IDLE_SOCKET_MS = 4000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DECODER = new TextDecoder();

interface Transport {
  request(url: URL, options: RequestOptions, answer: (response: IncomingMessage) => void): ClientRequest;
  agent: Agent;
}

// node:http and node:https load on first use, so that this module can sit in a bundle for Fetch-API runtimes.
const transports = cachedImport(async (): Promise<Record<string, Transport>> => {
  const [http, https] = await Promise.all([import('node:http'), import('node:https')]);
  const options = { keepAlive: true, timeout: IDLE_SOCKET_MS };
  return {
    'http:': { request: http.request, agent: new http.Agent(options) },
    'https:': { request: https.request, agent: new https.Agent(options) },
  };
});

/**
 * A small `fetch` for `@google/genai` on Node, over `node:http` / `node:https` with keep-alive agents. On Node 20
 * the global fetch costs about 0.5–0.7 ms of CPU per call (its Request, Response and body streams); this costs a
 * fraction of that. It handles what the SDK sends (a string or URL, a string or byte body, headers, a signal)
 * and answers with an object that has what the SDK reads of a response: `ok`, `status`, `statusText`,
 * `headers.get` / `entries`, `text()`, `json()`, `arrayBuffer()`. Anything else (a `Request` as input, a stream
 * or form body, another protocol) goes to the global fetch.
 *
 * Like a fetch with `redirect: 'error'`, it follows no redirect: a 3xx answer with a `Location` rejects, so the
 * API key header never travels on. It asks for an uncompressed answer and rejects a compressed one, and
 * rejects answers over 1 MiB. Network failures reject with `TypeError('fetch failed')` as fetch does; an
 * aborted signal rejects with the signal's reason.
 */
export function createNodeFetch(): FetchFunction {
  return async (input, init) => {
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
    const body = init?.body;
    const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (!url || !plainBody || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      return fetch(input, { ...init, redirect: 'error' });
    }
    const all = await transports();
    return send(all[url.protocol], url, init ?? {}, body ?? undefined);
  };
}

function send(transport: Transport, url: URL, init: RequestInit, body: string | Uint8Array | undefined): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const headers = nodeHeaders(init.headers);
  headers['accept'] ??= '*/*';
  headers['accept-encoding'] = 'identity';
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  if (bytes) headers['content-length'] = String(bytes.byteLength);

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, response?: Response) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(response!);
      else reject(error);
    };
    const fail = (cause: unknown) => finish(new TypeError('fetch failed', { cause }));
    const onAbort = () => {
      finish(signal!.reason);
      request.destroy();
    };
    const request = transport.request(
      url,
      { method: init.method ?? 'GET', headers, agent: transport.agent },
      (response) => {
        const status = response.statusCode ?? 0;
        if (REDIRECT_STATUSES.has(status) && response.headers.location !== undefined) {
          // Not drained: its body would be read with no limit and no deadline once the fetch has settled.
          request.destroy();
          fail(new Error(`redirect refused (${status})`));
          return;
        }
        const coding = response.headers['content-encoding'];
        if (coding !== undefined && coding !== 'identity') {
          request.destroy();
          fail(new Error(`unexpected content-encoding ${coding}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > MAX_RESPONSE_BYTES) {
            request.destroy();
            fail(new Error('response too large'));
            return;
          }
          chunks.push(chunk);
        });
        response.once('end', () => {
          finish(undefined, new ReceivedResponse(response, Buffer.concat(chunks, size)) as unknown as Response);
        });
        response.on('error', fail);
        response.once('close', () => {
          if (!response.complete) fail(new Error('the connection closed before the answer was complete'));
        });
      },
    );
    request.on('error', fail);
    signal?.addEventListener('abort', onAbort, { once: true });
    request.end(bytes);
  });
}

function nodeHeaders(init: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (init === undefined) return out;
  const headers = init instanceof Headers ? init : new Headers(init);
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** The part of `Headers` a reader of a response uses, over Node's header object. */
class ReceivedHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const found = this.raw[name.toLowerCase()];
    if (found === undefined) return null;
    return Array.isArray(found) ? found.join(', ') : found;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  keys(): IterableIterator<string> {
    return Object.keys(this.raw)[Symbol.iterator]();
  }

  entries(): IterableIterator<[string, string]> {
    const pairs = Object.keys(this.raw).map((name): [string, string] => [name, this.get(name)!]);
    return pairs[Symbol.iterator]();
  }

  forEach(each: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) each(value, name);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** The part of a `Response` the SDK reads, over a body already received whole. */
class ReceivedResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: ReceivedHeaders;
  readonly redirected = false;
  bodyUsed = false;

  constructor(
    message: IncomingMessage,
    private readonly bytes: Buffer,
  ) {
    this.status = message.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = message.statusMessage ?? '';
    this.headers = new ReceivedHeaders(message.headers);
  }

  async text(): Promise<string> {
    return DECODER.decode(this.take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(DECODER.decode(this.take()));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  private take(): Buffer {
    if (this.bodyUsed) throw new TypeError('Body is unusable: body has already been read');
    this.bodyUsed = true;
    return this.bytes;
  }
}
