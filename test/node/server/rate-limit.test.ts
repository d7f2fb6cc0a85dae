import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryRateLimiter } from '../../../src/server/index.js';

describe('createMemoryRateLimiter', () => {
  it('allows `limit` requests per window and tells when the next one is allowed', () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimiter({ limit: 3, windowSeconds: 60, clock: () => now });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(limiter.consume('a'), { allowed: true });
      now += 10_000;
    }
    // Requests at t=0, 10 s, 20 s; now t=30 s: the first one leaves the window at t=60 s.
    const refused = limiter.consume('a');
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 30);
    // Refused requests do not count.
    now += 29_000;
    assert.equal(limiter.consume('a').allowed, false);
    now += 1_000;
    assert.equal(limiter.consume('a').allowed, true);
  });

  it('keeps clients apart', () => {
    const limiter = createMemoryRateLimiter({ limit: 1, windowSeconds: 60, clock: () => 0 });
    assert.equal(limiter.consume('a').allowed, true);
    assert.equal(limiter.consume('a').allowed, false);
    assert.equal(limiter.consume('b').allowed, true);
  });

  it('slides: old requests stop counting one window later', () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ limit: 2, windowSeconds: 10, clock: () => now });
    assert.equal(limiter.consume('a').allowed, true);
    now = 9_000;
    assert.equal(limiter.consume('a').allowed, true);
    now = 9_500;
    assert.equal(limiter.consume('a').allowed, false);
    now = 10_001;
    assert.equal(limiter.consume('a').allowed, true);
    assert.equal(limiter.consume('a').allowed, false);
  });

  it('forgets the least recently seen clients beyond maxKeys', () => {
    const limiter = createMemoryRateLimiter({ limit: 1, windowSeconds: 60, maxKeys: 2, clock: () => 0 });
    limiter.consume('a');
    limiter.consume('b');
    limiter.consume('c'); // evicts 'a'
    assert.equal(limiter.consume('a').allowed, true);
    assert.equal(limiter.consume('c').allowed, false);
  });

  it('rejects nonsensical options', () => {
    assert.throws(() => createMemoryRateLimiter({ limit: 0 }), TypeError);
    assert.throws(() => createMemoryRateLimiter({ windowSeconds: -1 }), TypeError);
    assert.throws(() => createMemoryRateLimiter({ maxKeys: 0 }), TypeError);
  });
});
