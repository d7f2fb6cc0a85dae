/**
 * The naive baseline: streaming linear interpolation between neighbouring input samples, with no anti-aliasing
 * filter at all. What a quick hand-rolled resampler does; the benchmark shows what it costs in alias rejection.
 */
export class LinearResampler {
  private readonly step: number;
  private position = 0; // of the next output, relative to the first sample of the next block (may be < 0)
  private previous = 0;

  constructor(inputRate: number, outputRate: number) {
    this.step = inputRate / outputRate;
  }

  /** Resamples `input` into `output`; returns the count written. */
  process(input: Float32Array, output: Float32Array): number {
    let count = 0;
    let position = this.position;
    const length = input.length;
    while (position < length - 1) {
      const index = Math.floor(position);
      const fraction = position - index;
      const a = index < 0 ? this.previous : input[index];
      const b = input[index + 1];
      output[count++] = a + (b - a) * fraction;
      position += this.step;
    }
    this.previous = input[length - 1];
    this.position = position - length;
    return count;
  }
}
