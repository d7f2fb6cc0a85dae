/**
 * Conversions between Web Audio floats and 16-bit PCM. Both directions scale by 32768, so every int16 value
 * survives int16 → float → int16 unchanged and -1.0 maps to -32768. An `Int16Array` uses the platform's byte
 * order, which is little-endian wherever browsers run: its bytes are the Live API's PCM16LE as they are.
 */

const SCALE = 32768;
const INV_SCALE = 1 / SCALE;

/**
 * Writes `count` samples of `input` (from `inputOffset`) into `output` (from `outputOffset`) as int16:
 * scaled by 32768, clamped to [-32768, 32767] (so +1.0 becomes 32767 instead of wrapping), rounded half away from
 * zero, NaN → 0, -0 → 0. Allocates nothing.
 */
export function floatToInt16(
  input: Float32Array,
  output: Int16Array,
  count: number = Math.min(input.length, output.length),
  inputOffset = 0,
  outputOffset = 0,
): void {
  for (let i = 0; i < count; i++) {
    const scaled = input[inputOffset + i] * SCALE;
    // NaN fails both comparisons and reaches the store as NaN, which an Int16Array stores as 0 (ToInt16).
    // The store truncates toward zero, so adding ±0.5 first rounds half away from zero.
    output[outputOffset + i] =
      scaled >= 32767 ? 32767 : scaled <= -32768 ? -32768 : scaled < 0 ? scaled - 0.5 : scaled + 0.5;
  }
}

/** Writes `count` int16 samples of `input` into `output` as floats in [-1, 1). Allocates nothing. */
export function int16ToFloat(
  input: Int16Array,
  output: Float32Array,
  count: number = Math.min(input.length, output.length),
  inputOffset = 0,
  outputOffset = 0,
): void {
  for (let i = 0; i < count; i++) output[outputOffset + i] = input[inputOffset + i] * INV_SCALE;
}
