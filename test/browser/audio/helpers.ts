export { waitFor } from '../../support/wait-for.js';
import { pcm16ToFloat } from '../../fixtures/signal.js';

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resumes a suspended OfflineAudioContext after giving the worklet thread a moment to handle the port messages
 * posted during the suspension: Chromium renders the rest of an offline context in one go once resumed, and
 * messages still queued then would only be seen after rendering ends.
 */
export async function resumeAfterMessages(context: OfflineAudioContext): Promise<void> {
  await sleep(50);
  await context.resume();
}

/** Starts rendering once the worklet thread has had a moment to handle messages posted before (see above). */
export async function renderAfterMessages(context: OfflineAudioContext): Promise<AudioBuffer> {
  await sleep(50);
  return context.startRendering();
}

/** Concatenates PCM16LE chunks into one float signal. */
export function joinPcm(chunks: ArrayBuffer[]): Float32Array {
  const parts = chunks.map((chunk) => pcm16ToFloat(chunk));
  const out = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** `amplitude`-scaled sine oscillator at `frequency`, started at 0, connected to `destination`. */
export function tone(
  context: BaseAudioContext,
  frequency: number,
  amplitude: number,
  destination: AudioNode,
): OscillatorNode {
  const oscillator = new OscillatorNode(context, { frequency });
  const gain = new GainNode(context, { gain: amplitude });
  oscillator.connect(gain).connect(destination);
  oscillator.start(0);
  return oscillator;
}

/** PCM16LE mono bytes of a sine (phase-continuous across chunks through `offset`). */
export function sinePcm(rate: number, frequency: number, samples: number, amplitude: number, offset = 0): ArrayBuffer {
  const view = new DataView(new ArrayBuffer(samples * 2));
  for (let i = 0; i < samples; i++) {
    const value = amplitude * Math.sin((2 * Math.PI * frequency * (i + offset)) / rate);
    view.setInt16(i * 2, Math.round(value * 32767), true);
  }
  return view.buffer;
}

/** Records every chunk `source` delivers, with the time it arrived. */
export function recordChunks(source: { onChunk: ((pcm: ArrayBuffer) => void) | null }): { chunks: ArrayBuffer[]; arrivals: number[] } {
  const recorded = { chunks: [] as ArrayBuffer[], arrivals: [] as number[] };
  source.onChunk = (pcm) => {
    recorded.chunks.push(pcm);
    recorded.arrivals.push(performance.now());
  };
  return recorded;
}

// Posts what reaches it, 1024 frames at a time, so a test can read a real context's output.
const RECORDER_SOURCE = `registerProcessor('test-output-recorder', class extends AudioWorkletProcessor {
  constructor() { super(); this.block = new Float32Array(1024); this.filled = 0; }
  process(inputs) {
    const input = inputs[0] && inputs[0][0];
    for (let i = 0; i < 128; i++) this.block[this.filled + i] = input ? input[i] : 0;
    this.filled += 128;
    if (this.filled === this.block.length) {
      this.port.postMessage(this.block, [this.block.buffer]);
      this.block = new Float32Array(1024);
      this.filled = 0;
    }
    return true;
  }
});`;

/** Records what `source` plays in a real context; `samples()` joins what has arrived so far. */
export async function recordOutput(context: AudioContext, source: AudioNode): Promise<{ samples(): Float32Array; stop(): void }> {
  const url = URL.createObjectURL(new Blob([RECORDER_SOURCE], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(url);
  URL.revokeObjectURL(url);
  const recorder = new AudioWorkletNode(context, 'test-output-recorder', { numberOfOutputs: 1, outputChannelCount: [1] });
  const blocks: Float32Array[] = [];
  recorder.port.onmessage = (event: MessageEvent<Float32Array>) => blocks.push(event.data);
  // Kept pulled by the graph: through a muted gain to the speakers.
  const mute = new GainNode(context, { gain: 0 });
  source.connect(recorder).connect(mute).connect(context.destination);
  return {
    samples() {
      const out = new Float32Array(blocks.length * 1024);
      blocks.forEach((block, i) => out.set(block, i * 1024));
      return out;
    },
    stop() {
      recorder.port.onmessage = null;
      source.disconnect(recorder);
      recorder.disconnect();
    },
  };
}
