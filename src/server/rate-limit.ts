/** The outcome of one {@link RateLimiter.consume} call. */
export interface RateLimitDecision {
  /** Whether the request may proceed. */
  allowed: boolean;
  /** When refused: seconds until a request from the same client would be allowed again. */
  retryAfterSeconds?: number;
}

/**
 * Decides, per client key, whether another token may be minted. Implement this over a shared store (Redis,
 * Workers KV, a Durable Object) when the handler runs on several instances; the in-memory default only sees
 * the requests reaching its own process or isolate.
 */
export interface RateLimiter {
  /** Counts one request from `key` and tells whether it is within the limit. */
  consume(key: string): RateLimitDecision | Promise<RateLimitDecision>;
}

/** The in-memory limiter: answers synchronously. */
export interface MemoryRateLimiter extends RateLimiter {
  consume(key: string): RateLimitDecision;
}

/** Options for {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Requests allowed per client within one window. Default 10. */
  limit?: number;
  /** Window length in seconds. Default 60. */
  windowSeconds?: number;
  /** Clients remembered at most; the least recently seen are forgotten first. Default 10 000. */
  maxKeys?: number;
  /** Milliseconds clock, for tests. Default `Date.now`. */
  clock?: () => number;
}

/**
 * An in-memory sliding-window limiter: at most `limit` requests per client key in any `windowSeconds`.
 * Memory is bounded by `maxKeys × limit` timestamps; no timers are used, so it is safe in Workers and does
 * not keep a Node process alive.
 *
 * @example
 * ```ts
 * const handler = createTokenHandler({
 *   apiKey: process.env.GEMINI_API_KEY!,
 *   rateLimit: createMemoryRateLimiter({ limit: 30, windowSeconds: 300 }),
 * });
 * ```
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): MemoryRateLimiter {
  const limit = options.limit ?? 10;
  const windowMs = (options.windowSeconds ?? 60) * 1000;
  const maxKeys = options.maxKeys ?? 10_000;
  const clock = options.clock ?? Date.now;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError('rateLimit.limit must be a positive integer.');
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new TypeError('rateLimit.windowSeconds must be a positive number.');
  }
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new TypeError('rateLimit.maxKeys must be a positive integer.');

  // key → request times within the window, oldest first; Map order doubles as least-recently-seen order.
  const hits = new Map<string, number[]>();

  const forgetStale = (now: number) => {
    for (const [key, times] of hits) {
      if (times[times.length - 1] <= now - windowMs) hits.delete(key);
    }
    while (hits.size >= maxKeys) {
      const oldest = hits.keys().next().value as string;
      hits.delete(oldest);
    }
  };

  return {
    consume(key: string): RateLimitDecision {
      const now = clock();
      let times = hits.get(key);
      if (times) {
        hits.delete(key);
        while (times.length > 0 && times[0] <= now - windowMs) times.shift();
      } else {
        if (hits.size >= maxKeys) forgetStale(now);
        times = [];
      }
      hits.set(key, times);
      if (times.length >= limit) {
        const retryAfterMs = times[0] + windowMs - now;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
      }
      times.push(now);
      return { allowed: true };
    },
  };
}
