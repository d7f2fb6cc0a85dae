import { expect } from '@open-wc/testing';
import { CaptureNode } from '../../../src/audio/capture-node.js';
import { loadAudioWorklets } from '../../../src/audio/worklet-loader.js';
import { decibels, toneAmplitude } from '../../fixtures/signal.js';
import { itOnlyIn } from '../../support/engine.js';
import { joinPcm, resumeAfterMessages, tone, waitFor } from './helpers.js';

/** Renders `seconds` of a 1 kHz + 12 kHz mix through the capture worklet and collects the chunks. */
async function capture(rate: number, seconds: number, chunkMs = 20) {
  const context = new OfflineAudioContext(1, Math.round(rate * seconds), rate);
  await loadAudioWorklets(context);
  const node = new CaptureNode(context, { chunkMs });
  const chunks: ArrayBuffer[] = [];
  const times: number[] = [];
  node.onChunk = (pcm, time) => {
    chunks.push(pcm);
    times.push(time);
  };
  tone(context, 1000, 0.25, node.node);
  tone(context, 12000, 0.25, node.node);
  await context.startRendering();
  // Port messages may trail the end of rendering.
  const expected = Math.floor((16000 * seconds - 60) / ((16000 * chunkMs) / 1000));
  await waitFor(() => chunks.length >= expected, { timeout: 2000, message: `${expected} chunks` });
  node.dispose();
  return { chunks, times, expected };
}

describe('capture worklet (OfflineAudioContext)', () => {
  for (const rate of [48000, 44100, 96000]) {
    it(`at ${rate} Hz: 16 kHz chunks carry 1 kHz and reject the 12 kHz alias by 70 dB`, async () => {
      const { chunks } = await capture(rate, 1);
      const pcm = joinPcm(chunks);
      const kept = toneAmplitude(pcm, 16000, 1000, 400);
      const alias = toneAmplitude(pcm, 16000, 4000, 400);
      expect(Math.abs(decibels(kept / 0.25))).to.be.below(0.1);
      expect(decibels(alias / 0.25)).to.be.below(-70);
    });
  }

  for (const chunkMs of [10, 20, 40, 100]) {
    it(`cuts ${chunkMs} ms chunks of ${chunkMs * 32} bytes, one per ${chunkMs} ms of audio`, async () => {
      const { chunks, times, expected } = await capture(48000, 1, chunkMs);
      expect(chunks.length).to.equal(expected);
      for (const chunk of chunks) {
        expect(chunk).to.be.instanceOf(ArrayBuffer);
        expect(chunk.byteLength).to.equal(chunkMs * 32);
      }
      // Each chunk leaves as soon as it is full: the context times step by chunkMs (to a render quantum).
      for (let i = 1; i < times.length; i++) {
        expect(Math.abs(times[i] - times[i - 1] - chunkMs / 1000)).to.be.below(128 / 48000 + 1e-9);
      }
    });
  }

  // Firefox has no OfflineAudioContext.suspend(); the real-context mute test covers it there.
  itOnlyIn(['chromium', 'webkit'], 'OfflineAudioContext.suspend', 'delivers no chunks while muted and resumes after', async () => {
    const rate = 48000;
    const context = new OfflineAudioContext(1, rate, rate);
    await loadAudioWorklets(context);
    const node = new CaptureNode(context, { muted: true });
    const chunks: number[] = [];
    node.onChunk = (_pcm, time) => chunks.push(time);
    tone(context, 440, 0.5, node.node);
    void context.suspend(0.5).then(() => {
      node.muted = false;
      return resumeAfterMessages(context);
    });
    await context.startRendering();
    await waitFor(() => chunks.length >= 20, { timeout: 2000, message: 'chunks after unmuting' });
    expect(Math.min(...chunks)).to.be.greaterThan(0.5);
    node.dispose();
  });
});
