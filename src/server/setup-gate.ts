import { isObject } from '../shared/json.js';

/** A close the proxy answers a client frame with. */
export interface Refusal {
  code: 1007 | 1008 | 1009;
  reason: string;
}

/** The outcome of looking at one client frame. */
export type GateDecision =
  /** Forward the frame as received. */
  | { kind: 'forward' }
  /** The session's setup: forward this message (re-serialised) instead of the frame. */
  | { kind: 'setup'; message: { setup: Record<string, unknown> }; modelId: string }
  | { kind: 'refuse'; refusal: Refusal };

/** Model ids a browser may name: `models/<id>` or a bare id, never a resource path or anything to escape. */
const SAFE_MODEL = /^(?:models\/)?([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;

/** The bytes any spelling of a `setup` key needs one of (see {@link cannotNameSetup}). */
const SETUP_BYTES = Buffer.from('setup', 'latin1');
const BACKSLASH = 0x5c;
/**
 * JSON in UTF-16 or UTF-32 without a byte order mark is valid UTF-8 too when its characters are ASCII (each
 * padded with NULs), and a reader that guesses the encoding from the NULs would read a key the byte search
 * cannot see. A raw NUL is never valid in JSON, so a frame with one is parsed, and refused.
 */
const NUL = 0x00;
/**
 * The largest setup accepted, in bytes: real ones are kilobytes (a long system instruction, some tools), and a
 * parsed setup is held until the upstream opens, at up to about 14 times its size in the heap.
 */
export const MAX_SETUP_BYTES = 2 * 1024 * 1024;
/** One shared answer for the frames that go on as they are: most of them, dozens a second per session. */
const FORWARD: GateDecision = Object.freeze({ kind: 'forward' });

/**
 * Checks every frame a browser sends before it goes upstream, so that the model the proxy forces cannot be
 * dodged: the first frame must be a `setup`, a later `setup` is refused, and without a forced model the browser
 * may only name a plain model id.
 *
 * Frames are read with `JSON.parse`, which keeps the last of duplicate keys, as protobuf's JSON parsers do, and
 * the setup goes upstream re-serialised from what was parsed: upstream never sees a duplicate key, an escaped
 * key or any other spelling the two parsers could read differently.
 *
 * After the setup, most frames are audio and are not parsed at all (see {@link cannotNameSetup}): only a frame
 * that could spell a `setup` key is, and is refused if it is not JSON; any other frame goes on as it is, and
 * upstream refuses one that is not JSON itself. Frames that are not valid UTF-8 are refused from the start (JSON
 * is UTF-8, and a text frame must be), so that no decoder can read a key into bytes the gate did not see. The
 * gate sees whole messages: a fragmented one is joined first.
 */
export class SetupGate {
  private setupSeen = false;

  /**
   * @param isUtf8 Node's `buffer.isUtf8`, which the proxy loads on demand (this module imports nothing
   *   Node-specific, as the server's entry must load on Fetch-API runtimes).
   */
  constructor(
    private readonly forcedModel: string | undefined,
    private readonly isUtf8: (data: Uint8Array) => boolean,
  ) {}

  inspect(data: Buffer): GateDecision {
    if (!this.setupSeen && data.length > MAX_SETUP_BYTES) return refuse(1009, 'The setup is too large');
    if (!this.isUtf8(data)) return this.notJson();
    if (this.setupSeen && cannotNameSetup(data)) return FORWARD;
    let message: unknown;
    try {
      // A byte order mark stays in the text (JSON does not allow one), as Buffer's decoder keeps it.
      message = JSON.parse(data.toString('utf8'));
    } catch {
      return this.notJson();
    }
    const hasSetup = isObject(message) && Object.prototype.hasOwnProperty.call(message, 'setup');
    if (this.setupSeen) {
      return hasSetup ? refuse(1008, 'Only one setup is allowed per session') : FORWARD;
    }
    const setup = hasSetup ? (message as { setup: unknown }).setup : undefined;
    if (!isObject(setup)) {
      return refuse(1007, 'The first message must be a setup');
    }
    this.setupSeen = true;
    const modelId = this.modelFor(setup.model);
    if (!modelId) return refuse(1008, 'Model not allowed: name it as models/<id>');
    try {
      // JSON.parse reads nesting of any depth; JSON.stringify, which re-serialises the setup, runs out of stack.
      JSON.stringify(setup);
    } catch {
      return refuse(1007, 'The setup is nested too deeply');
    }
    // Only the setup goes on: a client message carries exactly one of setup, clientContent, … upstream.
    return { kind: 'setup', message: { setup: { ...setup } }, modelId };
  }

  private notJson(): GateDecision {
    return refuse(1007, this.setupSeen ? 'Messages must be JSON' : 'The first message must be a setup');
  }

  private modelFor(requested: unknown): string | undefined {
    if (this.forcedModel) return this.forcedModel;
    if (typeof requested !== 'string') return undefined;
    return SAFE_MODEL.exec(requested)?.[1];
  }
}

/**
 * True when `data` (valid UTF-8) cannot carry a `setup` key, for any JSON reader: the key is either written out,
 * and then the text contains `setup`, or has an escaped letter, and every escape (JSON's `\u0073`, the `\x73` or
 * octal forms of laxer readers) starts with a backslash. Valid UTF-8 decodes one way only, and its ASCII bytes
 * stand only for ASCII characters, so the bytes are searched as they are, and upstream reads the same
 * characters; a NUL sends the frame to the parser (see {@link NUL}). Three native scans of the bytes, against
 * decoding and a full `JSON.parse` of every audio chunk.
 */
function cannotNameSetup(data: Buffer): boolean {
  return data.indexOf(NUL) === -1 && data.indexOf(BACKSLASH) === -1 && data.indexOf(SETUP_BYTES) === -1;
}

function refuse(code: Refusal['code'], reason: string): GateDecision {
  return { kind: 'refuse', refusal: { code, reason } };
}
