import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base64ToBytes, bytesToBase64 } from '../../../src/audio/base64.js';

function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

describe('bytesToBase64', () => {
  it("matches Node's Buffer for every length 0..300 and a 20 ms chunk", () => {
    for (const length of [...Array.from({ length: 301 }, (_, i) => i), 640, 1920, 100_003]) {
      const bytes = randomBytes(length, length + 1);
      assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'), `length ${length}`);
    }
  });

  it('reads ArrayBuffers and views at an offset without copying them', () => {
    const bytes = randomBytes(64, 3);
    assert.equal(bytesToBase64(bytes.buffer as ArrayBuffer), Buffer.from(bytes).toString('base64'));
    const view = new Uint8Array(bytes.buffer, 5, 20);
    assert.equal(bytesToBase64(view), Buffer.from(view).toString('base64'));
    const samples = new Int16Array(bytes.buffer, 8, 10);
    assert.equal(bytesToBase64(samples), Buffer.from(bytes.buffer, 8, 20).toString('base64'));
  });
});

describe('base64ToBytes', () => {
  it("round-trips with Node's Buffer in both directions", () => {
    for (const length of [0, 1, 2, 3, 4, 5, 639, 640, 1920, 65_537]) {
      const bytes = randomBytes(length, length + 9);
      const text = Buffer.from(bytes).toString('base64');
      assert.deepEqual(base64ToBytes(text), bytes, `length ${length}`);
      assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
    }
  });

  it('accepts missing padding, ASCII whitespace and the URL-safe alphabet', () => {
    const bytes = randomBytes(200, 5);
    const standard = Buffer.from(bytes).toString('base64');
    assert.deepEqual(base64ToBytes(standard.replace(/=+$/, '')), bytes);
    assert.deepEqual(base64ToBytes(standard.replace(/(.{76})/g, '$1\r\n')), bytes);
    assert.deepEqual(base64ToBytes(Buffer.from(bytes).toString('base64url')), bytes);
    assert.deepEqual(base64ToBytes(' QQ== '), Uint8Array.of(65));
  });

  it('throws a SyntaxError that names the problem for invalid input', () => {
    assert.throws(() => base64ToBytes('AB$D'), { name: 'SyntaxError', message: /character "\$" at index 2/ });
    assert.throws(() => base64ToBytes('QQ==QQ=='), { name: 'SyntaxError', message: /padding/ });
    assert.throws(() => base64ToBytes('ABCDE'), { name: 'SyntaxError', message: /5 characters/ });
    assert.throws(() => base64ToBytes('QQ==='), SyntaxError);
    assert.throws(() => base64ToBytes('éé=='), SyntaxError);
    assert.throws(() => base64ToBytes(42 as unknown as string), SyntaxError);
  });
});

describe('base64ToBytes error position', () => {
  it('reports the first invalid character, wherever it is', () => {
    assert.throws(() => base64ToBytes('AAAA!AAAAA$'), { message: /"!" at index 4/ });
    assert.throws(() => base64ToBytes('AAAAAAAA\u0100AAA'), { message: /at index 8/ });
    assert.throws(() => base64ToBytes('AAAAAA$'), { message: /"\$" at index 6/ });
  });
});

describe('base64 without TextEncoder / TextDecoder (as in a worklet scope)', () => {
  it('still matches Buffer both ways and rejects bad input', async () => {
    const saved = { encoder: globalThis.TextEncoder, decoder: globalThis.TextDecoder };
    const scope = globalThis as { TextEncoder?: unknown; TextDecoder?: unknown };
    scope.TextEncoder = undefined;
    scope.TextDecoder = undefined;
    let codec: typeof import('../../../src/audio/base64.js');
    try {
      // A second instance of the module, evaluated while the globals are missing.
      const specifier = new URL('../../../src/audio/base64.ts?without-text-codecs', import.meta.url).href;
      codec = (await import(specifier)) as typeof import('../../../src/audio/base64.js');
    } finally {
      globalThis.TextEncoder = saved.encoder;
      globalThis.TextDecoder = saved.decoder;
    }
    for (const length of [0, 1, 2, 3, 640, 1920, 30_001]) {
      const bytes = randomBytes(length, length + 3);
      const text = Buffer.from(bytes).toString('base64');
      assert.equal(codec.bytesToBase64(bytes), text);
      assert.deepEqual(codec.base64ToBytes(text), bytes);
    }
    assert.throws(() => codec.base64ToBytes('AAAAé==='), { name: 'SyntaxError', message: /"é" at index 4/ });
    assert.throws(() => codec.base64ToBytes('AAAA\u0100AAA'), { name: 'SyntaxError', message: /at index 4/ });
  });
});
