import { CONTINUATION, ownPayload, payloadOf, type Frame, type FrameError } from './ws-frames.js';

/** A whole data message: its frames as received, and its payload unmasked. */
export interface WholeMessage {
  frames: Buffer[];
  /** Read it at once: for a message in one frame it may be a buffer the next unmasking overwrites. */
  payload: Buffer;
  opcode: number;
}

/**
 * Joins data frames into whole messages, so that a message is checked whole however it was fragmented: one
 * that starts inside another, or a continuation of nothing, breaks the protocol (1002), and one larger than
 * `maxPayload` over its fragments is too big (1009). A message in one frame, nearly every one, is not copied.
 */
export class MessageAssembler {
  private fragments: { opcode: number; frames: Buffer[]; payloads: Buffer[]; bytes: number } | undefined;

  constructor(private readonly maxPayload: number) {}

  /** Takes a data frame: the message once it is whole, `undefined` before, or the violation. */
  add(frame: Frame): WholeMessage | FrameError | undefined {
    const { opcode } = frame;
    if ((opcode === CONTINUATION) !== (this.fragments !== undefined)) {
      return { code: 1002, reason: 'Unexpected continuation frame' };
    }
    if (frame.fin && opcode !== CONTINUATION) return { frames: [frame.raw], payload: payloadOf(frame), opcode };
    const fragments = (this.fragments ??= { opcode, frames: [], payloads: [], bytes: 0 });
    const payload = ownPayload(frame);
    fragments.frames.push(frame.raw);
    fragments.payloads.push(payload);
    fragments.bytes += payload.length;
    if (fragments.bytes > this.maxPayload) return { code: 1009, reason: 'Message too big' };
    if (!frame.fin) return undefined;
    this.fragments = undefined;
    return { frames: fragments.frames, payload: Buffer.concat(fragments.payloads, fragments.bytes), opcode: fragments.opcode };
  }
}
