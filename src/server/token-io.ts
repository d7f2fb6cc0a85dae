// What the token handler reads of a request and what it answers, apart from the Fetch API's Request and
// Response: on Node 20 each of those costs 30–90 µs (headers, an AbortSignal, body streams), so toNodeHandler
// serves the token handler straight from the IncomingMessage to the ServerResponse, and builds a Request only
// when a callback (`authorize`, `clientKey`, a `config` function) asks for one.
import type { TokenErrorBody, TokenErrorCode } from './errors.js';
import type { FetchFunction } from './node-fetch.js';
import type { RateLimitDecision } from './rate-limit.js';
import type { ClientInfo, FetchHandler } from './token-handler-types.js';

/** The request as the token handler reads it. */
export interface TokenInput {
  /** The method, as the Request has it. */
  readonly method: string;
  /** A header's value, several joined with `, ` as `Headers.get` does; `null` when absent. */
  header(name: string): string | null;
  /** The body, or `null` when it is longer than `limit` bytes. */
  body(limit: number): Promise<Uint8Array | null>;
  /** The Fetch-API request, for the callbacks: made on first use where the server has none. */
  request(): Request;
}

/** An answer of the token handler: written straight to a Node response, or made into a `Response`. */
export interface TokenReply {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | null;
}

/** The token handler without Request and Response objects, for {@link toNodeHandler}. */
export interface DirectTokenHandler {
  handle(input: TokenInput, client: ClientInfo): Promise<TokenReply>;
  /** The fetch to mint with when `httpOptions.fetch` is not given (default: the global one). */
  setDefaultFetch(fetch: FetchFunction): void;
}

const DIRECT = Symbol('gemini-live.directTokenHandler');
const UTF8 = new TextEncoder();

/** A FetchHandler that also carries its direct form. */
export function withDirect(handler: FetchHandler, direct: DirectTokenHandler): FetchHandler {
  return Object.assign(handler, { [DIRECT]: direct });
}

/** The direct form of a handler made by createTokenHandler; `undefined` for any other handler. */
export function directOf(handler: FetchHandler): DirectTokenHandler | undefined {
  return (handler as FetchHandler & { [DIRECT]?: DirectTokenHandler })[DIRECT];
}

/**
 * The input for a Fetch-API request. Once a callback is given the request, the handler reads the body from a copy
 * made before it, so a callback that reads the body leaves the handler's own read intact, as on the Node
 * adapter's direct path; the callback gets the request itself, with whatever its framework added (Next.js's
 * `cookies`, `nextUrl`). `release()`, once the answer is made, cancels whichever of the two bodies nobody read:
 * an unread copy keeps its data buffered, and Cloudflare Workers warn about one.
 */
export function inputFromRequest(request: Request): TokenInput & { release(): void } {
  let bodySource: Request | undefined;
  return {
    method: request.method,
    header: (name) => request.headers.get(name),
    body: (limit) => readBody(bodySource ?? request, limit),
    request: () => {
      if (!bodySource && request.body && !request.bodyUsed) bodySource = request.clone();
      return request;
    },
    release: () => {
      if (!bodySource) return;
      for (const copy of [request, bodySource]) {
        if (copy.body && !copy.bodyUsed) copy.body.cancel().catch(() => {});
      }
    },
  };
}

export function toResponse(reply: TokenReply): Response {
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

export function jsonReply(status: number, body: unknown, extra: Record<string, string>): TokenReply {
  const bytes = UTF8.encode(JSON.stringify(body));
  const headers = {
    ...extra,
    // Known up front, so that a Node server sends the answer in one write rather than as chunks.
    'content-length': String(bytes.byteLength),
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  return { status, headers, body: bytes };
}

export function errorReply(status: number, code: TokenErrorCode, message: string, extra: Record<string, string>): TokenReply {
  const body: TokenErrorBody = { error: { code, message } };
  return jsonReply(status, body, extra);
}

export function rateLimitedReply(decision: RateLimitDecision, cors: Record<string, string>): TokenReply {
  const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterSeconds ?? 60)));
  return errorReply(429, 'rate-limited', 'Too many token requests; try again later.', {
    ...cors,
    'retry-after': retryAfter,
  });
}

export function corsHeaders(allowed: Set<string> | undefined, origin: string | null): Record<string, string> {
  if (!allowed) return {};
  if (origin !== null && allowed.has(origin)) return { 'access-control-allow-origin': origin, vary: 'Origin' };
  return { vary: 'Origin' };
}

export function preflightReply(requested: string | null, cors: Record<string, string>): TokenReply {
  const headers = {
    ...cors,
    allow: 'POST, OPTIONS',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': requested && /^[\w\-, ]{1,500}$/.test(requested) ? requested : 'Content-Type',
    'access-control-max-age': '600',
    'cache-control': 'no-store',
  };
  return { status: 204, headers, body: null };
}

/** Reads a Request's body, or returns `null` when it exceeds `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return null;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
