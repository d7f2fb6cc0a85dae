import { besselI0, kaiserBeta, kaiserLength, kaiserWindow, sinc } from './kaiser.js';

/** Design parameters of a {@link PolyphaseResampler}'s anti-aliasing / anti-imaging filter. */
export interface ResamplerOptions {
  /**
   * Stopband attenuation the Kaiser design aims for, in dB (default 80). The stopband starts at the lower of the
   * two Nyquist frequencies, so nothing above 8 kHz folds back into a 16 kHz output by more than this.
   */
  attenuation?: number;
  /**
   * Passband edge as a fraction of the lower Nyquist frequency (default 0.875: 7 kHz at 16 kHz, 10.5 kHz at
   * 24 kHz). The transition band runs from here to the Nyquist frequency; a wider one means fewer taps.
   */
  passband?: number;
  /**
   * Largest number of exact polyphase branches (the output rate divided by gcd(input, output)) kept as a table
   * (default 1024). Rate pairs needing more fall back to 256 branches with linear interpolation between
   * neighbours, which keeps the table small for odd rates at a cost of about twice the multiplications.
   */
  maxPhases?: number;
}

const INTERPOLATED_PHASES = 256;

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function checkedRate(rate: number, name: string): number {
  const rounded = Math.round(rate);
  if (!Number.isFinite(rate) || rounded < 1) {
    throw new RangeError(`${name} must be a positive sample rate, got ${rate}`);
  }
  return rounded;
}

/**
 * Streaming sample-rate converter: a polyphase windowed-sinc (Kaiser) FIR.
 *
 * Output sample `n` is the band-limited input evaluated at input time `n · inputRate / outputRate`
 * (exactly, with the rates reduced to a ratio of integers), so the conversion introduces no fractional drift over
 * long streams. Each output needs {@link latency} input samples after that time, which is why outputs lag the
 * input by that much; the stream starts from a history of silence.
 *
 * {@link process} may be fed blocks of any size: the result is identical, sample for sample, to one call with the
 * concatenated input. It writes into a caller-provided buffer and allocates nothing.
 */
export class PolyphaseResampler {
  /** Input sample rate in Hz (rounded to an integer). */
  readonly inputRate: number;
  /** Output sample rate in Hz (rounded to an integer). */
  readonly outputRate: number;
  /** FIR taps evaluated per output sample (per branch); 0 when the rates are equal and samples pass through. */
  readonly taps: number;
  /** Number of polyphase branches in the coefficient table. */
  readonly phases: number;
  /**
   * Input samples an output lags behind: after `k` samples have been fed, outputs cover the input up to
   * `k - latency`. Divide by {@link inputRate} for seconds.
   */
  readonly latency: number;

  // The conversion ratio outputRate / inputRate = up / down in lowest terms.
  private readonly up: number;
  private readonly down: number;
  private readonly stepWhole: number;
  private readonly stepRest: number;
  private readonly interpolated: boolean;
  private readonly coefficients: Float32Array;
  // The last `taps` inputs, written twice (at i and i + taps) so the window is always one contiguous run.
  private readonly history: Float32Array;
  private writeIndex = 0;
  // Position of the next output in the input: `phase / up` of a sample past the window centre.
  private phase = 0;
  // Input samples still to arrive before the next output can be computed.
  private pending = 0;

  constructor(inputRate: number, outputRate: number, options: ResamplerOptions = {}) {
    this.inputRate = checkedRate(inputRate, 'inputRate');
    this.outputRate = checkedRate(outputRate, 'outputRate');
    const attenuation = options.attenuation ?? 80;
    const passband = options.passband ?? 0.875;
    const maxPhases = options.maxPhases ?? 1024;
    if (!(attenuation >= 20 && attenuation <= 200)) {
      throw new RangeError(`attenuation must be 20..200 dB, got ${attenuation}`);
    }
    if (!(passband > 0 && passband < 1)) throw new RangeError(`passband must be between 0 and 1, got ${passband}`);

    const divisor = greatestCommonDivisor(this.inputRate, this.outputRate);
    this.up = this.outputRate / divisor;
    this.down = this.inputRate / divisor;
    this.stepWhole = Math.floor(this.down / this.up);
    this.stepRest = this.down % this.up;

    if (this.up === this.down) {
      this.taps = 0;
      this.phases = 0;
      this.latency = 0;
      this.interpolated = false;
      this.coefficients = new Float32Array(0);
      this.history = new Float32Array(0);
      return;
    }

    // The filter runs at the input rate; its band edges sit below the lower of the two Nyquist frequencies.
    const nyquist = Math.min(this.inputRate, this.outputRate) / 2;
    const passHz = passband * nyquist;
    const cutoff = (passHz + nyquist) / 2 / this.inputRate;
    const transition = (nyquist - passHz) / this.inputRate;
    // A multiple of 4 lets the dot product run four independent accumulators.
    this.taps = Math.max(4, Math.ceil(kaiserLength(attenuation, transition) / 4) * 4);
    this.latency = this.taps / 2;

    this.interpolated = this.up > maxPhases;
    this.phases = this.interpolated ? INTERPOLATED_PHASES : this.up;
    // The interpolated table has one extra branch (fraction 1.0) so branch q + 1 always exists.
    const tableBranches = this.interpolated ? this.phases + 1 : this.phases;
    this.coefficients = designBranches(tableBranches, this.phases, this.taps, cutoff, kaiserBeta(attenuation));
    this.history = new Float32Array(this.taps * 2);
    this.reset();
  }

  /** Forgets the stream: silence as history, next output at input time 0. Allocates nothing. */
  reset(): void {
    this.history.fill(0);
    this.writeIndex = 0;
    this.phase = 0;
    this.pending = this.latency + 1;
  }

  /** Upper bound of {@link outputLength} for any state: size output buffers with it. */
  maxOutputLength(inputLength: number): number {
    if (this.taps === 0) return inputLength;
    return Math.ceil((inputLength * this.up) / this.down) + 1;
  }

  /** Exactly how many samples the next {@link process} call will write for `inputLength` input samples. */
  outputLength(inputLength: number): number {
    if (this.taps === 0) return inputLength;
    if (inputLength < this.pending) return 0;
    const span = (inputLength - this.pending + 1) * this.up - this.phase;
    return Math.floor((span + this.down - 1) / this.down);
  }

  /** The fewest input samples after which at least `outputCount` outputs will have been written. */
  inputLengthFor(outputCount: number): number {
    if (outputCount <= 0) return 0;
    if (this.taps === 0) return outputCount;
    return this.pending + Math.floor((this.phase + (outputCount - 1) * this.down) / this.up);
  }

  /**
   * Consumes `inputLength` samples of `input` (default: all of it) and writes every output they complete into
   * `output` from `outputOffset` on. Returns the number of samples written.
   *
   * @throws RangeError when `output` has less room than {@link outputLength} needs (nothing is consumed then).
   */
  process(input: Float32Array, output: Float32Array, inputLength: number = input.length, outputOffset = 0): number {
    const count = this.outputLength(inputLength);
    if (inputLength > input.length || outputOffset + count > output.length) {
      throw new RangeError(
        `resampler: ${inputLength} inputs need ${count} outputs, output has ${output.length - outputOffset} free`,
      );
    }
    if (this.taps === 0) {
      for (let i = 0; i < inputLength; i++) output[outputOffset + i] = input[i];
      return inputLength;
    }
    return this.interpolated
      ? this.processInterpolated(input, output, inputLength, outputOffset)
      : this.processExact(input, output, inputLength, outputOffset);
  }

  private processExact(input: Float32Array, output: Float32Array, inputLength: number, outputOffset: number): number {
    const taps = this.taps;
    const history = this.history;
    const coefficients = this.coefficients;
    const up = this.up;
    const stepWhole = this.stepWhole;
    const stepRest = this.stepRest;
    let writeIndex = this.writeIndex;
    let phase = this.phase;
    let pending = this.pending;
    let out = outputOffset;

    for (let i = 0; i < inputLength; i++) {
      const sample = input[i];
      history[writeIndex] = sample;
      history[writeIndex + taps] = sample;
      writeIndex = writeIndex + 1 === taps ? 0 : writeIndex + 1;
      if (--pending > 0) continue;
      // Upsampling can complete several outputs with one input: emit until the next one needs more input.
      do {
        const base = phase * taps;
        let acc0 = 0;
        let acc1 = 0;
        let acc2 = 0;
        let acc3 = 0;
        for (let j = 0; j < taps; j += 4) {
          const c = base + j;
          const h = writeIndex + j;
          acc0 += coefficients[c] * history[h];
          acc1 += coefficients[c + 1] * history[h + 1];
          acc2 += coefficients[c + 2] * history[h + 2];
          acc3 += coefficients[c + 3] * history[h + 3];
        }
        output[out++] = acc0 + acc1 + acc2 + acc3;
        phase += stepRest;
        pending = stepWhole;
        if (phase >= up) {
          phase -= up;
          pending++;
        }
      } while (pending === 0);
    }

    this.writeIndex = writeIndex;
    this.phase = phase;
    this.pending = pending;
    return out - outputOffset;
  }

  private processInterpolated(
    input: Float32Array,
    output: Float32Array,
    inputLength: number,
    outputOffset: number,
  ): number {
    const taps = this.taps;
    const history = this.history;
    const coefficients = this.coefficients;
    const up = this.up;
    const branchScale = this.phases / up;
    const stepWhole = this.stepWhole;
    const stepRest = this.stepRest;
    let writeIndex = this.writeIndex;
    let phase = this.phase;
    let pending = this.pending;
    let out = outputOffset;

    for (let i = 0; i < inputLength; i++) {
      const sample = input[i];
      history[writeIndex] = sample;
      history[writeIndex + taps] = sample;
      writeIndex = writeIndex + 1 === taps ? 0 : writeIndex + 1;
      if (--pending > 0) continue;
      do {
        const position = phase * branchScale;
        const branch = Math.floor(position);
        const weight = position - branch;
        const base0 = branch * taps;
        const base1 = base0 + taps;
        let acc0 = 0;
        let acc1 = 0;
        for (let j = 0; j < taps; j++) {
          const x = history[writeIndex + j];
          acc0 += coefficients[base0 + j] * x;
          acc1 += coefficients[base1 + j] * x;
        }
        output[out++] = acc0 + weight * (acc1 - acc0);
        phase += stepRest;
        pending = stepWhole;
        if (phase >= up) {
          phase -= up;
          pending++;
        }
      } while (pending === 0);
    }

    this.writeIndex = writeIndex;
    this.phase = phase;
    this.pending = pending;
    return out - outputOffset;
  }
}

/**
 * Samples the Kaiser-windowed sinc for `branches` fractional offsets `q / phases`. Within a branch, tap `j`
 * multiplies the `j`-th oldest sample of the window; each branch is normalised to unit DC gain so a constant
 * input stays exactly constant whatever the fraction.
 */
function designBranches(branches: number, phases: number, taps: number, cutoff: number, beta: number): Float32Array {
  const table = new Float32Array(branches * taps);
  const half = taps / 2;
  const i0Beta = besselI0(beta);
  const row = new Float64Array(taps);
  for (let q = 0; q < branches; q++) {
    const fraction = q / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      // Distance (in input samples) from the output instant back to this tap's sample.
      const distance = fraction + half - 1 - j;
      const value = 2 * cutoff * sinc(2 * cutoff * distance) * kaiserWindow(distance / half, beta, i0Beta);
      row[j] = value;
      sum += value;
    }
    for (let j = 0; j < taps; j++) table[q * taps + j] = row[j] / sum;
  }
  return table;
}
