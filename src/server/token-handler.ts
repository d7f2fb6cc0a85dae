import type { CreateAuthTokenConfig } from '@google/genai';
import { scrubbedError } from './errors.js';
import { bareModelId, DEFAULT_LIVE_MODEL } from './models.js';
import { cachedImport } from '../shared/cached-import.js';
import { boundedKey, checkTrustProxy, clientAddress, type TrustProxy } from './client-address.js';
import type { ClientInfo, FetchHandler, TokenHandlerOptions, TokenResponseBody } from './token-handler-types.js';
import { canonicalOrigin } from './origins.js';
import type { FetchFunction } from './node-fetch.js';
import { createMemoryRateLimiter, type MemoryRateLimiterOptions, type RateLimiter } from './rate-limit.js';
import {
  corsHeaders,
  errorReply,
  inputFromRequest,
  jsonReply,
  preflightReply,
  rateLimitedReply,
  toResponse,
  withDirect,
  type TokenInput,
  type TokenReply,
} from './token-io.js';

const MAX_BODY_BYTES = 8 * 1024;
const UTF8_DECODER = new TextDecoder();
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
  const clientKeyOf = async (input: TokenInput, client: ClientInfo): Promise<string> => {
    if (options.clientKey) return boundedKey(String(await options.clientKey(input.request(), client)));
    const address = clientAddress((name) => input.header(name), client.remoteAddress, options.trustProxy);
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

  // The fetch the SDK mints with: the caller's, else the default (toNodeHandler sets one over node:http), else
  // the global one, looked up on each call so that a fetch replaced after creation (instrumentation, tests) is
  // the one used.
  const customFetch = options.httpOptions?.fetch;
  let defaultFetch: FetchFunction | undefined;
  // A failed import or construction is retried on the next request.
  const getClient = cachedImport(() =>
    import('@google/genai').then(
      ({ GoogleGenAI }) =>
        new GoogleGenAI({
          apiKey,
          vertexai: false,
          httpOptions: {
            apiVersion: 'v1alpha',
            ...options.httpOptions,
            fetch: refusingRedirects(() => customFetch ?? defaultFetch ?? fetch),
          },
        }),
    ),
  );

  const handle = async (input: TokenInput, client: ClientInfo): Promise<TokenReply> => {
    const origin = input.header('origin');
    const cors = corsHeaders(allowedOrigins, origin);

    if (input.method === 'OPTIONS' && allowedOrigins) {
      if (origin !== null && !allowedOrigins.has(origin)) {
        return errorReply(403, 'origin-not-allowed', 'This origin may not request tokens.', cors);
      }
      return preflightReply(input.header('access-control-request-headers'), cors);
    }
    if (input.method !== 'POST') {
      const allow = allowedOrigins ? 'POST, OPTIONS' : 'POST';
      return errorReply(405, 'method-not-allowed', 'Use POST to request a token.', { ...cors, allow });
    }
    if (allowedOrigins && origin !== null && !allowedOrigins.has(origin)) {
      return errorReply(403, 'origin-not-allowed', 'This origin may not request tokens.', cors);
    }

    const clientKey = await clientKeyOf(input, client);
    if (options.authorize) {
      if (failureLimiter?.peek) {
        const failures = await failureLimiter.peek(clientKey);
        if (!failures.allowed) return rateLimitedReply(failures, cors);
      }
      if (!(await options.authorize(input.request()))) {
        const failures = failureLimiter ? await failureLimiter.consume(clientKey) : { allowed: true };
        if (!failures.allowed) return rateLimitedReply(failures, cors);
        return errorReply(401, 'unauthorized', 'Not allowed to request a token.', cors);
      }
    }
    if (limiter) {
      const decision = await limiter.consume(clientKey);
      if (!decision.allowed) return rateLimitedReply(decision, cors);
    }

    const bytes = await input.body(MAX_BODY_BYTES);
    if (bytes === null) return errorReply(413, 'payload-too-large', 'The request body is too large.', cors);
    const body = bytes.byteLength === 0 ? '' : UTF8_DECODER.decode(bytes);
    let requestedModel: string | undefined;
    if (body.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return errorReply(400, 'invalid-json', 'The request body is not valid JSON.', cors);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return errorReply(400, 'invalid-request', 'The request body must be a JSON object.', cors);
      }
      const model = (parsed as { model?: unknown }).model;
      if (model !== undefined && model !== null && typeof model !== 'string') {
        return errorReply(400, 'invalid-request', '`model` must be a string.', cors);
      }
      if (model) requestedModel = bareModelId(model);
    }
    const model = requestedModel || defaultModel;
    if (!allowedModels.has(model)) {
      return errorReply(400, 'unknown-model', `Model "${truncate(model, 100)}" is not available.`, cors);
    }

    const config =
      typeof options.config === 'function'
        ? await options.config({
            get request() {
              return input.request();
            },
            model,
            clientKey,
          })
        : options.config;

    // A timer cleared once the token is in, rather than AbortSignal.timeout: on Node each of those stays in
    // the timer list until it fires (2,000 a second at 2,000 tokens a second), with a weak reference to follow.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('The token service timed out.', 'TimeoutError')), timeoutMs);
    const now = Date.now();
    const tokenConfig: CreateAuthTokenConfig = {
      uses,
      expireTime: new Date(now + expireSeconds * 1000).toISOString(),
      newSessionExpireTime: new Date(now + newSessionExpireSeconds * 1000).toISOString(),
      liveConnectConstraints: config ? { model, config } : { model },
      abortSignal: deadline.signal,
    };
    if (lock !== 'all') tokenConfig.lockAdditionalFields = [...lock];

    let token: { name?: string; expireTime?: string; newSessionExpireTime?: string };
    try {
      const ai = await getClient();
      token = await ai.authTokens.create({ config: tokenConfig });
    } catch (error) {
      const timedOut = deadline.signal.aborted;
      report(scrubbedError('gemini-live/server: minting a Live API token failed', error, secrets));
      return timedOut
        ? errorReply(504, 'upstream-timeout', 'The token service did not answer in time.', cors)
        : errorReply(502, 'upstream-error', 'The token service refused or failed to create a token.', cors);
    } finally {
      clearTimeout(timer);
    }
    if (typeof token?.name !== 'string' || !token.name.startsWith('auth_tokens/')) {
      report(new Error('gemini-live/server: the token service answered without a token name.'));
      return errorReply(502, 'upstream-error', 'The token service answered without a token.', cors);
    }

    const responseBody: TokenResponseBody = {
      token: token.name,
      expireTime: token.expireTime ?? (tokenConfig.expireTime as string),
      newSessionExpireTime: token.newSessionExpireTime ?? (tokenConfig.newSessionExpireTime as string),
    };
    return jsonReply(200, responseBody, cors);
  };

  const handleSafely = async (input: TokenInput, client: ClientInfo): Promise<TokenReply> => {
    try {
      return await handle(input, client);
    } catch (error) {
      report(scrubbedError('gemini-live/server: the token handler failed', error, secrets));
      return errorReply(500, 'internal', 'The token endpoint failed.', corsHeaders(allowedOrigins, safeOrigin(input)));
    }
  };

  return withDirect(
    async (request: Request, client?: ClientInfo) => {
      const input = inputFromRequest(request);
      try {
        return toResponse(await handleSafely(input, client ?? {}));
      } finally {
        input.release();
      }
    },
    {
      handle: handleSafely,
      setDefaultFetch(fetch) {
        defaultFetch = fetch;
      },
    },
  );
}

/**
 * The fetch the SDK mints with, redirects refused. The token service never redirects, and following one would
 * carry the API key (an `x-goog-api-key` header, which fetch keeps across origins) wherever it pointed.
 * Refusing them also spares fetch the copy of every request it keeps in case one has to be followed (a tee of
 * the body stream: on Node 20 about a third of what a fetch costs).
 */
function refusingRedirects(current: () => FetchFunction): FetchFunction {
  return (input, init) => current()(input, { ...init, redirect: 'error' });
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

function safeOrigin(input: TokenInput): string | null {
  try {
    return input.header('origin');
  } catch {
    return null;
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function defaultOnError(error: Error): void {
  console.error(error.message);
}
