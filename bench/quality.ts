import { aliasOf, decibels, rms, sine, toneAmplitude } from '../test/fixtures/signal.js';
import type { ConverterFactory } from './converters.js';

/** Quality of one converter on one rate pair. */
export interface Quality {
  /** Max − min gain over the passband tones, dB. */
  rippleDb: number;
  /** Lowest attenuation of anything a tone outside the output band leaves behind, dB (higher is better). */
  rejectionDb: number;
  /** Where that worst case happened: the input tone, Hz. */
  worstToneHz: number;
}

const TONE_SECONDS = 0.25;
const BLOCK = 128;

async function convert(factory: ConverterFactory, inputRate: number, outputRate: number, input: Float32Array) {
  const converter = await factory.create(inputRate, outputRate);
  const block = new Float32Array(BLOCK);
  const scratch = new Float32Array(Math.ceil((BLOCK * outputRate) / inputRate) + 64);
  const out: number[] = [];
  for (let start = 0; start + BLOCK <= input.length; start += BLOCK) {
    block.set(input.subarray(start, start + BLOCK));
    const count = converter.process(block, scratch);
    for (let i = 0; i < count; i++) out.push(scratch[i]);
  }
  converter.dispose();
  // Leave out the start-up and the end, where filters are still filling.
  const margin = Math.round(0.02 * outputRate);
  return Float32Array.from(out).subarray(margin, out.length - margin);
}

/**
 * Measures passband ripple with tones up to 7/8 of the lower Nyquist frequency and rejection with tones whose
 * energy must not reach the output band: for downsampling, every tone above the output Nyquist (whatever comes
 * out is alias); for upsampling, the images of passband tones.
 */
export async function measureQuality(
  factory: ConverterFactory,
  inputRate: number,
  outputRate: number,
): Promise<Quality> {
  const nyquist = Math.min(inputRate, outputRate) / 2;
  const length = Math.round(inputRate * TONE_SECONDS);
  const gains: number[] = [];
  let rejectionDb = Infinity;
  let worstToneHz = 0;

  for (let frequency = 100; frequency <= 0.875 * nyquist + 1; frequency += 100) {
    const out = await convert(factory, inputRate, outputRate, sine(inputRate, frequency, length, 0.5));
    gains.push(decibels(toneAmplitude(out, outputRate, frequency) / 0.5));
    if (outputRate > inputRate) {
      for (const image of [inputRate - frequency, inputRate + frequency]) {
        const level = -decibels(toneAmplitude(out, outputRate, aliasOf(image, outputRate)) / 0.5);
        if (level < rejectionDb) [rejectionDb, worstToneHz] = [level, frequency];
      }
    }
  }
  if (outputRate < inputRate) {
    // Dense just above the output Nyquist frequency, where a filter's transition band would let aliases through.
    const edge = outputRate / 2;
    for (let frequency = edge; frequency < inputRate / 2; frequency += frequency < edge + 1000 ? 50 : 200) {
      const out = await convert(factory, inputRate, outputRate, sine(inputRate, frequency, length, 0.5));
      const level = -decibels(rms(out) / (0.5 / Math.SQRT2));
      if (level < rejectionDb) [rejectionDb, worstToneHz] = [level, frequency];
    }
  }
  return { rippleDb: Math.max(...gains) - Math.min(...gains), rejectionDb, worstToneHz };
}
