// The proxy's WebSocket frame layer on its own: whole frames out of any split of the byte stream, the header
// checks, unmasking, encoding and close payloads.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  BINARY,
  CLOSE,
  CONTINUATION,
  FrameReader,
  PING,
  TEXT,
  closePayload,
  encodeFrame,
  payloadOf,
  readClose,
  unmaskInto,
  type Frame,
  type FrameError,
} from '../../../src/server/ws-frames.js';
import { FRAGMENT_OVERHEAD, MAX_FRAGMENTS, MessageAssembler, keepable, type WholeMessage } from '../../../src/server/ws-messages.js';

const MASK = Uint8Array.of(0x12, 0x9a, 0xfe, 0x07);

/** Feeds `bytes` to a reader in pieces of the given sizes (the last piece takes the rest). */
function readIn(reader: FrameReader, bytes: Buffer, sizes: number[]): { frames: Frame[]; error?: FrameError } {
  const frames: Frame[] = [];
  let at = 0;
  for (const size of [...sizes, bytes.length]) {
    if (at >= bytes.length) break;
    const piece = Buffer.from(bytes.subarray(at, Math.min(bytes.length, at + size)));
    at += piece.length;
    const error = reader.read(piece, (frame) => frames.push({ ...frame, raw: Buffer.from(frame.raw) }));
    if (error) return { frames, error };
  }
  return { frames };
}

/** A frame header written by hand, for headers the encoder never writes. */
function header(first: number, second: number, ...rest: number[]): Buffer {
  return Buffer.from([first, second, ...rest]);
}

describe('FrameReader', () => {
  it('reads frames of 7-, 16- and 64-bit lengths whole, however the bytes are split', () => {
    const payloads = [randomBytes(5), randomBytes(125), randomBytes(126), randomBytes(300), randomBytes(70_000)];
    const stream = Buffer.concat(payloads.map((payload, i) => encodeFrame(i % 2 ? BINARY : TEXT, payload, MASK)));
    for (const sizes of [[stream.length], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [3, 7, 131, 2, 9000], [2, 10, 200, 65_536]]) {
      const { frames, error } = readIn(new FrameReader(true, 1 << 20), stream, sizes);
      assert.equal(error, undefined);
      assert.equal(frames.length, payloads.length, `split ${sizes.join(',')}`);
      frames.forEach((frame, i) => {
        assert.equal(frame.fin, true);
        assert.equal(frame.opcode, i % 2 ? BINARY : TEXT);
        assert.deepEqual(payloadOf(frame), payloads[i]);
        assert.deepEqual(frame.raw, encodeFrame(i % 2 ? BINARY : TEXT, payloads[i], MASK), 'the frame as received');
      });
    }
    // Byte by byte, through every boundary.
    const { frames } = readIn(new FrameReader(true, 1 << 20), stream.subarray(0, 600), Array(600).fill(1));
    assert.equal(frames.length, 4);
  });

  it('reads unmasked frames when told to, and keeps fragment flags and control frames', () => {
    const first = encodeFrame(TEXT, Buffer.from('hel'));
    first[0] &= 0x7f; // not final
    const stream = Buffer.concat([first, encodeFrame(PING, Buffer.from('p')), encodeFrame(CONTINUATION, Buffer.from('lo'))]);
    const { frames, error } = readIn(new FrameReader(false, 1024), stream, [4]);
    assert.equal(error, undefined);
    assert.deepEqual(
      frames.map((frame) => [frame.fin, frame.opcode, payloadOf(frame).toString()]),
      [
        [false, TEXT, 'hel'],
        [true, PING, 'p'],
        [true, CONTINUATION, 'lo'],
      ],
    );
  });

  it('refuses what the protocol forbids, with the code it calls for', () => {
    const cases: [string, boolean, Buffer, FrameError['code']][] = [
      ['a reserved bit', true, header(0x80 | 0x40 | TEXT, 0x80, 0, 0, 0, 0), 1002],
      ['an unknown data opcode', true, header(0x83, 0x80, 0, 0, 0, 0), 1002],
      ['an unknown control opcode', true, header(0x8b, 0x80, 0, 0, 0, 0), 1002],
      ['an unmasked frame from a browser', true, encodeFrame(TEXT, Buffer.from('x')), 1002],
      ['a masked frame from a server', false, encodeFrame(TEXT, Buffer.from('x'), MASK), 1002],
      ['a fragmented control frame', true, header(PING, 0x80, 0, 0, 0, 0), 1002],
      ['a control frame over 125 bytes', true, header(0x80 | PING, 0x80 | 126, 0, 126), 1002],
      ['a payload over the limit', true, encodeFrame(BINARY, Buffer.alloc(1025), MASK), 1009],
      ['a 16-bit length that fits in 7 bits', true, header(0x80 | TEXT, 0x80 | 126, 0, 125), 1002],
      ['a 64-bit length that fits in 16 bits', true, header(0x80 | TEXT, 0x80 | 127, 0, 0, 0, 0, 0, 0, 0xff, 0xff), 1002],
      ['a 64-bit length past 4 GiB', true, header(0x80 | BINARY, 0x80 | 127, 0, 0, 0, 1, 0, 0, 0, 0), 1009],
    ];
    for (const [name, masked, bytes, code] of cases) {
      const { frames, error } = readIn(new FrameReader(masked, 1024), bytes, [bytes.length]);
      assert.equal(error?.code, code, name);
      assert.equal(frames.length, 0, name);
    }
  });

  it('gathers a frame in a buffer that grows with the bytes that came, not with the length announced', () => {
    const before = process.memoryUsage().arrayBuffers;
    const readers = Array.from({ length: 50 }, () => new FrameReader(true, 64 << 20));
    const announced = header(0x80 | BINARY, 0x80 | 127, 0, 0, 0, 0, 0x03, 0xc0, 0, 0); // 60 MiB
    for (const reader of readers) assert.equal(reader.read(Buffer.concat([announced, Buffer.from(MASK), randomBytes(10)]), () => {}), undefined);
    const grewMb = (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
    assert.ok(grewMb < 16, `50 announced 60 MiB frames took ${grewMb.toFixed(1)} MB`);

    // And a frame that trickles in one byte at a time still arrives whole.
    const payload = randomBytes(256 * 1024);
    const frames: Frame[] = [];
    const reader = new FrameReader(true, 1 << 20);
    const bytes = encodeFrame(BINARY, payload, MASK);
    for (let i = 0; i < bytes.length; i++) reader.read(bytes.subarray(i, i + 1), (frame) => frames.push(frame));
    assert.equal(frames.length, 1);
    assert.deepEqual(payloadOf(frames[0]), payload);
  });

  it('hands over a frame that arrived whole in its read without copying it', () => {
    const bytes = encodeFrame(TEXT, Buffer.from('{"a":1}'), MASK);
    let raw: Buffer | undefined;
    new FrameReader(true, 1024).read(bytes, (frame) => (raw = frame.raw));
    assert.equal(raw, bytes);
  });
});

describe('frame payloads', () => {
  it('unmasks payloads of every length modulo 4, small and past the shared buffer', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 6, 7, 1021, 70_001]) {
      const payload = randomBytes(length);
      let frame: Frame | undefined;
      new FrameReader(true, 1 << 20).read(encodeFrame(BINARY, payload, MASK), (f) => (frame = f));
      assert.deepEqual(payloadOf(frame!), payload, `length ${length}`);
    }
  });

  it('unmasks frames one after another into one buffer, each at its place', () => {
    const parts = [randomBytes(3), randomBytes(10), randomBytes(0), randomBytes(7)];
    const frames: Frame[] = [];
    new FrameReader(true, 1024).read(Buffer.concat(parts.map((part) => encodeFrame(BINARY, part, MASK))), (frame) => frames.push(frame));
    const joined = Buffer.alloc(20);
    let at = 0;
    for (const frame of frames) {
      unmaskInto(frame, joined, at);
      at += frame.raw.length - frame.payloadOffset;
    }
    assert.deepEqual(joined, Buffer.concat(parts));
  });

  it('encodes and reads close payloads, refusing malformed ones', () => {
    assert.deepEqual(readClose(closePayload(4000, 'bye'), isUtf8), { code: 4000, reason: 'bye' });
    assert.deepEqual(readClose(closePayload(undefined, 'ignored'), isUtf8), { code: 1005, reason: '' });
    const long = closePayload(1000, 'é'.repeat(100));
    assert.ok(long.length <= 125 && isUtf8(long.subarray(2)), 'the reason is cut on a character boundary');
    assert.equal((readClose(Buffer.from([3]), isUtf8) as { error: FrameError }).error.code, 1002);
    for (const code of [999, 1004, 1005, 1006, 1015, 2999, 5000]) {
      assert.equal((readClose(closePayload(code, ''), isUtf8) as { error: FrameError }).error?.code, 1002, `code ${code}`);
    }
    const badText = Buffer.concat([closePayload(1000, ''), Buffer.from([0xc3, 0x28])]);
    assert.equal((readClose(badText, isUtf8) as { error: FrameError }).error.code, 1007);
    assert.equal(encodeFrame(CLOSE, closePayload(1000, ''))[0], 0x88);
  });
});

describe('MessageAssembler', () => {
  const frameOf = (bytes: Buffer): Frame => {
    let frame: Frame | undefined;
    new FrameReader(true, 1 << 24).read(bytes, (f) => (frame = f));
    return frame!;
  };
  const fragment = (opcode: number, text: string, fin: boolean) => {
    const bytes = encodeFrame(opcode, Buffer.from(text), MASK);
    if (!fin) bytes[0] &= 0x7f;
    return frameOf(bytes);
  };

  it('hands over a message in one frame as it is, and joins fragments unmasked once', () => {
    const assembler = new MessageAssembler(1 << 20);
    const whole = assembler.add(fragment(TEXT, 'whole', true)) as WholeMessage;
    assert.equal(whole.payload.toString(), 'whole');
    assert.equal(whole.frames.length, 1);
    assert.equal(assembler.add(fragment(BINARY, 'ab', false)), undefined);
    assert.equal(assembler.add(fragment(CONTINUATION, '', false)), undefined);
    const joined = assembler.add(fragment(CONTINUATION, 'cde', true)) as WholeMessage;
    assert.equal(joined.payload.toString(), 'abcde');
    assert.equal(joined.opcode, BINARY);
    assert.equal(joined.frames.length, 3);
  });

  it('keeps a fragment that was a small part of its read as a copy, so the read is not held for it', () => {
    const read = Buffer.concat([encodeFrame(TEXT, Buffer.from('ab'), MASK), Buffer.alloc(64 * 1024)]);
    read[0] &= 0x7f; // not final
    let first: Frame | undefined;
    new FrameReader(true, 1 << 20).read(read, (frame) => (first ??= frame));
    assert.equal(first!.raw.buffer.byteLength >= 64 * 1024, true, 'the frame is a view of the whole read');
    const assembler = new MessageAssembler(1 << 20);
    assert.equal(assembler.add(first!), undefined);
    const joined = assembler.add(fragment(CONTINUATION, 'cd', true)) as WholeMessage;
    assert.equal(joined.payload.toString(), 'abcd');
    assert.ok(joined.frames[0].buffer.byteLength < 16 * 1024, `kept ${joined.frames[0].buffer.byteLength} bytes`);
    const whole = Buffer.from(new TextEncoder().encode('a frame that is its whole read').buffer); // its own memory
    assert.equal(keepable(whole), whole, 'a frame that is most of its memory is kept as it is');
  });

  it(`refuses a message in more than ${MAX_FRAGMENTS} fragments, and empty fragments past maxPayload`, () => {
    const many = new MessageAssembler(1 << 24);
    assert.equal(many.add(fragment(TEXT, '', false)), undefined);
    for (let i = 1; i < MAX_FRAGMENTS; i++) assert.equal(many.add(fragment(CONTINUATION, '', false)), undefined);
    assert.deepEqual(many.add(fragment(CONTINUATION, '', true)), { code: 1009, reason: 'Message too big' });

    const small = new MessageAssembler(10 * FRAGMENT_OVERHEAD);
    let result: ReturnType<MessageAssembler['add']>;
    let count = 0;
    do result = small.add(fragment(count++ === 0 ? TEXT : CONTINUATION, '', false));
    while (result === undefined && count < 100);
    assert.deepEqual(result, { code: 1009, reason: 'Message too big' });
    assert.ok(count <= 10, `${count} empty fragments kept`);
  });
});
