import type { CreateAuthTokenConfig, HttpOptions } from '@google/genai';
import { scrubbedError, type TokenErrorBody, type TokenErrorCode } from './errors.js';
import { bareModelId, DEFAULT_LIVE_MODEL } from './models.js';
import { cachedImport } from '../shared/cached-import.js';
import { boundedKey, checkTrustProxy, clientAddress, type TrustProxy } from './client-address.js';
import type { ClientInfo, FetchHandler, TokenHandlerOptions, TokenResponseBody } from './token-handler-types.js';
import { canonicalOrigin } from './origins.js';
import { createMemoryRateLimiter, type MemoryRateLimiterOptions, type RateLimitDecision, type RateLimiter } from './rate-limit.js';

const MAX_BODY_BYTES = 8 * 1024;
const UTF8 = new TextEncoder();
const MAX_EXPIRE_SECONDS = 20 * 60 * 60;

/**
 * Creates a Fetch-API handler that mints single-use Gemini Live ephemeral tokens for `<gemini-live
 * token-endpoint="…">`. It accepts `POST` with an optional JSON body `{"model": "<id>"}` and answers
 * `{ token, expireTime, newSessionExpireTime }` with `Cache-Control: no-store`. Errors are JSON
 * `{ error: { code, message } }`: 405 (not POST), 403 (origin), 401 (`authorize`), 429 (rate limit, with
 * `Retry-After`), 413, 400 (bad JSON, unknown model), 502/504 (token service failed / timed out).
 *
 * Runs anywhere the Fetch API does: Cloudflare Workers, Deno, Bun, Next.js route handlers, Node ≥ 20 (see
 * {@link toNodeHandler}). The API key never appears in responses, thrown errors or logs.
 *
 * @throws TypeError at creation when `apiKey` is missing or an option is out of range.
 *
 * @example Cloudflare Worker
 * ```ts
 * import { createTokenHandler } from 'gemini-live/server';
 * let handler;
 * export default {
 *   fetch(request, env) {
 *     handler ??= createTokenHandler({
 *       apiKey: env.GEMINI_API_KEY,
 *       allowedOrigins: ['https://app.example.com'],
 *       config: { systemInstruction: 'You are a friendly concierge.' },
 *     });
 *     return handler(request);
 *   },
 * };
 * ```
 *
 * @example Next.js route handler (`app/api/gemini-token/route.ts`)
 * ```ts
 * import { createTokenHandler, type FetchHandler } from 'gemini-live/server';
 * let handler: FetchHandler | undefined;
 * // Created on first use, so that `next build` does not need the key.
 * export function POST(request: Request) {
 *   handler ??= createTokenHandler({ apiKey: process.env.GEMINI_API_KEY! });
 *   return handler(request);
 * }
 * ```
 *
 * @example Deno / Bun
 * ```ts
 * const handler = createTokenHandler({ apiKey: Deno.env.get('GEMINI_API_KEY')! });
 * Deno.serve((request) => new URL(request.url).pathname === '/api/gemini-token'
 *   ? handler(request) : new Response('Not found', { status: 404 }));
 * ```
 */
export function createTokenHandler(options: TokenHandlerOptions): FetchHandler {
  if (options == null || typeof options !== 'object') {
    throw new TypeError('createTokenHandler: options are required.');
  }
  const apiKey = options.apiKey;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new TypeError(
      'createTokenHandler: `apiKey` is required (a Gemini API key, e.g. from process.env.GEMINI_API_KEY).',
    );
  }
  const secrets = [apiKey];

  const defaultModel = bareModelId(options.model ?? options.models?.[0] ?? DEFAULT_LIVE_MODEL);
  if (!defaultModel) throw new TypeError('createTokenHandler: `model` must be a non-empty model id.');
  const allowedModels = new Set((options.models ?? []).map(bareModelId).filter(Boolean));
  allowedModels.add(defaultModel);

  const uses = options.uses ?? 1;
  if (!Number.isInteger(uses) || uses < 0) throw new TypeError('createTokenHandler: `uses` must be an integer ≥ 0.');
  const expireSeconds = options.expireSeconds ?? 30 * 60;
  const newSessionExpireSeconds = options.newSessionExpireSeconds ?? Math.min(60, expireSeconds);
  if (!(expireSeconds > 0 && expireSeconds <= MAX_EXPIRE_SECONDS)) {
    throw new TypeError('createTokenHandler: `expireSeconds` must be > 0 and at most 20 hours.');
  }
  if (!(newSessionExpireSeconds > 0 && newSessionExpireSeconds <= expireSeconds)) {
    throw new TypeError('createTokenHandler: `newSessionExpireSeconds` must be > 0 and at most `expireSeconds`.');
  }
  const lock = options.lockAdditionalFields ?? [];
  if (lock !== 'all' && !(Array.isArray(lock) && lock.every((field) => typeof field === 'string'))) {
    throw new TypeError("createTokenHandler: `lockAdditionalFields` must be an array of field names or 'all'.");
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0)) throw new TypeError('createTokenHandler: `timeoutMs` must be > 0.');

  const allowedOrigins = options.allowedOrigins ? new Set(options.allowedOrigins.map(canonicalOrigin)) : undefined;
  checkTrustProxy(options.trustProxy, 'createTokenHandler');
  const limiter = resolveLimiter(options.rateLimit, {});
  const failureLimiter = options.authorize
    ? resolveLimiter(options.authorizeFailureLimit, { limit: 10, windowSeconds: 300 })
    : undefined;
  let warnedUnknownClient = false;
  const clientKeyOf = async (request: Request, client: ClientInfo): Promise<string> => {
    if (options.clientKey) return boundedKey(String(await options.clientKey(request, client)));
    const address = clientAddress((name) => request.headers.get(name), client.remoteAddress, options.trustProxy);
    if (address) return boundedKey(address);
    if (!warnedUnknownClient) {
      warnedUnknownClient = true;
      report(
        new Error(
          'gemini-live/server: no client address is known, so every caller shares one rate-limit bucket. Pass ' +
            'the socket address as the second argument (toNodeHandler does), or set `trustProxy`.',
        ),
      );
    }
    return 'unknown';
  };
  const report = (error: Error) => {
    try {
      (options.onError ?? defaultOnError)(error);
    } catch {
      // A failing logger must not turn into a failed request.
    }
  };

  // A failed import or construction is retried on the next request.
  const getClient = cachedImport(() =>
    import('@google/genai').then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey,
          vertexai: false,
          httpOptions: { apiVersion: 'v1alpha', ...options.httpOptions, fetch: refusingRedirects(options.httpOptions?.fetch) },
        }),
    ),
  );

  const handle = async (request: Request, client: ClientInfo): Promise<Response> => {
    const origin = request.headers.get('origin');
    const cors = corsHeaders(allowedOrigins, origin);

    if (request.method === 'OPTIONS' && allowedOrigins) {
      if (origin !== null && !allowedOrigins.has(origin)) {
        return errorResponse(403, 'origin-not-allowed', 'This origin may not request tokens.', cors);
      }
      return preflightResponse(request, cors);
    }
    if (request.method !== 'POST') {
      const allow = allowedOrigins ? 'POST, OPTIONS' : 'POST';
      return errorResponse(405, 'method-not-allowed', 'Use POST to request a token.', { ...cors, Allow: allow });
    }
    if (allowedOrigins && origin !== null && !allowedOrigins.has(origin)) {
      return errorResponse(403, 'origin-not-allowed', 'This origin may not request tokens.', cors);
    }

    const clientKey = await clientKeyOf(request, client);
    if (options.authorize) {
      if (failureLimiter?.peek) {
        const failures = await failureLimiter.peek(clientKey);
        if (!failures.allowed) return rateLimited(failures, cors);
      }
      if (!(await options.authorize(request))) {
        const failures = failureLimiter ? await failureLimiter.consume(clientKey) : { allowed: true };
        if (!failures.allowed) return rateLimited(failures, cors);
        return errorResponse(401, 'unauthorized', 'Not allowed to request a token.', cors);
      }
    }
    if (limiter) {
      const decision = await limiter.consume(clientKey);
      if (!decision.allowed) return rateLimited(decision, cors);
    }

    const body = await readBody(request);
    if (body === null) return errorResponse(413, 'payload-too-large', 'The request body is too large.', cors);
    let requestedModel: string | undefined;
    if (body.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return errorResponse(400, 'invalid-json', 'The request body is not valid JSON.', cors);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return errorResponse(400, 'invalid-request', 'The request body must be a JSON object.', cors);
      }
      const model = (parsed as { model?: unknown }).model;
      if (model !== undefined && model !== null && typeof model !== 'string') {
        return errorResponse(400, 'invalid-request', '`model` must be a string.', cors);
      }
      if (model) requestedModel = bareModelId(model);
    }
    const model = requestedModel || defaultModel;
    if (!allowedModels.has(model)) {
      return errorResponse(400, 'unknown-model', `Model "${truncate(model, 100)}" is not available.`, cors);
    }

    const config =
      typeof options.config === 'function' ? await options.config({ request, model, clientKey }) : options.config;

    const now = Date.now();
    const tokenConfig: CreateAuthTokenConfig = {
      uses,
      expireTime: new Date(now + expireSeconds * 1000).toISOString(),
      newSessionExpireTime: new Date(now + newSessionExpireSeconds * 1000).toISOString(),
      liveConnectConstraints: config ? { model, config } : { model },
      abortSignal: AbortSignal.timeout(timeoutMs),
    };
    if (lock !== 'all') tokenConfig.lockAdditionalFields = [...lock];

    let token: { name?: string; expireTime?: string; newSessionExpireTime?: string };
    try {
      const ai = await getClient();
      token = await ai.authTokens.create({ config: tokenConfig });
    } catch (error) {
      const timedOut = tokenConfig.abortSignal?.aborted === true;
      report(scrubbedError('gemini-live/server: minting a Live API token failed', error, secrets));
      return timedOut
        ? errorResponse(504, 'upstream-timeout', 'The token service did not answer in time.', cors)
        : errorResponse(502, 'upstream-error', 'The token service refused or failed to create a token.', cors);
    }
    if (typeof token?.name !== 'string' || !token.name.startsWith('auth_tokens/')) {
      report(new Error('gemini-live/server: the token service answered without a token name.'));
      return errorResponse(502, 'upstream-error', 'The token service answered without a token.', cors);
    }

    const responseBody: TokenResponseBody = {
      token: token.name,
      expireTime: token.expireTime ?? (tokenConfig.expireTime as string),
      newSessionExpireTime: token.newSessionExpireTime ?? (tokenConfig.newSessionExpireTime as string),
    };
    return jsonResponse(200, responseBody, cors);
  };

  return async (request: Request, client?: ClientInfo): Promise<Response> => {
    try {
      return await handle(request, client ?? {});
    } catch (error) {
      report(scrubbedError('gemini-live/server: the token handler failed', error, secrets));
      const cors = corsHeaders(allowedOrigins, safeOrigin(request));
      return errorResponse(500, 'internal', 'The token endpoint failed.', cors);
    }
  };
}

type FetchFunction = NonNullable<HttpOptions['fetch']>;

/**
 * The fetch the SDK mints with: the caller's (or the global one) with redirects refused. The token service never
 * redirects, and following one would carry the API key (an `x-goog-api-key` header, which fetch keeps across
 * origins) wherever it pointed. Refusing them also spares fetch the copy of every request it keeps in case one
 * has to be followed (a tee of the body stream: on Node 20 about a third of what a fetch costs).
 */
function refusingRedirects(custom: FetchFunction | undefined): FetchFunction {
  // Looked up on each call, so that a fetch replaced after creation (instrumentation, tests) is the one used.
  return (input, init) => (custom ?? fetch)(input, { ...init, redirect: 'error' });
}

function resolveLimiter(
  option: false | RateLimiter | MemoryRateLimiterOptions | undefined,
  defaults: MemoryRateLimiterOptions,
): RateLimiter | undefined {
  if (option === false) return undefined;
  if (option && typeof (option as RateLimiter).consume === 'function') return option as RateLimiter;
  return createMemoryRateLimiter({ ...defaults, ...(option as MemoryRateLimiterOptions | undefined) });
}

/**
 * The default client key: the address `trustProxy` allows (see {@link TokenHandlerOptions.trustProxy}), else
 * `'unknown'`.
 */
export function defaultClientKey(request: Request, client: ClientInfo = {}, trustProxy?: TrustProxy): string {
  return clientAddress((name) => request.headers.get(name), client.remoteAddress, trustProxy) ?? 'unknown';
}

function rateLimited(decision: RateLimitDecision, cors: Record<string, string>): Response {
  const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterSeconds ?? 60)));
  return errorResponse(429, 'rate-limited', 'Too many token requests; try again later.', {
    ...cors,
    'Retry-After': retryAfter,
  });
}

function corsHeaders(allowed: Set<string> | undefined, origin: string | null): Record<string, string> {
  if (!allowed) return {};
  if (origin !== null && allowed.has(origin)) return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  return { Vary: 'Origin' };
}

function safeOrigin(request: Request): string | null {
  try {
    return request.headers.get('origin');
  } catch {
    return null;
  }
}

function preflightResponse(request: Request, cors: Record<string, string>): Response {
  const requested = request.headers.get('access-control-request-headers');
  const headers = new Headers({
    ...cors,
    Allow: 'POST, OPTIONS',
    'Access-Control-Allow-Methods': 'POST, OPTIONS',
    'Access-Control-Allow-Headers': requested && /^[\w\-, ]{1,500}$/.test(requested) ? requested : 'Content-Type',
    'Access-Control-Max-Age': '600',
    'Cache-Control': 'no-store',
  });
  return new Response(null, { status: 204, headers });
}

function jsonResponse(status: number, body: unknown, extra: Record<string, string>): Response {
  const bytes = UTF8.encode(JSON.stringify(body));
  return new Response(bytes, {
    status,
    headers: {
      ...extra,
      // Known up front, so that a Node server sends the answer in one write rather than as chunks.
      'Content-Length': String(bytes.byteLength),
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

function errorResponse(
  status: number,
  code: TokenErrorCode,
  message: string,
  extra: Record<string, string>,
): Response {
  const body: TokenErrorBody = { error: { code, message } };
  return jsonResponse(status, body, extra);
}

/** Reads the body as text, or returns `null` when it exceeds the size limit. */
async function readBody(request: Request): Promise<string | null> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
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
  return new TextDecoder().decode(bytes);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function defaultOnError(error: Error): void {
  console.error(error.message);
}
