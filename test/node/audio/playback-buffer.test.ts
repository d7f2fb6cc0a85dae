import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PlaybackBuffer } from '../../../src/audio/playback-buffer.js';
import { PolyphaseResampler } from '../../../src/audio/resampler.js';
import { decibels, peak, sine, toneAmplitude } from '../../fixtures/signal.js';

const OUT = 48000;
const QUANTUM = 128;

function toPcm(samples: Float32Array): Int16Array {
  return Int16Array.from(samples, (v) => Math.round(v * 32767));
}

/** Chunks of `ms` milliseconds of a 24 kHz tone, continuous in phase across chunks. */
function toneChunks(count: number, ms: number, frequency = 440, amplitude = 0.5): Int16Array[] {
  const size = (24000 * ms) / 1000;
  return Array.from({ length: count }, (_, i) => toPcm(sine(24000, frequency, size, amplitude, i * size)));
}

/** Renders `quanta` render quanta, calling `before(q)` ahead of each one (to enqueue, flush…). */
function render(buffer: PlaybackBuffer, quanta: number, before: (quantum: number) => void = () => {}): Float32Array {
  const out = new Float32Array(quanta * QUANTUM);
  const block = new Float32Array(QUANTUM);
  for (let q = 0; q < quanta; q++) {
    before(q);
    buffer.render(block);
    out.set(block, q * QUANTUM);
  }
  return out;
}

function firstNonZero(signal: Float32Array): number {
  return signal.findIndex((v) => v !== 0);
}

describe('PlaybackBuffer', () => {
  it('plays a steady stream of 40 ms chunks gap-free, sample-identical to resampling it in one go', () => {
    const buffer = new PlaybackBuffer({ outputRate: OUT });
    const chunks = toneChunks(50, 40);
    let next = 0;
    // A chunk every 40 ms of render time (15 quanta at 48 kHz), the first one at time 0.
    const out = render(buffer, 50 * 15 + 20, (q) => {
      if (q % 15 === 0 && next < chunks.length) buffer.enqueue(chunks[next++]);
    });
    assert.equal(buffer.underruns, 0);

    const all = new Float32Array(chunks.length * 960);
    chunks.forEach((chunk, i) => all.set(Float32Array.from(chunk, (v) => v / 32768), i * 960));
    const reference = new PolyphaseResampler(24000, OUT);
    const expected = new Float32Array(reference.maxOutputLength(all.length));
    const count = reference.process(all, expected);

    const start = firstNonZero(out);
    // The first chunk alone is 40 ms, less than the lead plus the resampler's look-ahead: playback waits 40 ms,
    // when the second chunk arrives, and then stays 40 ms ahead.
    assert.ok(start >= 14 * QUANTUM && start < 16 * QUANTUM, `started at frame ${start}`);
    const played = out.subarray(start - firstNonZero(expected), start - firstNonZero(expected) + count);
    assert.deepEqual(played, expected.subarray(0, count));
  });

  it('waits for the lead, but not forever for a short turn', () => {
    const buffer = new PlaybackBuffer({ outputRate: OUT, leadMs: 40 });
    buffer.enqueue(toneChunks(1, 10)[0]);
    const out = render(buffer, 40);
    const start = firstNonZero(out);
    // 10 ms queued: playback starts after waiting about as long as the lead (40 ms = 1920 frames).
    assert.ok(start >= 1700 && start <= 2100, `started at frame ${start}`);
    assert.ok(!buffer.playing);
  });

  it('reports start and drain, and counts an underrun only when the same turn continues', () => {
    const buffer = new PlaybackBuffer({ outputRate: OUT });
    const events: string[] = [];
    buffer.onStart = () => events.push('start');
    buffer.onDrain = () => events.push('drain');
    const chunks = toneChunks(6, 40);

    buffer.startTurn();
    buffer.enqueue(chunks[0]);
    render(buffer, 30);
    assert.deepEqual(events, ['start', 'drain']);
    assert.equal(buffer.underruns, 0);

    // Same turn continues after running dry: an underrun, and a longer lead from now on.
    buffer.enqueue(chunks[1]);
    buffer.enqueue(chunks[2]);
    assert.equal(buffer.underruns, 1);
    assert.ok(buffer.leadMs > 40);
    render(buffer, 60);

    // A new turn after running dry is not an underrun.
    buffer.startTurn();
    buffer.enqueue(chunks[3]);
    buffer.enqueue(chunks[4]);
    render(buffer, 60);
    assert.equal(buffer.underruns, 1);
    assert.deepEqual(events, ['start', 'drain', 'start', 'drain', 'start', 'drain']);
  });

  it('follows network jitter: a longer lead while audio arrives late, back to the minimum once calm', () => {
    const buffer = new PlaybackBuffer({ outputRate: OUT, leadMs: 40, maxLeadMs: 200 });
    // A deterministic stand-in for Math.random.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const quantumMs = (QUANTUM / OUT) * 1000;
    let underrunsAfterFirstSecond = -1;
    let leadWhileJittery = 0;
    /**
     * One turn of `seconds` of 40 ms chunks, sent 250 ms ahead of real time like the service does, each delayed
     * by a random 0..`jitterMs` in order (a late chunk holds back the ones behind it, as on TCP).
     */
    const turn = (seconds: number, jitterMs: number, track: boolean) => {
      const chunks = toneChunks(seconds * 25, 40);
      let arrival = 0;
      const arrivals = chunks.map((_, i) => (arrival = Math.max(arrival, Math.max(0, i * 40 - 250) + random() * jitterMs)));
      buffer.startTurn();
      let next = 0;
      const quanta = Math.ceil((seconds * 1000 + 400) / quantumMs);
      render(buffer, quanta, (q) => {
        const now = q * quantumMs;
        while (next < chunks.length && arrivals[next] <= now) buffer.enqueue(chunks[next++]);
        if (track && underrunsAfterFirstSecond < 0 && now >= 1000) underrunsAfterFirstSecond = buffer.underruns;
        if (track) leadWhileJittery = Math.max(leadWhileJittery, buffer.leadMs);
      });
    };

    const before = buffer.underruns;
    turn(8, 150, true);
    turn(8, 150, false);
    // Audio sent ahead absorbs most of the jitter; the lead covers the start of each turn.
    assert.equal(buffer.underruns - Math.max(before, underrunsAfterFirstSecond), 0, `${buffer.underruns} underruns`);
    assert.ok(leadWhileJittery >= 100 && leadWhileJittery <= 200, `lead ${leadWhileJittery} ms under 150 ms jitter`);
    assert.ok(buffer.leadMs >= 100, `lead ${buffer.leadMs} ms kept across turns while jittery`);
    turn(6, 0, false);
    assert.equal(buffer.leadMs, 40, 'lead back at its minimum after a calm stretch');
  });

  it('flush() fades out within a few ms, discards the queue and keeps the next turn', () => {
    const fadeMs = 4;
    const buffer = new PlaybackBuffer({ outputRate: OUT, fadeMs });
    buffer.startTurn();
    for (const chunk of toneChunks(25, 40, 440, 0.5)) buffer.enqueue(chunk); // 1 s queued
    const flushAt = 40; // quanta
    let result = { playedMs: -1, playedSamples: -1 };
    const nextTurn = toneChunks(2, 40, 3000, 0.25);
    const out = render(buffer, 120, (q) => {
      if (q === flushAt) {
        result = buffer.flush();
        buffer.startTurn();
        for (const chunk of nextTurn) buffer.enqueue(chunk);
      }
    });

    const flushFrame = flushAt * QUANTUM;
    const fadeFrames = (fadeMs * OUT) / 1000;
    // Before the flush: the 440 Hz tone at full level.
    assert.ok(peak(out, flushFrame - QUANTUM, flushFrame) > 0.45);
    // The fade is smooth: no step larger than the tone itself makes.
    for (let i = flushFrame; i < flushFrame + fadeFrames; i++) assert.ok(Math.abs(out[i] - out[i - 1]) < 0.03);
    // After it, silence until the next turn begins (from silence, so it rises smoothly too).
    const nextStart = firstNonZero(out.subarray(flushFrame + fadeFrames)) + flushFrame + fadeFrames;
    assert.ok(nextStart > flushFrame + fadeFrames);
    assert.ok(peak(out, flushFrame + fadeFrames, nextStart) === 0);
    // The next turn plays: its 3 kHz tone, none of the discarded 440 Hz.
    const next = out.subarray(nextStart + 200, nextStart + 3000);
    assert.ok(toneAmplitude(next, OUT, 3000) > 0.24);
    assert.ok(decibels(toneAmplitude(next, OUT, 440)) < -60);

    // 40 quanta of 48 kHz = 106.7 ms had played, less the resampler's look-ahead.
    const expectedMs = (flushFrame / OUT) * 1000;
    assert.ok(Math.abs(result.playedMs - expectedMs) < 3, `played ${result.playedMs} ms, expected ≈ ${expectedMs}`);
    assert.equal(result.playedSamples, Math.round((result.playedMs * 24000) / 1000));
    assert.ok(buffer.queuedMs === 0);
  });

  it('reports played time per turn, from startTurn or the last flush', () => {
    const buffer = new PlaybackBuffer({ outputRate: OUT });
    buffer.startTurn();
    for (const chunk of toneChunks(5, 40)) buffer.enqueue(chunk);
    render(buffer, 30); // 80 ms
    const first = buffer.played().playedMs;
    assert.ok(first > 75 && first <= 80, `${first}`);
    render(buffer, 100); // everything played out
    assert.ok(Math.abs(buffer.played().playedMs - 200) < 0.01);
    buffer.startTurn();
    assert.equal(buffer.played().playedMs, 0);
    assert.deepEqual(buffer.flush(), { playedMs: 0, playedSamples: 0 });
  });

  it('flush while idle discards at once; flush with nothing queued is harmless', () => {
    const buffer = new PlaybackBuffer({ outputRate: OUT, leadMs: 60 });
    buffer.flush();
    buffer.enqueue(toneChunks(1, 20)[0]);
    buffer.flush();
    assert.equal(buffer.queuedMs, 0);
    assert.equal(peak(render(buffer, 40)), 0);
  });

  it('never drops audio that arrives much faster than real time', () => {
    const buffer = new PlaybackBuffer({ outputRate: OUT });
    const chunks = toneChunks(250, 40); // 10 s at once
    for (const chunk of chunks) buffer.enqueue(chunk);
    assert.ok(Math.abs(buffer.queuedMs - 10000) < 1e-6);
    const out = render(buffer, Math.ceil((10.2 * OUT) / QUANTUM));
    const start = firstNonZero(out);
    let end = out.length - 1;
    while (out[end] === 0) end--;
    assert.ok(Math.abs((end - start) / OUT - 10) < 0.005, `played ${(end - start) / OUT} s`);
    assert.equal(buffer.underruns, 0);
  });

  it('converts audio queued at another rate', () => {
    const buffer = new PlaybackBuffer({ outputRate: 44100 });
    buffer.enqueue(toPcm(sine(16000, 1000, 16000, 0.5)), 16000);
    // The converter still holds its look-ahead (about 2.6 ms at 16 kHz).
    assert.ok(Math.abs(buffer.queuedMs - 1000) < 5);
    const out = render(buffer, 300);
    const start = firstNonZero(out);
    assert.ok(Math.abs(decibels(toneAmplitude(out, 44100, 1000, start + 500, start + 30000) / 0.5)) < 0.1);
  });

  it('meters the output level', () => {
    const buffer = new PlaybackBuffer({ outputRate: OUT });
    for (const chunk of toneChunks(5, 40, 440, 0.5)) buffer.enqueue(chunk);
    render(buffer, 20);
    buffer.level.reset();
    render(buffer, 10);
    assert.ok(Math.abs(buffer.level.rms - 0.5 / Math.SQRT2) < 0.01, `${buffer.level.rms}`);
    assert.ok(Math.abs(buffer.level.peak - 0.5) < 0.01);
  });
});
