import type { HttpOptions, LiveConnectConfig } from '@google/genai';
import type { TrustProxy } from './client-address.js';
import type { MemoryRateLimiterOptions, RateLimiter } from './rate-limit.js';

/** What a configuration callback learns about the request it mints a token for. */
export interface TokenRequestContext {
  /** The incoming request (its body has already been read). */
  request: Request;
  /** The bare model id the token will be locked to, e.g. `gemini-2.5-flash-native-audio-preview-09-2025`. */
  model: string;
  /** The rate-limit key of the client, see {@link TokenHandlerOptions.clientKey}. */
  clientKey: string;
}

/** What the server knows about the connection a request came in on, beyond the request itself. */
export interface ClientInfo {
  /**
   * The peer address of the socket (`toNodeHandler` passes it; on Deno pass `info.remoteAddr.hostname`, on Bun
   * `server.requestIP(request)?.address`).
   */
  remoteAddress?: string;
}

/** Options for {@link createTokenHandler}. */
export interface TokenHandlerOptions {
  /** Gemini API key used to mint tokens. Required; never sent to the browser, logged or echoed. */
  apiKey: string;
  /**
   * The model tokens are locked to when the request names none. Default {@link DEFAULT_LIVE_MODEL}, or the
   * first of `models` when that is given. `models/` prefixes are accepted and ignored.
   */
  model?: string;
  /**
   * Every model a request's `{"model": …}` may choose (an allow-list). Default: only `model`. A request
   * naming any other model is answered 400 `unknown-model`.
   */
  models?: readonly string[];
  /**
   * The `LiveConnectConfig` locked into each token as `liveConnectConstraints.config` — for example the system
   * instruction, the voice or the tools your app allows. A function is called per request, so the config can
   * depend on the signed-in user or on the chosen model.
   */
  config?:
    | LiveConnectConfig
    | ((context: TokenRequestContext) => LiveConnectConfig | undefined | Promise<LiveConnectConfig | undefined>);
  /**
   * Which setup fields the browser may not change. Default `[]`: the model and exactly the fields set in
   * `config` are locked; the browser chooses everything else (voice, transcription, session resumption, …).
   * Name more fields (`['temperature', 'systemInstruction']`) to lock them to their server-side values even
   * when `config` leaves them unset. `'all'` locks the whole setup to the token's constraints: the browser's
   * setup is then ignored entirely, which breaks element features such as session resumption unless `config`
   * turns them on.
   */
  lockAdditionalFields?: readonly string[] | 'all';
  /**
   * Connections one token may open. Default 1 (the element fetches a fresh token for every connection);
   * 0 = unlimited. Resuming a session does not count.
   */
  uses?: number;
  /** Seconds a token (and a session opened with it) stays valid. Default 1800; at most 20 hours. */
  expireSeconds?: number;
  /** Seconds within which a new session must be opened with the token. Default 60; at most `expireSeconds`. */
  newSessionExpireSeconds?: number;
  /**
   * Exact origins (`https://app.example.com`) allowed to request tokens. A request whose `Origin` header is
   * present and not listed gets 403; requests without `Origin` (non-browser callers such as curl or
   * server-side code) are let through. With the list set, `OPTIONS` preflights from listed origins are answered and
   * responses carry `Access-Control-Allow-Origin`. Without it, no CORS headers are ever sent, so only
   * same-origin pages can read tokens.
   */
  allowedOrigins?: readonly string[];
  /**
   * Your own check that the caller may talk to the model — typically a session cookie lookup (the element
   * sends same-origin credentials). Return `false` to answer 401. This is what stops scripts: `allowedOrigins`
   * only stops other web sites, since a script can send any `Origin` header it likes. Refused calls count
   * against `authorizeFailureLimit`, never against the signed-in users' `rateLimit`. It may read the request's
   * body: the handler reads a copy of its own.
   */
  authorize?: (request: Request) => boolean | Promise<boolean>;
  /**
   * Per-client rate limit on minted tokens, charged only once `authorize` has accepted the request. Default:
   * an in-memory sliding window of 10 tokens per minute per client key. Pass options for the in-memory
   * limiter, your own {@link RateLimiter} (such as {@link createRedisRateLimiter}'s, shared by several
   * instances), or `false` to disable.
   */
  rateLimit?: false | RateLimiter | MemoryRateLimiterOptions;
  /**
   * Limit on refused `authorize` calls per client key, in a bucket of their own: a client over it is answered
   * 429 without `authorize` being asked. Default: 10 per 5 minutes, in memory. Same forms as `rateLimit`.
   */
  authorizeFailureLimit?: false | RateLimiter | MemoryRateLimiterOptions;
  /**
   * Which proxies in front may name the client: a number of proxies appending to `X-Forwarded-For` (the
   * client is that many entries from the right), or a header a proxy always sets, such as
   * `'cf-connecting-ip'` on Cloudflare. Default: trust none and use the socket address (see {@link ClientInfo});
   * forwarding headers are then ignored, since any client can send them.
   */
  trustProxy?: TrustProxy;
  /**
   * The key a client is rate limited by. Default: its address as `trustProxy` allows (IPv6 addresses grouped by
   * /64). Supply this to key by your signed-in user instead. Keys over 128 characters are hashed.
   */
  clientKey?: (request: Request, client: ClientInfo) => string | Promise<string>;
  /**
   * HTTP options for the SDK client that mints tokens (`baseUrl` for a local simulator, `headers`, `fetch`).
   * `apiVersion` defaults to `v1alpha`, the only version with ephemeral tokens. Without `fetch`, the handler
   * mints with the global `fetch`, or, once served by `toNodeHandler`, over `node:http` / `node:https` with
   * keep-alive connections. Redirects are refused either way, so the API key is sent nowhere else.
   */
  httpOptions?: HttpOptions;
  /** Milliseconds to wait for the token service before answering 504. Default 10 000. */
  timeoutMs?: number;
  /**
   * Called with server-side failures (minting errors, exceptions in callbacks), already scrubbed of the API key.
   * Default: `console.error`.
   */
  onError?: (error: Error) => void;
}

/** Body of a successful token response. */
export interface TokenResponseBody {
  /** The ephemeral token, `auth_tokens/…`: the browser uses it in place of an API key. */
  token: string;
  /** When the token (and messages on sessions opened with it) stops being accepted, RFC 3339. */
  expireTime: string;
  /** When the token stops being accepted for opening new sessions, RFC 3339. */
  newSessionExpireTime: string;
}

/**
 * A standard Fetch-API request handler. The optional second argument carries the peer address where the runtime
 * knows it, for rate limiting.
 */
export type FetchHandler = (request: Request, client?: ClientInfo) => Promise<Response>;
