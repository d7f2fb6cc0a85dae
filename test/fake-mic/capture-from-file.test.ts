import { expect } from '@open-wc/testing';
import { AudioEngine } from '../../src/audio/audio-engine.js';
import { FAKE_MIC } from '../fixtures/fake-mic-signal.mjs';
import { aliasOf, decibels, toneAmplitude } from '../fixtures/signal.js';
import { joinPcm, recordChunks, waitFor } from '../browser/audio/helpers.js';

// Chromium plays test/fixtures/make-fake-mic-wav.mjs's WAV as the microphone in this group: a tone to keep and a
// tone above 8 kHz that must not fold back into the 16 kHz stream.
describe('capture from a known microphone signal', () => {
  let engine: AudioEngine | undefined;

  afterEach(async () => {
    await engine?.dispose();
    engine = undefined;
  });

  for (const chunkMs of [20, 40]) {
    const { keep, reject } = FAKE_MIC;
    it(`(Chromium only: a WAV as the microphone) sends ${chunkMs} ms chunks that carry ${keep.frequency} Hz and reject ${reject.frequency} Hz`, async () => {
      engine = new AudioEngine();
      const { chunks, arrivals } = recordChunks(engine);
      // Voice processing would reshape the test signal; the path under test is the resampler.
      await engine.startCapture({ chunkMs, audioProcessing: false });
      const wanted = Math.ceil(2500 / chunkMs);
      await waitFor(() => chunks.length >= wanted, { timeout: 10_000, message: `${wanted} chunks` });

      for (const chunk of chunks) expect(chunk.byteLength).to.equal(chunkMs * 32);
      // Chunks leave as they fill, so they arrive at the audio's own pace (allowing for scheduling jitter).
      const settled = arrivals.slice(Math.floor(arrivals.length / 2));
      const meanInterval = (settled[settled.length - 1] - settled[0]) / (settled.length - 1);
      // Generous: a loaded machine delays delivery; the chunk count per second of audio is what must be exact.
      expect(meanInterval).to.be.within(chunkMs * 0.7, chunkMs * 1.5);

      // Skip the first second: the fake device and the graph start up.
      const pcm = joinPcm(chunks.slice(Math.ceil(1000 / chunkMs)));
      const kept = toneAmplitude(pcm, 16000, FAKE_MIC.keep.frequency);
      const alias = toneAmplitude(pcm, 16000, aliasOf(FAKE_MIC.reject.frequency, 16000));
      expect(Math.abs(decibels(kept / FAKE_MIC.keep.amplitude)), `kept tone level`).to.be.below(1);
      expect(decibels(alias / FAKE_MIC.reject.amplitude), `alias level`).to.be.below(-70);
    });
  }
});
