import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureChain, checkedChunkMs } from '../../../src/audio/capture-chain.js';
import { decibels, mix, pcm16ToFloat, sine, toneAmplitude } from '../../fixtures/signal.js';

/** Feeds `signal` in 128-frame render quanta and collects what comes out. */
function run(chain: CaptureChain, signal: Float32Array) {
  const chunks: ArrayBuffer[] = [];
  const levels: Array<[number, number]> = [];
  chain.onChunk = (pcm) => chunks.push(pcm);
  chain.onLevel = (rms, peak) => levels.push([rms, peak]);
  const block = new Float32Array(128);
  for (let start = 0; start + 128 <= signal.length; start += 128) {
    block.set(signal.subarray(start, start + 128));
    chain.process(block);
  }
  return { chunks, levels };
}

function concat(chunks: ArrayBuffer[]): Float32Array {
  const parts = chunks.map((chunk) => pcm16ToFloat(chunk));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('CaptureChain', () => {
  for (const inputRate of [48000, 44100, 96000]) {
    it(`${inputRate} Hz in: 20 ms chunks of 16 kHz PCM16 that keep 1 kHz and drop a 12 kHz alias`, () => {
      const chain = new CaptureChain({ inputRate });
      const signal = mix(sine(inputRate, 1000, inputRate, 0.5), sine(inputRate, 12000, inputRate, 0.5));
      const { chunks } = run(chain, signal);
      assert.ok(chunks.length >= 49 && chunks.length <= 50, `${chunks.length} chunks`);
      for (const chunk of chunks) assert.equal(chunk.byteLength, 640);
      assert.equal(new Set(chunks).size, chunks.length);
      const pcm = concat(chunks);
      const settle = 400;
      const tone = toneAmplitude(pcm, 16000, 1000, settle);
      const alias = toneAmplitude(pcm, 16000, 4000, settle);
      assert.ok(Math.abs(decibels(tone / 0.5)) < 0.1, `tone ${decibels(tone / 0.5)} dB`);
      assert.ok(decibels(alias / 0.5) < -70, `alias ${decibels(alias / 0.5)} dB`);
    });
  }

  it('sizes chunks from chunkMs and checks its range', () => {
    for (const [chunkMs, samples] of [
      [10, 160],
      [40, 640],
      [100, 1600],
    ]) {
      const { chunks } = run(new CaptureChain({ inputRate: 48000, chunkMs }), sine(48000, 440, 48000));
      assert.ok(chunks.length > 0);
      for (const chunk of chunks) assert.equal(chunk.byteLength, samples * 2);
    }
    assert.equal(checkedChunkMs(undefined), 20);
    assert.throws(() => checkedChunkMs(5), RangeError);
    assert.throws(() => checkedChunkMs(101), RangeError);
    assert.throws(() => checkedChunkMs(Number.NaN), RangeError);
  });

  it('reports the level at most 60 times a second', () => {
    const { levels } = run(new CaptureChain({ inputRate: 48000 }), sine(48000, 440, 48000, 0.5));
    assert.ok(levels.length <= 60 && levels.length >= 45, `${levels.length} reports`);
    const [rms, peak] = levels[levels.length - 1];
    assert.ok(Math.abs(rms - 0.5 / Math.SQRT2) < 0.01, `rms ${rms}`);
    assert.ok(Math.abs(peak - 0.5) < 0.01, `peak ${peak}`);
  });

  it('emits nothing while muted and starts a fresh chunk afterwards', () => {
    const chain = new CaptureChain({ inputRate: 48000 });
    const chunks: ArrayBuffer[] = [];
    chain.onChunk = (pcm) => chunks.push(pcm);
    const loud = new Float32Array(128).fill(0.5);
    const quiet = new Float32Array(128);
    for (let i = 0; i < 100; i++) chain.process(loud);
    const before = chunks.length;
    chain.muted = true;
    for (let i = 0; i < 100; i++) chain.process(loud);
    assert.equal(chunks.length, before);
    chain.muted = false;
    // Silence after unmuting must come out as silence: nothing from the muted stretch leaks through.
    for (let i = 0; i < 200; i++) chain.process(quiet);
    assert.ok(chunks.length > before);
    for (const chunk of chunks.slice(before)) assert.ok(new Int16Array(chunk).every((sample) => sample === 0));
  });
});
