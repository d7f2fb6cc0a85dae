/**
 * Server helpers for `<gemini-live>`: an ephemeral-token endpoint for the Gemini Developer API that runs on any
 * Fetch-API runtime, an adapter for Node's `http` / Express, and a WebSocket proxy for Gemini on Vertex AI.
 *
 * The token handler and its helpers use only Fetch API globals; `google-auth-library` and Node's modules are
 * loaded on demand by the Vertex proxy alone, and `rate-limiter-flexible` by the Redis limiter alone.
 *
 * @packageDocumentation
 */
export { createTokenHandler, defaultClientKey } from './token-handler.js';
export type {
  ClientInfo,
  FetchHandler,
  TokenHandlerOptions,
  TokenRequestContext,
  TokenResponseBody,
} from './token-handler-types.js';
export { toNodeHandler, type NodeHandler } from './node-adapter.js';
export {
  createMemoryRateLimiter,
  type MemoryRateLimiter,
  type MemoryRateLimiterOptions,
  type RateLimitDecision,
  type RateLimiter,
} from './rate-limit.js';
export { createRedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limit.js';
export { createVertexProxy } from './vertex-proxy.js';
export type { VertexProxy, VertexProxyOptions, VertexProxyServer } from './vertex-proxy-types.js';
export type { TrustProxy } from './client-address.js';
export { DEFAULT_LIVE_MODEL } from './models.js';
export type { TokenErrorBody, TokenErrorCode } from './errors.js';
