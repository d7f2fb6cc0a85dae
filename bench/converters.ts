import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { PolyphaseResampler } from '../src/audio/resampler.js';
import { LinearResampler } from './linear-resampler.js';

/** A streaming converter under test: `process` resamples one block and returns the samples written. */
export interface Converter {
  process(input: Float32Array, output: Float32Array): number;
  dispose(): void;
}

/** Builds a fresh converter for a rate pair. */
export interface ConverterFactory {
  name: string;
  create(inputRate: number, outputRate: number): Promise<Converter>;
}

const ours: ConverterFactory = {
  name: 'PolyphaseResampler (this project)',
  async create(inputRate, outputRate) {
    const resampler = new PolyphaseResampler(inputRate, outputRate);
    return { process: (input, output) => resampler.process(input, output), dispose() {} };
  },
};

const linear: ConverterFactory = {
  name: 'linear interpolation (no filter)',
  async create(inputRate, outputRate) {
    const resampler = new LinearResampler(inputRate, outputRate);
    return { process: (input, output) => resampler.process(input, output), dispose() {} };
  },
};

function libsamplerateFactory(label: string, converterType: number): ConverterFactory {
  return {
    name: `libsamplerate-js ${label}`,
    async create(inputRate, outputRate) {
      const src = await libsamplerate.create(1, inputRate, outputRate, {
        converterType: converterType as never,
      });
      const frames = { frames: 0 };
      return {
        // The `full` API streams, keeping state between calls, and writes into our buffer.
        process(input, output) {
          src.full(input, output, frames);
          return frames.frames;
        },
        dispose: () => src.destroy(),
      };
    },
  };
}

const { ConverterType } = libsamplerate;

/** Every converter the benchmark compares, ours first. */
export const converters: ConverterFactory[] = [
  ours,
  libsamplerateFactory('sinc best', ConverterType.SRC_SINC_BEST_QUALITY),
  libsamplerateFactory('sinc medium', ConverterType.SRC_SINC_MEDIUM_QUALITY),
  libsamplerateFactory('sinc fastest', ConverterType.SRC_SINC_FASTEST),
  linear,
];
