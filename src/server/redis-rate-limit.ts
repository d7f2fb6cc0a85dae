import { cachedImport } from '../shared/cached-import.js';
import type { RateLimitDecision, RateLimiter } from './rate-limit.js';

/** Options for {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /**
   * A connected `ioredis` client or `redis` (node-redis 4+) client. Every instance of your token endpoint given a
   * client of the same Redis shares one count per key.
   */
  client: object;
  /** Requests allowed per client within one window. Default 10. */
  limit?: number;
  /** Window length in seconds. Default 60. */
  windowSeconds?: number;
  /** Prefix of the Redis keys, to keep several limits apart. Default `'gemini-live:tokens'`. */
  keyPrefix?: string;
}

const loadFlexible = cachedImport(() => import('rate-limiter-flexible'));

/**
 * A {@link RateLimiter} kept in Redis, so that a token endpoint running on several instances (or restarted)
 * keeps one count per client. Built on `rate-limiter-flexible`'s `RateLimiterRedis` (an optional peer
 * dependency: `npm install rate-limiter-flexible`), whose counting is atomic in Redis: a fixed window of
 * `windowSeconds` starting at a key's first request. Node only; on Workers or Deno implement
 * {@link RateLimiter} over your platform's store instead. When Redis fails, `consume` rejects and the token
 * handler answers 500 (it never lets a request through uncounted).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createRedisRateLimiter, createTokenHandler } from 'gemini-live/server';
 * const redis = new Redis(process.env.REDIS_URL!);
 * const handler = createTokenHandler({
 *   apiKey: process.env.GEMINI_API_KEY!,
 *   authorize,
 *   rateLimit: createRedisRateLimiter({ client: redis, limit: 10, windowSeconds: 60 }),
 *   authorizeFailureLimit: createRedisRateLimiter({ client: redis, keyPrefix: 'gemini-live:auth-failures' }),
 * });
 * ```
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): Required<RateLimiter> {
  if (options == null || typeof options.client !== 'object' || options.client === null) {
    throw new TypeError('createRedisRateLimiter: `client` (an ioredis or redis client) is required.');
  }
  const limit = options.limit ?? 10;
  const windowSeconds = options.windowSeconds ?? 60;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError('createRedisRateLimiter: `limit` must be a positive integer.');
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
    throw new TypeError('createRedisRateLimiter: `windowSeconds` must be a positive whole number.');
  }
  // node-redis clients have `isOpen`; ioredis clients do not.
  const useRedisPackage = 'isOpen' in options.client;
  let limiter: Promise<import('rate-limiter-flexible').RateLimiterRedis> | undefined;
  const getLimiter = () => {
    limiter ??= loadFlexible().then(
      ({ RateLimiterRedis }) =>
        new RateLimiterRedis({
          storeClient: options.client,
          useRedisPackage,
          points: limit,
          duration: windowSeconds,
          keyPrefix: options.keyPrefix ?? 'gemini-live:tokens',
        }),
      (error: unknown) => {
        limiter = undefined;
        throw new Error(
          `createRedisRateLimiter needs the rate-limiter-flexible package (npm install rate-limiter-flexible): ${String(error)}`,
        );
      },
    );
    return limiter;
  };
  const refused = (msBeforeNext: number): RateLimitDecision => ({
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
  });

  return {
    async consume(key) {
      const rateLimiter = await getLimiter();
      try {
        await rateLimiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        // The library rejects with its result object when over the limit, with an Error when Redis failed.
        if (rejection instanceof Error) throw rejection;
        return refused((rejection as { msBeforeNext: number }).msBeforeNext);
      }
    },
    async peek(key) {
      const state = await (await getLimiter()).get(key);
      return state && state.consumedPoints >= limit ? refused(state.msBeforeNext) : { allowed: true };
    },
  };
}
