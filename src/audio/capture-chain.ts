import { LevelMeter } from './level-meter.js';
import { floatToInt16 } from './pcm.js';
import { PolyphaseResampler, type ResamplerOptions } from './resampler.js';

/** Settings of a {@link CaptureChain}. */
export interface CaptureChainOptions {
  /** Sample rate of the incoming blocks (the AudioContext's rate). */
  inputRate: number;
  /** Rate of the emitted PCM (default 16000, what the Live API expects). */
  outputRate?: number;
  /** Milliseconds of audio per emitted chunk, 10 to 100 (default 20). */
  chunkMs?: number;
  /** Longest interval between level reports, in ms (default 1000 / 60: at most 60 reports a second). */
  levelIntervalMs?: number;
  /** Filter design overrides for the resampler. */
  resampler?: ResamplerOptions;
}

/** Milliseconds of audio per chunk, checked against the 10–100 ms range the element allows. */
export function checkedChunkMs(chunkMs: number | undefined): number {
  const value = chunkMs ?? 20;
  if (!(value >= 10 && value <= 100)) throw new RangeError(`chunkMs must be between 10 and 100, got ${chunkMs}`);
  return value;
}

/**
 * The microphone path inside the capture worklet, kept free of worklet APIs so it runs in Node tests: resamples
 * blocks of float audio to 16 kHz, converts them to int16 and hands out fixed-size chunks as `ArrayBuffer`s
 * (ready to be transferred), plus an RMS/peak level at a bounded rate. The only allocation in steady state is one
 * buffer per emitted chunk, which the receiver then owns.
 */
export class CaptureChain {
  /** Samples (at the output rate) per chunk. */
  readonly chunkSamples: number;
  /** Output sample rate. */
  readonly outputRate: number;
  /** Receives each full chunk: PCM16 mono at {@link outputRate}; ownership passes to the callee. */
  onChunk: ((pcm: ArrayBuffer) => void) | null = null;
  /** Receives the input level (0..1) at most once per level interval. */
  onLevel: ((rms: number, peak: number) => void) | null = null;

  private readonly resampler: PolyphaseResampler;
  private readonly meter = new LevelMeter();
  private readonly levelFrames: number;
  private resampled: Float32Array;
  private chunk: Int16Array;
  private chunkFill = 0;
  private isMuted = false;

  constructor(options: CaptureChainOptions) {
    this.outputRate = options.outputRate ?? 16000;
    const chunkMs = checkedChunkMs(options.chunkMs);
    this.chunkSamples = Math.round((this.outputRate * chunkMs) / 1000);
    this.resampler = new PolyphaseResampler(options.inputRate, this.outputRate, options.resampler);
    this.levelFrames = Math.ceil((options.inputRate * (options.levelIntervalMs ?? 1000 / 60)) / 1000);
    this.resampled = new Float32Array(this.resampler.maxOutputLength(128));
    this.chunk = new Int16Array(this.chunkSamples);
  }

  /**
   * While muted, no chunks are emitted. Muting drops the partial chunk and unmuting restarts the resampler from
   * silence, so no audio from the muted stretch leaks into the chunks after it. Levels keep
   * flowing.
   */
  get muted(): boolean {
    return this.isMuted;
  }

  set muted(value: boolean) {
    if (value === this.isMuted) return;
    this.isMuted = value;
    this.chunkFill = 0;
    if (!value) this.resampler.reset();
  }

  /** Feeds `length` samples of `block` (default: all). */
  process(block: Float32Array, length: number = block.length): void {
    this.meter.add(block, length);
    if (this.meter.pendingFrames >= this.levelFrames) {
      this.onLevel?.(this.meter.rms, this.meter.peak);
      this.meter.reset();
    }

    if (this.resampled.length < this.resampler.maxOutputLength(length)) {
      // Only if the render quantum ever grows beyond 128 frames: resize once, not per block.
      this.resampled = new Float32Array(this.resampler.maxOutputLength(length));
    }
    const produced = this.resampler.process(block, this.resampled, length);
    if (this.isMuted) return;

    let taken = 0;
    while (taken < produced) {
      const n = Math.min(produced - taken, this.chunkSamples - this.chunkFill);
      floatToInt16(this.resampled, this.chunk, n, taken, this.chunkFill);
      this.chunkFill += n;
      taken += n;
      if (this.chunkFill === this.chunkSamples) {
        const full = this.chunk;
        this.chunk = new Int16Array(this.chunkSamples);
        this.chunkFill = 0;
        this.onChunk?.(full.buffer as ArrayBuffer);
      }
    }
  }

  /** Forgets the stream (resampler history, partial chunk and level). */
  reset(): void {
    this.resampler.reset();
    this.meter.reset();
    this.chunkFill = 0;
  }
}
