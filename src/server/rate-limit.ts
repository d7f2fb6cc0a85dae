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
  /**
   * Tells whether a request from `key` would be allowed, without counting it. Optional: the token handler uses
   * it to turn away a client over its failed-`authorize` limit before calling `authorize` again; without it
   * only that client's further failures are answered 429 instead of 401.
   */
  peek?(key: string): RateLimitDecision | Promise<RateLimitDecision>;
}

/** The in-memory limiter: answers synchronously. */
export interface MemoryRateLimiter extends RateLimiter {
  consume(key: string): RateLimitDecision;
  peek(key: string): RateLimitDecision;
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
 * Each key keeps the times of its last `limit` allowed requests in a ring, so a request costs O(1) work and
 * memory is bounded by `maxKeys × limit` numbers; the least recently seen key is forgotten first. No timers are
 * used, so it is safe in Workers and does not keep a Node process alive.
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

  // Map order doubles as least-recently-seen order: a key seen again is moved to the end.
  const rings = new Map<string, Ring>();

  const decide = (key: string, count: boolean): RateLimitDecision => {
    const now = clock();
    let ring = rings.get(key);
    if (ring) {
      rings.delete(key);
    } else {
      if (!count) return { allowed: true };
      if (rings.size >= maxKeys) rings.delete(rings.keys().next().value as string);
      ring = { times: new Float64Array(limit), next: 0, size: 0 };
    }
    rings.set(key, ring);
    // The oldest of the last `limit` allowed requests, once the ring is full, is the one to be overwritten.
    const oldest = ring.size < limit ? undefined : ring.times[ring.next];
    if (oldest !== undefined && oldest > now - windowMs) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    if (count) {
      ring.times[ring.next] = now;
      ring.next = (ring.next + 1) % limit;
      ring.size = Math.min(limit, ring.size + 1);
    }
    return { allowed: true };
  };

  return {
    consume: (key) => decide(key, true),
    peek: (key) => decide(key, false),
  };
}

interface Ring {
  times: Float64Array;
  next: number;
  size: number;
}
