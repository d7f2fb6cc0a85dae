/**
 * Base64 for audio chunks (`realtimeInput.audio.data` out, `inlineData.data` in), cheap enough to run on the main
 * thread 50 times a second. Uses the platform's `Uint8Array.prototype.toBase64` / `Uint8Array.fromBase64` where
 * they exist, and otherwise a table-driven codec that builds the text in one preallocated byte buffer (string
 * concatenation or `btoa` over a binary string is several times slower).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 61; // '='

const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) ENCODE[i] = ALPHABET.charCodeAt(i);

// Character code (0–255) → 6-bit value; -1 for anything else. The URL-safe '-' and '_' decode like '+' and '/'.
const DECODE = new Int32Array(256).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
DECODE[45] = 62;
DECODE[95] = 63;

const ASCII_WHITESPACE = /[\t\n\f\r ]/;
const ASCII_WHITESPACE_ALL = /[\t\n\f\r ]+/g;

interface NativeBase64 {
  toBase64?: (this: Uint8Array) => string;
}
interface NativeBase64Constructor {
  fromBase64?: (text: string) => Uint8Array;
}
const nativeToBase64 = (Uint8Array.prototype as NativeBase64).toBase64;
const nativeFromBase64 = (Uint8Array as NativeBase64Constructor).fromBase64;

// ASCII bytes decode identically under every TextDecoder label; the worklet scope may lack TextDecoder and
// TextEncoder, hence the fallbacks.
const asciiDecoder = typeof TextDecoder === 'function' ? new TextDecoder('latin1') : undefined;
const asciiEncoder = typeof TextEncoder === 'function' ? new TextEncoder() : undefined;
let encodeScratch = new Uint8Array(4096);
let decodeScratch = new Uint8Array(4096);

function asBytes(data: Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * Encodes bytes as standard, padded base64 (RFC 4648 §4). An `ArrayBuffer` or any typed-array view is read
 * without copying.
 */
export function bytesToBase64(data: Uint8Array | ArrayBuffer | ArrayBufferView): string {
  const bytes = asBytes(data);
  if (nativeToBase64) return nativeToBase64.call(bytes);

  const length = bytes.length;
  const textLength = Math.ceil(length / 3) * 4;
  if (encodeScratch.length < textLength) encodeScratch = new Uint8Array(Math.max(textLength, encodeScratch.length * 2));
  const out = encodeScratch;
  let o = 0;
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const triple = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o] = ENCODE[triple >> 18];
    out[o + 1] = ENCODE[(triple >> 12) & 63];
    out[o + 2] = ENCODE[(triple >> 6) & 63];
    out[o + 3] = ENCODE[triple & 63];
    o += 4;
  }
  if (i < length) {
    const hasSecond = i + 1 < length;
    const triple = (bytes[i] << 16) | (hasSecond ? bytes[i + 1] << 8 : 0);
    out[o] = ENCODE[triple >> 18];
    out[o + 1] = ENCODE[(triple >> 12) & 63];
    out[o + 2] = hasSecond ? ENCODE[(triple >> 6) & 63] : PAD;
    out[o + 3] = PAD;
    o += 4;
  }
  return asciiText(out, o);
}

function asciiText(codes: Uint8Array, length: number): string {
  if (asciiDecoder) return asciiDecoder.decode(codes.subarray(0, length));
  let text = '';
  for (let start = 0; start < length; start += 8192) {
    const end = Math.min(length, start + 8192);
    text += String.fromCharCode.apply(null, codes.subarray(start, end) as unknown as number[]);
  }
  return text;
}

/**
 * Decodes base64 the way browsers' "forgiving base64" does (ASCII whitespace ignored, padding optional), and also
 * accepts the URL-safe alphabet (`-`, `_`). Leftover bits in the last character are ignored.
 *
 * @throws SyntaxError naming the problem (a character outside the alphabet and its position, misplaced padding,
 *   or an impossible length) for input that is not base64. It never returns partial data.
 */
export function base64ToBytes(text: string): Uint8Array {
  if (typeof text !== 'string') throw new SyntaxError(`Invalid base64: expected a string, got ${typeof text}`);
  if (nativeFromBase64) {
    try {
      return nativeFromBase64(text);
    } catch {
      // The native decoder rejects the URL-safe alphabet; the decoder below accepts it or explains the error.
    }
  }
  return decodeBase64(text);
}

function decodeBase64(input: string): Uint8Array {
  const text = ASCII_WHITESPACE.test(input) ? input.replace(ASCII_WHITESPACE_ALL, '') : input;
  let length = text.length;
  if (length % 4 === 0 && length > 0 && text.charCodeAt(length - 1) === PAD) {
    length -= text.charCodeAt(length - 2) === PAD ? 2 : 1;
  }
  if (length % 4 === 1) throw new SyntaxError(`Invalid base64: ${length} characters cannot encode whole bytes`);

  const codes = characterCodes(text, length);
  const bytes = new Uint8Array(Math.floor((length * 3) / 4));
  // Validity is folded into one accumulator and checked once at the end (an invalid character makes its lookup
  // negative); only then does the slow path look for the culprit to name it.
  let check = 0;
  let b = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    const quad =
      (DECODE[codes[i]] << 18) | (DECODE[codes[i + 1]] << 12) | (DECODE[codes[i + 2]] << 6) | DECODE[codes[i + 3]];
    check |= quad;
    bytes[b] = quad >> 16;
    bytes[b + 1] = (quad >> 8) & 255;
    bytes[b + 2] = quad & 255;
    b += 3;
  }
  if (check < 0) {
    for (let j = 0; j < i; j++) sextet(text, j);
  }
  const rest = length - i;
  if (rest >= 2) {
    const quad = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (rest === 3 ? sextet(text, i + 2) << 6 : 0);
    bytes[b++] = quad >> 16;
    if (rest === 3) bytes[b] = (quad >> 8) & 255;
  }
  return bytes;
}

/**
 * The first `length` character codes of `text` as bytes. `TextEncoder.encodeInto` copies ASCII natively, about
 * twice as fast as reading `charCodeAt` in a loop; a character beyond ASCII is reported as invalid right here.
 */
function characterCodes(text: string, length: number): Uint8Array {
  if (decodeScratch.length < text.length) {
    decodeScratch = new Uint8Array(Math.max(text.length, decodeScratch.length * 2));
  }
  const codes = decodeScratch;
  if (asciiEncoder) {
    // Every character takes at least one byte, so all of them fit only if all are ASCII.
    const { read } = asciiEncoder.encodeInto(text, codes.subarray(0, text.length));
    if (read !== text.length) for (let j = 0; j < text.length; j++) sextet(text, j);
    return codes;
  }
  for (let j = 0; j < length; j++) {
    const code = text.charCodeAt(j);
    if (code > 255) sextet(text, j);
    codes[j] = code;
  }
  return codes;
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 256 ? DECODE[code] : -1;
  if (value < 0) {
    const what = code === PAD ? 'padding "=" before the end' : `character ${JSON.stringify(text[index])}`;
    throw new SyntaxError(`Invalid base64: ${what} at index ${index}`);
  }
  return value;
}
