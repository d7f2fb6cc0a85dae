// @ts-check
/**
 * Windowed-sinc sample-rate conversion for whole PCM16 buffers (espeak's 22 050 Hz → the Live API's 24 000 Hz).
 *
 * For a rational ratio L/M the output sample n sits at input position n·M/L, whose fractional part takes only
 * L values, so the filter taps for every phase are computed once (a polyphase table).
 */

/**
 * @param {number} a
 * @param {number} b
 */
function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Blackman window over |x| ≤ 1. @param {number} x */
function blackman(x) {
  return 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
}

/** @param {number} x */
function sinc(x) {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** @type {Map<string, { up: number, down: number, half: number, taps: Float32Array }>} */
const tableCache = new Map();

/**
 * @param {number} fromRate
 * @param {number} toRate
 * @param {number} zeroCrossings filter half-length in zero crossings of the low-pass kernel
 */
function polyphaseTable(fromRate, toRate, zeroCrossings) {
  const key = `${fromRate}:${toRate}:${zeroCrossings}`;
  const cached = tableCache.get(key);
  if (cached) return cached;
  const divisor = gcd(fromRate, toRate);
  const up = toRate / divisor;
  const down = fromRate / divisor;
  // Cut off a little below the lower Nyquist frequency so the transition band does not alias.
  const cutoff = Math.min(1, toRate / fromRate) * 0.94;
  const half = Math.ceil(zeroCrossings / cutoff);
  const width = 2 * half;
  const taps = new Float32Array(up * width);
  for (let phase = 0; phase < up; phase++) {
    const fraction = phase / up;
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const distance = j - (half - 1) - fraction;
      const value = cutoff * sinc(cutoff * distance) * blackman(Math.min(1, Math.abs(distance) / half));
      taps[phase * width + j] = value;
      sum += value;
    }
    // Unity gain at DC for every phase, so a constant input stays constant.
    for (let j = 0; j < width; j++) taps[phase * width + j] /= sum;
  }
  const table = { up, down, half, taps };
  tableCache.set(key, table);
  return table;
}

/**
 * Converts mono PCM16 between sample rates. Rates must be positive integers whose reduced ratio has a
 * numerator of at most 4096 (true for all common audio rates).
 * @param {Int16Array} input
 * @param {number} fromRate
 * @param {number} toRate
 * @param {{ zeroCrossings?: number }} [options]
 * @returns {Int16Array}
 */
export function resamplePcm16(input, fromRate, toRate, { zeroCrossings = 16 } = {}) {
  if (fromRate === toRate) return input.slice();
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
    throw new RangeError(`Unsupported sample rates ${fromRate} → ${toRate}`);
  }
  const { up, down, half, taps } = polyphaseTable(fromRate, toRate, zeroCrossings);
  if (up > 4096) throw new RangeError(`Sample rate ratio ${fromRate}:${toRate} is too fine-grained`);
  const width = 2 * half;
  const outputLength = Math.floor((input.length * up) / down);
  const output = new Int16Array(outputLength);
  const last = input.length - 1;
  for (let n = 0; n < outputLength; n++) {
    const position = n * down;
    const base = Math.floor(position / up);
    const phase = position - base * up;
    const tapOffset = phase * width;
    const first = base - (half - 1);
    let acc = 0;
    if (first >= 0 && first + width - 1 <= last) {
      for (let j = 0; j < width; j++) acc += input[first + j] * taps[tapOffset + j];
    } else {
      for (let j = 0; j < width; j++) {
        const index = first + j;
        if (index >= 0 && index <= last) acc += input[index] * taps[tapOffset + j];
      }
    }
    output[n] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
  }
  return output;
}
