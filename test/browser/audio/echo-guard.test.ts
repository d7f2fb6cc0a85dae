import { expect } from '@open-wc/testing';
import { CaptureNode, echoCancellerTrusted } from '../../../src/audio/capture-node.js';
import { openMicrophone, stopStream } from '../../../src/audio/microphone.js';
import { PlaybackQueue } from '../../../src/audio/playback-queue.js';
import { loadAudioWorklets } from '../../../src/audio/worklet-loader.js';
import { engine, itOnlyIn } from '../../support/engine.js';
import { sinePcm, sleep, tone, waitFor } from './helpers.js';

const dbfs = (value: number) => 10 ** (value / 20);

/**
 * A real context with both worklets: an oscillator at `micDbfs` stands for the microphone (the voice's echo, or
 * someone speaking), and the playback worklet plays 2 s of a 300 Hz voice at `voiceDbfs` (none: silent). Returns
 * the peak of each chunk the capture node delivered while the voice played (from 300 ms in to 1.6 s).
 */
async function capturedWhileVoicePlays(bargeIn: string, micDbfs: number, voiceDbfs: number | null): Promise<number[]> {
  const context = new AudioContext();
  try {
    await loadAudioWorklets(context);
    const queue = new PlaybackQueue(context);
    // Pulled by the graph, not heard.
    queue.node.connect(new GainNode(context, { gain: 0 })).connect(context.destination);
    const capture = new CaptureNode(context, { bargeIn });
    const chunks: Array<{ peak: number; time: number }> = [];
    capture.onChunk = (pcm, time) => {
      let peak = 0;
      for (const sample of new Int16Array(pcm)) peak = Math.max(peak, Math.abs(sample) / 32768);
      chunks.push({ peak, time });
    };
    tone(context, 1000, dbfs(micDbfs), capture.node);
    await waitFor(() => context.state === 'running' && chunks.length > 5, { timeout: 5000, message: 'chunks flowing' });
    let started = context.currentTime;
    if (voiceDbfs !== null) {
      let playing = false;
      queue.onPlaybackStart = () => {
        playing = true;
        started = context.currentTime;
      };
      queue.startTurn();
      queue.enqueue(sinePcm(24000, 300, 48000, dbfs(voiceDbfs)));
      await waitFor(() => playing, { timeout: 5000, message: 'the voice playing' });
    }
    await waitFor(() => context.currentTime > started + 1.7, { timeout: 10_000, message: '1.7 s of the voice' });
    await sleep(50);
    const window = chunks.filter(({ time }) => time >= started + 0.3 && time < started + 1.6);
    capture.dispose();
    queue.dispose();
    expect(window.length, 'chunks while the voice played').to.be.above(40);
    return window.map(({ peak }) => peak);
  } finally {
    await context.close();
  }
}

// Above one PCM16 step (the resampler's tail after a switch may leave one).
const SOUND = 2 / 32768;

describe('echo guard (capture and playback worklets in a real AudioContext)', () => {
  it('guarded: a -30 dBFS echo under a -9 dBFS voice reaches the chunks as silence', async () => {
    const peaks = await capturedWhileVoicePlays('guarded', -30, -9);
    expect(peaks.filter((peak) => peak > SOUND).length, `chunk peaks ${peaks.map((p) => p.toFixed(4)).join(' ')}`).to.be.at.most(1);
  });

  it('guarded: -6 dBFS speech under the same voice passes', async () => {
    const peaks = await capturedWhileVoicePlays('guarded', -6, -9);
    expect(Math.min(...peaks)).to.be.above(dbfs(-7));
  });

  it('always: the -30 dBFS echo passes', async () => {
    const peaks = await capturedWhileVoicePlays('always', -30, -9);
    expect(Math.min(...peaks)).to.be.above(dbfs(-31));
  });

  it('guarded: with the voice silent, the -30 dBFS input passes', async () => {
    const peaks = await capturedWhileVoicePlays('guarded', -30, null);
    expect(Math.min(...peaks)).to.be.above(dbfs(-31));
  });

  it(`auto: ${engine === 'firefox' ? 'Firefox does not cancel Web Audio output: guarded' : 'guarded while the canceller warms up'}`, async () => {
    // Within the first 3 s of voice, auto guards in every engine.
    const peaks = await capturedWhileVoicePlays('unknown-value', -30, -9);
    expect(peaks.filter((peak) => peak > SOUND).length).to.be.at.most(1);
    const context = new AudioContext();
    try {
      expect(echoCancellerTrusted(context, null)).to.equal(engine !== 'firefox');
    } finally {
      await context.close();
    }
  });

  itOnlyIn(['chromium'], 'a fake microphone that reports echoCancellation', 'a microphone without echo cancellation is not trusted', async () => {
    const context = new AudioContext();
    const streams = await Promise.all([openMicrophone(), openMicrophone({ audioProcessing: false })]);
    try {
      const [withEcho, without] = streams.map((stream) => context.createMediaStreamSource(stream));
      expect(echoCancellerTrusted(context, withEcho)).to.equal(true);
      expect(echoCancellerTrusted(context, without)).to.equal(false);
    } finally {
      streams.forEach(stopStream);
      await context.close();
    }
  });

  it('a capture node with barge-in is created and disposed', async () => {
    const context = new AudioContext();
    try {
      await loadAudioWorklets(context);
      const capture = new CaptureNode(context, { bargeIn: 'auto' });
      capture.rearmEchoGuard();
      capture.dispose();
      capture.dispose();
      capture.rearmEchoGuard();
    } finally {
      await context.close();
    }
  });
});
