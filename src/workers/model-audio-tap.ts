/**
 * The model's voice, from the socket straight to the playback worklet: the socket worker takes the audio parts
 * out of each server message, decodes them and queues them on the worklet's port; the page hears only how much
 * arrived (a few notices a second) and the rest of each message. The page still numbers the turns and flushes
 * on an interruption, through this same port, so the worklet sees every command in the order of the stream:
 * - after `interrupted`, audio waits until the page's `flush` has gone by (else the next answer's first words
 *   could be flushed with the interrupted one);
 * - after `turnComplete` or `interrupted`, a new answer's audio waits for the page's `turn` (so the played time
 *   counts from its first sample). Both waits last one trip to the page, and at most {@link HOLD_LIMIT_MS}.
 */
import { base64ToBytes } from '../audio/base64.js';
import { pcmRate } from '../live/server-message.js';
import type { PlaybackCommand } from '../worklets/messages.js';

// A page that does not answer (it does at once, unless its main thread is blocked, or the message came from a
// connection it no longer reads) does not keep the voice waiting longer than this.
export const HOLD_LIMIT_MS = 2000;
// Notices of audio that arrived are gathered for this long, unless another message goes to the page first.
const NOTICE_INTERVAL_MS = 200;
// The worklet's `drained` names the last enqueue it had; the tap's enqueues are numbered apart from the page's.
export const TAP_SEQ_BASE = 1_000_000_000;

/** What the page hears of the audio taken from socket `id`: `ms` of it, the last as enqueue `seq`. */
export type AudioNotice = (id: number, ms: number, seq: number) => void;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export class ModelAudioTap {
  private port: MessagePort | null = null;
  private enabled = false;
  private awaitingFlush = false;
  private awaitingTurn = true;
  private held: Array<{ pcm: ArrayBuffer; rate: number; seq: number }> = [];
  private holdTimer = 0;
  private seq = TAP_SEQ_BASE;
  private noticeId = -1;
  private noticeMs = 0;
  private noticeTimer = 0;

  constructor(private readonly notify: AudioNotice) {}

  /** The playback worklet's port (levels come out of it, commands go in). */
  attach(port: MessagePort): void {
    this.port = port;
  }

  /** Whether audio is taken here (the page plays the voice, and the worklet's port is attached). */
  enable(enabled: boolean): void {
    this.enabled = enabled;
    if (enabled) return;
    this.sendNotice();
    this.release();
  }

  get active(): boolean {
    return this.enabled && this.port !== null;
  }

  /** A command of the page's `PlaybackQueue`, passed on in order with the audio queued here. */
  command(command: PlaybackCommand, transfer: Transferable[]): void {
    this.port?.postMessage(command, transfer);
    if (command.type === 'flush') this.awaitingFlush = false;
    // A `turn` sent before the page saw the interruption is for the interrupted answer, not the next one.
    if (command.type === 'turn' && !this.awaitingFlush) this.awaitingTurn = false;
    if (!this.awaitingFlush && !this.awaitingTurn) this.release();
  }

  /**
   * Takes the audio out of one server message from socket `id` and queues it. Returns what the page should
   * still see: the message without its audio (`text` itself when it had none), or null when nothing is left.
   */
  take(id: number, message: Json, text: string): string | null {
    if (!this.active) return text;
    const content = isObject(message.serverContent) ? message.serverContent : undefined;
    const turn = content && isObject(content.modelTurn) ? content.modelTurn : undefined;
    let took = false;
    if (turn && Array.isArray(turn.parts)) {
      const kept: unknown[] = [];
      for (const part of turn.parts) {
        const inline = isObject(part) && isObject(part.inlineData) ? part.inlineData : undefined;
        const rate = inline && typeof inline.mimeType === 'string' ? pcmRate(inline.mimeType) : undefined;
        if (!isObject(part) || !inline || !rate || typeof inline.data !== 'string') {
          kept.push(part);
          continue;
        }
        // Audio that cannot be read stays in the message, for the page to report.
        if (!this.audio(id, inline.data, rate)) {
          kept.push(part);
          continue;
        }
        took = true;
        const { inlineData: _audio, ...rest } = part;
        if (Object.keys(rest).length) kept.push(rest);
      }
      if (took) {
        if (kept.length) turn.parts = kept;
        else delete turn.parts;
        if (!Object.keys(turn).length) delete content!.modelTurn;
      }
    }
    if (content && (content.interrupted === true || content.turnComplete === true)) {
      if (content.interrupted === true) this.awaitingFlush = true;
      this.awaitingTurn = true;
    }
    if (took && content && !Object.keys(content).length) delete message.serverContent;
    if (took && !Object.keys(message).length) return null;
    return took ? JSON.stringify(message) : text;
  }

  /**
   * The audio from socket `id` not yet noticed, taken to ride on the message about to go to the page (which the
   * page reads after it). Audio from another socket is noticed on its own first.
   */
  takeNotice(id: number): { ms: number; seq: number } | undefined {
    if (this.noticeId >= 0 && this.noticeId !== id) {
      this.sendNotice();
      return undefined;
    }
    const notice = this.takePending();
    return notice && { ms: notice.ms, seq: notice.seq };
  }

  /** Audio still to be noticed goes to the page now. */
  sendNotice(): void {
    const notice = this.takePending();
    if (notice) this.notify(notice.id, notice.ms, notice.seq);
  }

  /** The audio not yet noticed (from socket `id`, `ms` of it, the last as `seq`), which is noticed from here on. */
  private takePending(): { id: number; ms: number; seq: number } | undefined {
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = 0;
    if (this.noticeId < 0) return undefined;
    const notice = { id: this.noticeId, ms: this.noticeMs, seq: this.seq };
    this.noticeId = -1;
    this.noticeMs = 0;
    return notice;
  }

  private audio(id: number, base64: string, rate: number): boolean {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(base64);
    } catch {
      return false;
    }
    // A stray odd byte is dropped, as on the page.
    const even = bytes.byteLength - (bytes.byteLength % 2);
    if (!even) return false;
    const pcm = even === bytes.buffer.byteLength && bytes.byteOffset === 0 ? (bytes.buffer as ArrayBuffer) : bytes.slice(0, even).buffer;
    // Numbered as it arrives, so that the page's notice names the last of it even while it waits here.
    const seq = ++this.seq;
    const waiting = this.awaitingFlush || this.awaitingTurn;
    if (waiting) this.hold(pcm, rate, seq);
    else this.enqueue(pcm, rate, seq);
    if (this.noticeId !== id) this.sendNotice();
    this.noticeId = id;
    this.noticeMs += (even / 2 / rate) * 1000;
    // Audio that waits for the page is noticed at once: the page opens the turn (and sends `turn`).
    if (waiting) this.sendNotice();
    else if (!this.noticeTimer) this.noticeTimer = setTimeout(() => this.sendNotice(), NOTICE_INTERVAL_MS) as unknown as number;
    return true;
  }

  private enqueue(pcm: ArrayBuffer, rate: number, seq: number): void {
    this.port?.postMessage({ type: 'enqueue', pcm, sampleRate: rate, seq } satisfies PlaybackCommand, [pcm]);
  }

  private hold(pcm: ArrayBuffer, rate: number, seq: number): void {
    this.held.push({ pcm, rate, seq });
    if (!this.holdTimer) {
      this.holdTimer = setTimeout(() => {
        this.awaitingFlush = false;
        this.awaitingTurn = false;
        this.release();
      }, HOLD_LIMIT_MS) as unknown as number;
    }
  }

  private release(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = 0;
    const held = this.held;
    this.held = [];
    for (const { pcm, rate, seq } of held) this.enqueue(pcm, rate, seq);
  }
}
