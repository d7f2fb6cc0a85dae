/**
 * Accumulates the RMS and peak of audio blocks over an interval, for a level display. Allocates nothing.
 */
export class LevelMeter {
  private sumOfSquares = 0;
  private peakValue = 0;
  private frames = 0;

  /** Adds `length` samples of `block` (from `offset`) to the current interval. */
  add(block: Float32Array, length: number = block.length, offset = 0): void {
    let sum = 0;
    let peak = this.peakValue;
    for (let i = offset; i < offset + length; i++) {
      const sample = block[i];
      sum += sample * sample;
      const magnitude = sample < 0 ? -sample : sample;
      if (magnitude > peak) peak = magnitude;
    }
    // A NaN sample would freeze the display; count the block as silent instead.
    if (sum === sum) this.sumOfSquares += sum;
    if (peak === peak) this.peakValue = peak;
    this.frames += length;
  }

  /** Frames accumulated since the last {@link reset}. */
  get pendingFrames(): number {
    return this.frames;
  }

  /** Root mean square of the current interval, clamped to 0..1. */
  get rms(): number {
    return this.frames === 0 ? 0 : Math.min(1, Math.sqrt(this.sumOfSquares / this.frames));
  }

  /** Largest magnitude in the current interval, clamped to 0..1. */
  get peak(): number {
    return Math.min(1, this.peakValue);
  }

  /** Starts a new interval. */
  reset(): void {
    this.sumOfSquares = 0;
    this.peakValue = 0;
    this.frames = 0;
  }
}
