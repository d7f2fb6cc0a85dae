import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolyphaseResampler } from '../../../src/audio/resampler.js';
import { aliasOf, decibels, rms, sine, toneAmplitude } from '../../fixtures/signal.js';

function resampleAll(resampler: PolyphaseResampler, input: Float32Array): Float32Array {
  const output = new Float32Array(resampler.maxOutputLength(input.length));
  const count = resampler.process(input, output);
  return output.subarray(0, count);
}

/** Gain in dB of a tone passed through a fresh resampler (settled part only). */
function toneGainDb(inputRate: number, outputRate: number, frequency: number): number {
  const resampler = new PolyphaseResampler(inputRate, outputRate);
  const out = resampleAll(resampler, sine(inputRate, frequency, inputRate / 2));
  const settle = Math.ceil((resampler.taps * outputRate) / inputRate) + 10;
  return decibels(toneAmplitude(out, outputRate, frequency, settle, out.length - settle));
}

/** How far below a full-scale tone at `frequency` everything that comes out lies, in dB. */
function rejectionDb(inputRate: number, outputRate: number, frequency: number): number {
  const resampler = new PolyphaseResampler(inputRate, outputRate);
  const out = resampleAll(resampler, sine(inputRate, frequency, inputRate / 2));
  const settle = Math.ceil((resampler.taps * outputRate) / inputRate) + 10;
  return decibels(Math.SQRT1_2 / rms(out, settle, out.length - settle));
}

function randomSignal(length: number, seed = 1): Float32Array {
  let state = seed;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

describe('PolyphaseResampler: downsampling to 16 kHz', () => {
  for (const inputRate of [48000, 44100, 96000, 22050]) {
    it(`${inputRate} → 16000 keeps passband tones within 0.1 dB up to 7 kHz`, () => {
      for (const frequency of [100, 440, 1000, 2500, 4000, 5500, 6500, 7000]) {
        const gain = toneGainDb(inputRate, 16000, frequency);
        assert.ok(Math.abs(gain) <= 0.05, `${frequency} Hz: ${gain.toFixed(4)} dB`);
      }
    });
  }

  for (const inputRate of [48000, 44100, 96000]) {
    it(`${inputRate} → 16000 rejects every tone above 8 kHz by at least 70 dB`, () => {
      const tones = [8000, 8100, 8500, 9000, 10000, 12000, 15000, 16000, 19000, 21000];
      if (inputRate === 96000) tones.push(30000, 40000, 47000);
      for (const frequency of tones) {
        const rejection = rejectionDb(inputRate, 16000, frequency);
        const alias = aliasOf(frequency, 16000);
        assert.ok(rejection >= 70, `${frequency} Hz (alias at ${alias} Hz): ${rejection.toFixed(1)} dB`);
      }
    });
  }

  it('places output n at input time n · inputRate / outputRate (no drift, no fractional offset)', () => {
    for (const inputRate of [48000, 44100]) {
      const resampler = new PolyphaseResampler(inputRate, 16000);
      const out = resampleAll(resampler, sine(inputRate, 1000, inputRate));
      const expected = sine(16000, 1000, out.length);
      const settle = resampler.taps;
      const error = new Float32Array(out.length - settle);
      for (let i = 0; i < error.length; i++) error[i] = out[settle + i] - expected[settle + i];
      assert.ok(decibels(rms(error) / Math.SQRT1_2) < -70, `${inputRate}: error ${decibels(rms(error))} dB`);
    }
  });
});

describe('PolyphaseResampler: upsampling 24 kHz model audio', () => {
  for (const outputRate of [48000, 44100]) {
    it(`24000 → ${outputRate} keeps tones up to 10.5 kHz within 0.1 dB`, () => {
      for (const frequency of [200, 1000, 3000, 6000, 9000, 10500]) {
        const gain = toneGainDb(24000, outputRate, frequency);
        assert.ok(Math.abs(gain) <= 0.05, `${frequency} Hz: ${gain.toFixed(4)} dB`);
      }
    });

    it(`24000 → ${outputRate} suppresses images by at least 70 dB`, () => {
      for (const frequency of [1000, 5000, 9000, 10500]) {
        const resampler = new PolyphaseResampler(24000, outputRate);
        const out = resampleAll(resampler, sine(24000, frequency, 12000));
        const settle = resampler.taps * 2;
        const images = [24000 - frequency, 24000 + frequency].map((f) => aliasOf(f, outputRate));
        for (const image of images) {
          const level = decibels(toneAmplitude(out, outputRate, image, settle, out.length - settle));
          assert.ok(level <= -70, `${frequency} Hz → image at ${image} Hz: ${level.toFixed(1)} dB`);
        }
      }
    });
  }
});

describe('PolyphaseResampler: streaming', () => {
  const pairs: Array<[number, number, number?]> = [
    [48000, 16000],
    [44100, 16000],
    [96000, 16000],
    [24000, 48000],
    [24000, 44100],
    [16000, 16000],
    [44056, 16000], // coprime-ish rates: interpolated branch table
    [24000, 47999, 64],
  ];
  for (const [inputRate, outputRate, maxPhases] of pairs) {
    it(`${inputRate} → ${outputRate}: blocks of any size give exactly the one-shot output`, () => {
      const input = randomSignal(20000, inputRate);
      const oneShot = resampleAll(new PolyphaseResampler(inputRate, outputRate, { maxPhases }), input);

      const streaming = new PolyphaseResampler(inputRate, outputRate, { maxPhases });
      const output = new Float32Array(streaming.maxOutputLength(600));
      const collected: number[] = [];
      let random = 7;
      for (let start = 0; start < input.length; ) {
        random = (Math.imul(random, 1103515245) + 12345) >>> 0;
        const size = Math.min(input.length - start, [0, 1, 2, 3, 127, 128, 129, 600][random >>> 29]);
        const block = input.slice(start, start + size);
        const predicted = streaming.outputLength(size);
        const count = streaming.process(block, output);
        assert.equal(count, predicted);
        for (let i = 0; i < count; i++) collected.push(output[i]);
        start += size;
      }
      assert.equal(collected.length, oneShot.length);
      assert.deepEqual(Float32Array.from(collected), oneShot);
    });
  }

  it('writes into the caller-provided buffer and allocates no typed array per block', () => {
    const resampler = new PolyphaseResampler(48000, 16000);
    const output = new Float32Array(resampler.maxOutputLength(128));
    const input = sine(48000, 1000, 128);
    // Count every typed array constructed while blocks are processed.
    const names = ['Float32Array', 'Float64Array', 'Int16Array', 'Int32Array', 'Uint8Array'] as const;
    const originals = names.map((name) => globalThis[name]);
    let constructed = 0;
    names.forEach((name, index) => {
      const Original = originals[index] as unknown as new (...args: unknown[]) => object;
      (globalThis as Record<string, unknown>)[name] = new Proxy(Original, {
        construct(target, args, newTarget) {
          constructed += 1;
          return Reflect.construct(target, args, newTarget);
        },
      });
    });
    let total = 0;
    try {
      for (let i = 0; i < 1000; i++) total += resampler.process(input, output);
    } finally {
      names.forEach((name, index) => {
        (globalThis as Record<string, unknown>)[name] = originals[index];
      });
    }
    assert.equal(constructed, 0);
    assert.equal(total, Math.floor((1000 * 128 - resampler.latency - 1) / 3) + 1);
  });

  it('throws instead of overrunning a short output buffer, consuming nothing', () => {
    const resampler = new PolyphaseResampler(24000, 48000);
    const input = sine(24000, 1000, 256);
    assert.throws(() => resampler.process(input, new Float32Array(10)), RangeError);
    const fresh = new PolyphaseResampler(24000, 48000);
    const a = resampleAll(resampler, input);
    const b = resampleAll(fresh, input);
    assert.deepEqual(a, b);
  });

  it('inputLengthFor gives the fewest inputs that complete the requested outputs', () => {
    for (const [inputRate, outputRate] of [
      [24000, 48000],
      [24000, 44100],
      [44100, 16000],
    ]) {
      const resampler = new PolyphaseResampler(inputRate, outputRate);
      const output = new Float32Array(resampler.maxOutputLength(1000));
      const input = randomSignal(1000);
      for (let round = 0; round < 50; round++) {
        const wanted = 1 + ((round * 37) % 128);
        const inputs = resampler.inputLengthFor(wanted);
        assert.ok(resampler.outputLength(inputs) >= wanted);
        assert.ok(resampler.outputLength(inputs - 1) < wanted);
        resampler.process(input, output, inputs);
      }
    }
  });

  it('reset() restarts the stream from silence', () => {
    const resampler = new PolyphaseResampler(44100, 16000);
    const input = randomSignal(5000);
    const first = Float32Array.from(resampleAll(resampler, input));
    resampler.reset();
    assert.deepEqual(resampleAll(resampler, input), first);
  });

  it('keeps DC exact and reports its latency', () => {
    const resampler = new PolyphaseResampler(44100, 16000);
    const out = resampleAll(resampler, new Float32Array(44100).fill(0.5));
    for (let i = resampler.taps; i < out.length; i++) assert.ok(Math.abs(out[i] - 0.5) < 1e-6);
    assert.equal(resampler.latency, resampler.taps / 2);
    assert.equal(new PolyphaseResampler(16000, 16000).latency, 0);
  });

  it('rejects nonsense rates and options', () => {
    assert.throws(() => new PolyphaseResampler(0, 16000), RangeError);
    assert.throws(() => new PolyphaseResampler(48000, Number.NaN), RangeError);
    assert.throws(() => new PolyphaseResampler(48000, 16000, { passband: 1.2 }), RangeError);
  });
});
