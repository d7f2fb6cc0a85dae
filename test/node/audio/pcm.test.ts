import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { floatToInt16, int16ToFloat } from '../../../src/audio/pcm.js';

function toInt16(values: number[]): number[] {
  const output = new Int16Array(values.length);
  floatToInt16(Float32Array.from(values), output);
  return Array.from(output);
}

describe('floatToInt16', () => {
  it('maps full scale without wrapping', () => {
    assert.deepEqual(toInt16([1, -1, 0.999999]), [32767, -32768, 32767]);
  });

  it('clamps out-of-range values and infinities', () => {
    assert.deepEqual(
      toInt16([1.5, -1.5, 1e9, -1e9, Infinity, -Infinity]),
      [32767, -32768, 32767, -32768, 32767, -32768],
    );
  });

  it('turns NaN into 0 and -0 into +0', () => {
    const output = new Int16Array(2);
    floatToInt16(Float32Array.from([Number.NaN, -0]), output);
    assert.deepEqual(Array.from(output), [0, 0]);
    assert.ok(!Object.is(output[1], -0));
  });

  it('rounds to nearest, halves away from zero', () => {
    const q = 1 / 32768;
    assert.deepEqual(
      toInt16([0.4 * q, 0.5 * q, 0.6 * q, 1.5 * q, -0.4 * q, -0.5 * q, -0.6 * q, -1.5 * q]),
      [0, 1, 1, 2, 0, -1, -1, -2],
    );
  });

  it('honours count and offsets', () => {
    const output = new Int16Array(5).fill(7);
    floatToInt16(Float32Array.from([0.5, 0.25, -0.25, 1]), output, 2, 1, 2);
    assert.deepEqual(Array.from(output), [7, 7, 8192, -8192, 7]);
  });
});

describe('int16ToFloat', () => {
  it('scales by 1/32768 and round-trips every int16 value exactly', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < all.length; i++) all[i] = i - 32768;
    const floats = new Float32Array(all.length);
    int16ToFloat(all, floats);
    assert.equal(floats[0], -1);
    assert.equal(floats[65535], 32767 / 32768);
    const back = new Int16Array(all.length);
    floatToInt16(floats, back);
    assert.deepEqual(back, all);
  });
});
