import { base64ToBytes, bytesToBase64 } from '../src/audio/base64.js';

/** One base64 contender and its time per call in microseconds. */
export interface Base64Timing {
  name: string;
  microseconds: number;
}

function time(fn: () => unknown, iterations: number): number {
  for (let i = 0; i < iterations / 10; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e3 / iterations);
  }
  return best;
}

function binaryStringBtoa(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return btoa(text);
}

function atobLoop(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encoding a 20 ms chunk of 16 kHz PCM16 (640 bytes) and decoding 40 ms of 24 kHz model audio (1920 bytes). */
export function measureBase64(): { encode: Base64Timing[]; decode: Base64Timing[] } {
  const chunk = new Uint8Array(640).map((_, i) => (i * 73 + 11) & 255);
  const model = new Uint8Array(1920).map((_, i) => (i * 31 + 7) & 255);
  const modelText = Buffer.from(model).toString('base64');
  const iterations = 20000;
  return {
    encode: [
      { name: 'bytesToBase64 (this project)', microseconds: time(() => bytesToBase64(chunk), iterations) },
      { name: 'btoa(String.fromCharCode(…))', microseconds: time(() => binaryStringBtoa(chunk), iterations) },
      {
        name: "Node Buffer.toString('base64') (native)",
        microseconds: time(() => Buffer.from(chunk.buffer).toString('base64'), iterations),
      },
    ],
    decode: [
      { name: 'base64ToBytes (this project)', microseconds: time(() => base64ToBytes(modelText), iterations) },
      { name: 'atob + charCodeAt loop', microseconds: time(() => atobLoop(modelText), iterations) },
      {
        name: "Node Buffer.from(text, 'base64') (native)",
        microseconds: time(() => Buffer.from(modelText, 'base64'), iterations),
      },
    ],
  };
}
