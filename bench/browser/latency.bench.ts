// First-sound delay and interruption silence of the playback path (PlaybackQueue and its worklet, as AudioEngine
// uses them) in a real AudioContext of the engine under test, measured on the context's own clock by a recorder
// worklet behind the playback node. Run with `npm run bench:engines` (scripts/test.mjs --bench), which prints the
// table BENCHMARKS.md quotes.
import { executeServerCommand } from '@web/test-runner-commands';
import { PlaybackQueue } from '../../src/audio/playback-queue.js';
import { engine } from '../../test/support/engine.js';
import { sinePcm, sleep, waitFor } from '../../test/browser/audio/helpers.js';

const ROUNDS = 10;

// Posts the context time of the first sample that sounds (`sound`) or of the first of 64 silent ones (`silence`)
// after it is armed.
const PROBE_SOURCE = `registerProcessor('bench-probe', class extends AudioWorkletProcessor {
  constructor() { super(); this.mode = null; this.quiet = 0; this.port.onmessage = (e) => { this.mode = e.data; this.quiet = 0; }; }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    if (!this.mode) return true;
    for (let i = 0; i < 128; i++) {
      const loud = input ? Math.abs(input[i]) > 1e-4 : false;
      if (this.mode === 'sound' && loud) { this.port.postMessage((currentFrame + i) / sampleRate); this.mode = null; break; }
      if (this.mode === 'silence') {
        this.quiet = loud ? 0 : this.quiet + 1;
        if (this.quiet === 64) { this.port.postMessage((currentFrame + i - 63) / sampleRate); this.mode = null; break; }
      }
    }
    return true;
  }
});`;

async function probe(context: AudioContext, source: AudioNode) {
  const url = URL.createObjectURL(new Blob([PROBE_SOURCE], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(url);
  const node = new AudioWorkletNode(context, 'bench-probe', { numberOfOutputs: 1, outputChannelCount: [1] });
  source.connect(node).connect(new GainNode(context, { gain: 0 })).connect(context.destination);
  return (mode: 'sound' | 'silence'): Promise<number> =>
    new Promise((resolve) => {
      node.port.onmessage = (event: MessageEvent<number>) => resolve(event.data);
      node.port.postMessage(mode);
    });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe(`playback latency (${engine})`, () => {
  it(`measures first sound and interruption silence over ${ROUNDS} turns`, async () => {
    const context = new AudioContext({ latencyHint: 'interactive' });
    const queue = await PlaybackQueue.create(context);
    queue.node.connect(context.destination);
    const armed = await probe(context, queue.node);
    await sleep(300);
    const firstSound: number[] = [];
    const silence: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // First sound: a turn's first chunk handed over → its first sample rendered.
      const sounded = armed('sound');
      await sleep(20);
      queue.startTurn();
      const queuedAt = context.currentTime;
      queue.enqueue(sinePcm(24000, 440, 24000, 0.5)); // 1 s
      firstSound.push((await sounded) - queuedAt);
      await waitFor(() => queue.played().playedMs > 200, { timeout: 5000, message: 'playback' });
      // Interruption: flush() called → the output is silent.
      const silent = armed('silence');
      await sleep(20);
      const flushedAt = context.currentTime;
      await queue.flush();
      silence.push((await silent) - flushedAt);
      await sleep(100);
    }
    const report = {
      engine,
      sampleRate: context.sampleRate,
      baseLatencyMs: (context.baseLatency ?? 0) * 1000,
      outputLatencyMs: ((context as AudioContext & { outputLatency?: number }).outputLatency ?? 0) * 1000,
      firstSoundMs: { median: median(firstSound) * 1000, max: Math.max(...firstSound) * 1000 },
      silenceMs: { median: median(silence) * 1000, max: Math.max(...silence) * 1000 },
    };
    await executeServerCommand('bench-result', report);
    queue.dispose();
    await context.close();
  });
});
