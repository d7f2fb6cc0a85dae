import { CONTINUATION, payloadOf, unmaskInto, type Frame, type FrameError } from './ws-frames.js';

/** A whole data message: its frames as received, and its payload unmasked. */
export interface WholeMessage {
  frames: Buffer[];
  /** Read it at once: for a message in one frame it may be a buffer the next unmasking overwrites. */
  payload: Buffer;
  opcode: number;
}

/** What a kept fragment costs besides its bytes, counted against `maxPayload` so empty fragments are not free. */
export const FRAGMENT_OVERHEAD = 256;
/** Fragments one message may have: browsers send each message whole. */
export const MAX_FRAGMENTS = 1024;

/**
 * A frame to keep beyond the read it came in: a copy when it is under half the memory it is a view of, so that
 * a kept frame costs about what it is counted as (a read's buffer holds up to 64 KiB, whatever else it carried).
 */
export function keepable(raw: Buffer): Buffer {
  return raw.byteLength * 2 < raw.buffer.byteLength ? Buffer.from(raw) : raw;
}

/** What keeping a frame counts against `maxPayload`: its bytes and {@link FRAGMENT_OVERHEAD}. */
export function keptCost(raw: Buffer): number {
  return raw.length + FRAGMENT_OVERHEAD;
}

/**
 * Joins data frames into whole messages, so that a message is checked whole however it was fragmented: one
 * that starts inside another, or a continuation of nothing, breaks the protocol (1002), and one larger than
 * `maxPayload` over its fragments (each also counted {@link FRAGMENT_OVERHEAD}), or in more than
 * {@link MAX_FRAGMENTS}, is too big (1009). A message in one frame, nearly every one, is not copied; the
 * fragments of another are kept as they came and unmasked once, when the last arrives.
 */
export class MessageAssembler {
  private fragments: { opcode: number; frames: Frame[]; payloadBytes: number; cost: number } | undefined;

  constructor(private readonly maxPayload: number) {}

  /** Takes a data frame: the message once it is whole, `undefined` before, or the violation. */
  add(frame: Frame): WholeMessage | FrameError | undefined {
    const { opcode } = frame;
    if ((opcode === CONTINUATION) !== (this.fragments !== undefined)) {
      return { code: 1002, reason: 'Unexpected continuation frame' };
    }
    if (frame.fin && opcode !== CONTINUATION) return { frames: [frame.raw], payload: payloadOf(frame), opcode };
    const fragments = (this.fragments ??= { opcode, frames: [], payloadBytes: 0, cost: 0 });
    fragments.frames.push({ ...frame, raw: keepable(frame.raw) });
    fragments.payloadBytes += frame.raw.length - frame.payloadOffset;
    fragments.cost += keptCost(frame.raw);
    if (fragments.cost > this.maxPayload || fragments.frames.length > MAX_FRAGMENTS) {
      this.fragments = undefined;
      return { code: 1009, reason: 'Message too big' };
    }
    if (!frame.fin) return undefined;
    this.fragments = undefined;
    const payload = Buffer.allocUnsafe(fragments.payloadBytes);
    let at = 0;
    for (const part of fragments.frames) {
      unmaskInto(part, payload, at);
      at += part.raw.length - part.payloadOffset;
    }
    return { frames: fragments.frames.map((part) => part.raw), payload, opcode: fragments.opcode };
  }
}
