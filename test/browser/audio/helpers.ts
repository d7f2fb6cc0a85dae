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
