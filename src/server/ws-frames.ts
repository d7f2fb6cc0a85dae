// WebSocket frames (RFC 6455 §5) as the Vertex proxy reads and writes them: it relays frames as they arrived,
// so it reads their headers, unmasks only what it must inspect, and encodes only the frames it writes itself.

export const CONTINUATION = 0x0;
export const TEXT = 0x1;
export const BINARY = 0x2;
export const CLOSE = 0x8;
export const PING = 0x9;
export const PONG = 0xa;

/** One frame as received. */
export interface Frame {
  fin: boolean;
  opcode: number;
  /** The whole frame, header and payload, exactly as received (masked, when it came from a browser). */
  raw: Buffer;
  /** Where the payload starts in `raw`. */
  payloadOffset: number;
  /** Where the masking key starts in `raw`, or -1 for an unmasked frame. */
  maskOffset: number;
}

/** A violation of the protocol, with the close code it calls for. */
export interface FrameError {
  code: 1002 | 1007 | 1009;
  reason: string;
}

/**
 * Splits a byte stream into whole frames, checking each header: reserved bits clear (no extension is ever
 * negotiated), a known opcode, control frames unfragmented and short, masked exactly when `masked` says, lengths
 * in their shortest form, and a payload no larger than `maxPayload`. A frame split across reads is gathered until
 * it is whole, so frames are only ever forwarded whole; the buffer it gathers in grows as its bytes arrive, not
 * to the length its header announces.
 */
export class FrameReader {
  /** The start of a frame still incomplete, copied out of the reads it came in. */
  private pending: Buffer | undefined;
  private pendingLength = 0;
  /** Bytes the pending frame must reach before anything more can be read from it. */
  private needed = 2;

  constructor(
    private readonly masked: boolean,
    private readonly maxPayload: number,
  ) {}

  /** Reads `chunk`, handing each whole frame to `onFrame` in order; returns the first violation found. */
  read(chunk: Buffer, onFrame: (frame: Frame) => void): FrameError | undefined {
    let data = chunk;
    if (this.pending) {
      const room = this.needed - this.pendingLength;
      if (chunk.length < room) {
        this.append(chunk);
        return undefined;
      }
      this.append(chunk.subarray(0, room));
      const gathered = this.pending.subarray(0, this.pendingLength);
      this.pending = undefined;
      this.pendingLength = 0;
      data = room === chunk.length ? gathered : Buffer.concat([gathered, chunk.subarray(room)]);
    }
    const end = data.length;
    let offset = 0;
    this.needed = 2;
    while (end - offset >= 2) {
      const first = data[offset];
      const second = data[offset + 1];
      const fin = (first & 0x80) !== 0;
      const opcode = first & 0x0f;
      if ((first & 0x70) !== 0) return violation(1002, 'Reserved bits must be clear');
      const control = opcode >= CLOSE;
      if (control ? opcode > PONG : opcode > BINARY) return violation(1002, 'Unknown opcode');
      if ((second & 0x80) !== 0 !== this.masked) {
        return violation(1002, this.masked ? 'Frames must be masked' : 'Frames must not be masked');
      }
      let length = second & 0x7f;
      if (control && (!fin || length > 125)) return violation(1002, 'Control frames must be whole and short');
      let header = 2;
      if (length >= 126) {
        header = length === 126 ? 4 : 10;
        if (end - offset < header) {
          this.needed = header;
          break;
        }
        if (length === 126) length = data.readUInt16BE(offset + 2);
        else if (data.readUInt32BE(offset + 2) !== 0) return violation(1009, 'Message too big');
        else length = data.readUInt32BE(offset + 6);
        if (length < (header === 4 ? 126 : 0x10000)) return violation(1002, 'Lengths must be in their shortest form');
      }
      if (length > this.maxPayload) return violation(1009, 'Message too big');
      const maskOffset = this.masked ? header : -1;
      if (this.masked) header += 4;
      const total = header + length;
      if (end - offset < total) {
        this.needed = total;
        break;
      }
      // Most reads hold exactly one frame: that needs no view of its own.
      const raw = offset === 0 && total === end ? data : data.subarray(offset, offset + total);
      onFrame({ fin, opcode, raw, payloadOffset: header, maskOffset });
      offset += total;
    }
    if (offset < end) this.append(data.subarray(offset));
    return undefined;
  }

  /** Adds bytes to the pending frame, at most doubling the buffer each time it grows. */
  private append(bytes: Buffer): void {
    const length = this.pendingLength + bytes.length;
    if (!this.pending || length > this.pending.length) {
      const capacity = Math.min(this.needed, Math.max(length, 2 * (this.pending?.length ?? 0), 4096));
      const grown = Buffer.allocUnsafe(capacity);
      if (this.pending) this.pending.copy(grown, 0, 0, this.pendingLength);
      this.pending = grown;
    }
    bytes.copy(this.pending, this.pendingLength);
    this.pendingLength = length;
  }
}

/** Payloads up to this size are unmasked into one buffer shared by every reader, which each use reads at once. */
const SHARED_BYTES = 64 * 1024;
let shared: Buffer | undefined;
/** The shared buffer as 32-bit words, to unmask four bytes at a time. */
let sharedWords: Uint32Array | undefined;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * A frame's payload, unmasked. For a masked frame of up to 64 KiB this is a view of a shared buffer that the
 * next call overwrites: read it at once, or copy it.
 */
export function payloadOf(frame: Frame): Buffer {
  const { raw, payloadOffset, maskOffset } = frame;
  if (maskOffset < 0) return raw.subarray(payloadOffset);
  const length = raw.length - payloadOffset;
  if (length > SHARED_BYTES) {
    const own = Buffer.allocUnsafe(length);
    unmaskInto(frame, own, 0);
    return own;
  }
  if (!shared || !sharedWords) {
    const memory = new ArrayBuffer(SHARED_BYTES);
    shared = Buffer.from(memory);
    sharedWords = new Uint32Array(memory);
  }
  // Copied as it is, then unmasked a word at a time: the payload starts at the buffer's (aligned) start, so each
  // word takes the four key bytes in order. Bytes past the payload in its last word are scratch.
  raw.copy(shared, 0, payloadOffset);
  const m0 = raw[maskOffset];
  const m1 = raw[maskOffset + 1];
  const m2 = raw[maskOffset + 2];
  const m3 = raw[maskOffset + 3];
  const key = (LITTLE_ENDIAN ? m0 | (m1 << 8) | (m2 << 16) | (m3 << 24) : (m0 << 24) | (m1 << 16) | (m2 << 8) | m3) >>> 0;
  const words = sharedWords;
  for (let w = 0, end = (length + 3) >>> 2; w < end; w++) words[w] ^= key;
  return shared.subarray(0, length);
}

/** Writes a frame's payload, unmasked, into `target` at `at`. */
export function unmaskInto(frame: Frame, target: Buffer, at: number): void {
  const { raw, payloadOffset, maskOffset } = frame;
  const length = raw.length - payloadOffset;
  if (maskOffset < 0) {
    raw.copy(target, at, payloadOffset);
    return;
  }
  const m0 = raw[maskOffset];
  const m1 = raw[maskOffset + 1];
  const m2 = raw[maskOffset + 2];
  const m3 = raw[maskOffset + 3];
  let i = 0;
  let from = payloadOffset;
  let to = at;
  for (const whole = length & ~3; i < whole; i += 4, from += 4, to += 4) {
    target[to] = raw[from] ^ m0;
    target[to + 1] = raw[from + 1] ^ m1;
    target[to + 2] = raw[from + 2] ^ m2;
    target[to + 3] = raw[from + 3] ^ m3;
  }
  for (; i < length; i++) target[to++] = raw[from++] ^ raw[maskOffset + (i & 3)];
}

/** Encodes one whole frame; with a 4-byte `mask`, masked, as frames from a client must be. */
export function encodeFrame(opcode: number, payload: Uint8Array, mask?: Uint8Array): Buffer {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const header = 2 + extended + (mask ? 4 : 0);
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x80 | opcode;
  frame[1] = (mask ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) frame.writeUInt16BE(length, 2);
  else if (extended === 8) {
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  if (!mask) {
    frame.set(payload, header);
    return frame;
  }
  frame.set(mask, header - 4);
  for (let i = 0; i < length; i++) frame[header + i] = payload[i] ^ mask[i & 3];
  return frame;
}

/** A close frame's payload: nothing without a code, else the code and the reason cut to fit. */
export function closePayload(code: number | undefined, reason: string): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const text = Buffer.from(truncateReason(reason), 'utf8');
  const payload = Buffer.allocUnsafe(2 + text.length);
  payload.writeUInt16BE(code, 0);
  payload.set(text, 2);
  return payload;
}

/** Reads a received close frame's payload: 1005 when it has no code. */
export function readClose(
  payload: Buffer,
  isUtf8: (data: Uint8Array) => boolean,
): { code: number; reason: string } | { error: FrameError } {
  if (payload.length === 0) return { code: 1005, reason: '' };
  if (payload.length === 1) return { error: violation(1002, 'Invalid close frame') };
  const code = payload.readUInt16BE(0);
  if (code === 1005 || closeToRelay(code).kind !== 'code') return { error: violation(1002, 'Invalid close code') };
  const reason = payload.subarray(2);
  if (!isUtf8(reason)) return { error: violation(1007, 'Invalid UTF-8 in the close reason') };
  return { code, reason: reason.toString('utf8') };
}

/** How a close received on one side is passed to the other. */
export type CloseToRelay =
  /** The peer sent no status code (1005): close without one. */
  | { kind: 'no-status' }
  /** The code can be sent on as it is. */
  | { kind: 'code'; code: number }
  /** The code may not appear in a close frame (1006 abnormal closure, 1015, reserved ranges). */
  | { kind: 'unsendable' };

/** Decides how a received close code can be relayed. */
export function closeToRelay(code: number): CloseToRelay {
  if (code === 1005) return { kind: 'no-status' };
  const sendable = (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1006) || (code >= 3000 && code <= 4999);
  return sendable ? { kind: 'code', code } : { kind: 'unsendable' };
}

/** Close reasons are limited to 123 bytes of UTF-8; cut on a character boundary. */
export function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.byteLength <= 123) return reason;
  let end = 123;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

function violation(code: FrameError['code'], reason: string): FrameError {
  return { code, reason };
}
