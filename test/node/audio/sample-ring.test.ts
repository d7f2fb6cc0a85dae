import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SampleRing } from '../../../src/audio/sample-ring.js';

function ramp(from: number, length: number): Int16Array {
  return Int16Array.from({ length }, (_, i) => from + i);
}

describe('SampleRing', () => {
  it('is a FIFO across wrap-around and grows without losing or reordering samples', () => {
    const ring = new SampleRing(16);
    const out = new Float32Array(64);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 40; round++) {
      const chunk = ramp(next, 5 + (round % 7) * 3);
      ring.write(chunk);
      next += chunk.length;
      const n = ring.readFloat(out, round % 3 === 0 ? 3 : 11);
      for (let i = 0; i < n; i++) assert.equal(Math.round(out[i] * 32768), expected++);
    }
    assert.ok(ring.capacity > 16);
    assert.equal(ring.available, next - expected);
    assert.equal(ring.readPosition, expected);
    assert.equal(ring.writePosition, next);
  });

  it('keeps a long burst written faster than it is read', () => {
    const ring = new SampleRing(16);
    for (let i = 0; i < 100; i++) ring.write(ramp(i * 960, 960));
    assert.equal(ring.available, 96000);
    const out = new Float32Array(96000);
    assert.equal(ring.readFloat(out, 96000), 96000);
    for (let i = 0; i < 96000; i += 997) assert.equal(Math.round(out[i] * 32768), (i + 32768) % 65536 - 32768);
  });

  it('skips and clears', () => {
    const ring = new SampleRing(16);
    ring.write(ramp(0, 10));
    assert.equal(ring.skip(4), 4);
    const out = new Float32Array(1);
    ring.readFloat(out, 1);
    assert.equal(out[0] * 32768, 4);
    ring.clear();
    assert.equal(ring.available, 0);
    assert.equal(ring.skip(3), 0);
    assert.equal(ring.readPosition, 10);
  });
});
