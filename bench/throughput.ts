import type { ConverterFactory } from './converters.js';

/** Speed of one converter on one rate pair, fed in 128-sample render quanta. */
export interface Throughput {
  /** Seconds of audio converted per second of CPU time. */
  realtime: number;
  /** Nanoseconds per input sample. */
  nsPerSample: number;
}

const SECONDS = 10;
const BLOCK = 128;
const ROUNDS = 7;

function noise(length: number): Float32Array {
  let state = 12345;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32) * 1.8 - 0.9;
  }
  return out;
}

/**
 * Converts 10 s of noise block by block with each converter, round-robin over several rounds so that a burst
 * of load from elsewhere on the machine hits them all alike, and keeps each one's best round. Blocks are
 * prepared outside the timing; the first round warms up the JIT and is not counted.
 */
export async function measureThroughput(
  factories: ConverterFactory[],
  inputRate: number,
  outputRate: number,
): Promise<Throughput[]> {
  const input = noise(inputRate * SECONDS);
  const blocks: Float32Array[] = [];
  for (let start = 0; start + BLOCK <= input.length; start += BLOCK) blocks.push(input.subarray(start, start + BLOCK));
  const output = new Float32Array(Math.ceil((BLOCK * outputRate) / inputRate) + 64);
  const converters = await Promise.all(factories.map((factory) => factory.create(inputRate, outputRate)));
  const best = converters.map(() => Infinity);
  for (let round = 0; round <= ROUNDS; round++) {
    converters.forEach((converter, index) => {
      const start = process.hrtime.bigint();
      for (const block of blocks) converter.process(block, output);
      const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      if (round > 0) best[index] = Math.min(best[index], elapsed);
    });
  }
  for (const converter of converters) converter.dispose();
  const samples = blocks.length * BLOCK;
  return best.map((seconds) => ({ realtime: samples / inputRate / seconds, nsPerSample: (seconds * 1e9) / samples }));
}
