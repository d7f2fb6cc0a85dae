/**
 * The model's voice, from the socket straight to the playback worklet: the audio parts come out of each server
 * message, are decoded and queued on the worklet's pipeline port, with the turns and flushes that sequence them:
 * a turn is marked at an answer's first audio (so the played time counts from its first sample), and an
 * `interrupted` flushes at once, ahead of any later audio on the same port. Only sockets that still count reach
 * here (the pipeline drops the rest), so a stale message cannot flush or hold current audio. The page hears how
 * much was queued (a few reports a second) and gets the rest of each message.
 */
import { base64ToBytes } from '../audio/base64.js';
import type { PlaybackCommand } from '../audio/worklet-messages.js';
import { isObject, type Json } from '../shared/json.js';
import type { DroppedFrame } from './frames.js';
import type { VoiceQueued } from './messages.js';

// Reports of voice queued are gathered for this long, unless a message goes to the page first.
const REPORT_INTERVAL_MS = 200;

/** Reads the sample rate of `audio/pcm;rate=24000`; the Live API's 24 kHz when absent. */
export function pcmRate(mimeType: string | undefined): number | undefined {
  if (!mimeType || !/^audio\/(pcm|l16)/i.test(mimeType)) return undefined;
  const match = /rate=(\d+)/i.exec(mimeType);
  const rate = match ? Number(match[1]) : 24000;
  return rate >= 8000 && rate <= 192000 ? rate : undefined;
}

/** The PCM16 in one base64 audio part, a stray odd byte dropped; undefined when it is not base64. */
export function decodePcm(base64: string): ArrayBuffer | undefined {
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(base64);
  } catch {
    return undefined;
  }
  const even = bytes.byteLength - (bytes.byteLength % 2);
  return even === bytes.buffer.byteLength && bytes.byteOffset === 0 ? (bytes.buffer as ArrayBuffer) : bytes.slice(0, even).buffer;
}

/** What is left of a server message once its voice is out. */
export interface VoiceTaken {
  /** The message for the page: `text` itself when it had no voice, null when nothing is left. */
  text: string | null;
  /** The turn number of the flush this message caused (it said `interrupted`). */
  flushed?: number;
}

export class ModelVoice {
  private port: MessagePort | null = null;
  private plays = true;
  private seq = 0;
  private turn = 0;
  /** The socket whose answer is playing; -1 while no answer is open. */
  private answering = -1;
  private unreportedId = -1;
  private unreportedMs = 0;
  private reportTimer = 0;

  constructor(
    private readonly report: (id: number, queued: VoiceQueued) => void,
    private readonly dropped: (id: number, frame: DroppedFrame) => void,
  ) {}

  /** Whether the voice is played (not for text answers), and where enqueues and turns are numbered from. */
  configure(plays: boolean, base: number): void {
    this.plays = plays;
    this.seq = base;
    this.turn = base;
  }

  /** The playback worklet's end of its pipeline channel (a new worklet's: the next audio opens a turn there). */
  attach(port: MessagePort): void {
    this.port = port;
    this.answering = -1;
  }

  /** Takes the voice out of one message from socket `id` (which counts) and queues it. */
  take(id: number, message: Json, text: string): VoiceTaken {
    const content = isObject(message.serverContent) ? message.serverContent : undefined;
    if (!content) return { text };
    const changed = this.takeParts(id, content);
    let flushed: number | undefined;
    if (content.interrupted === true && this.plays) flushed = this.flush();
    if (content.turnComplete === true && this.answering === id) this.answering = -1;
    if (!changed) return { text, flushed };
    if (!Object.keys(content).length) delete message.serverContent;
    return { text: Object.keys(message).length ? JSON.stringify(message) : null, flushed };
  }

  /** Socket `id` closed: an answer it was giving is over (the next audio starts a new turn). */
  closed(id: number): void {
    if (this.answering === id) this.answering = -1;
    if (this.unreportedId === id) this.reportNow();
  }

  /**
   * The voice from socket `id` not yet reported, taken to ride on the message about to go to the page (which the
   * page reads first). Voice from another socket is reported on its own first.
   */
  takeUnreported(id: number): VoiceQueued | undefined {
    if (this.unreportedId >= 0 && this.unreportedId !== id) {
      this.reportNow();
      return undefined;
    }
    return this.takeReport()?.queued;
  }

  /** Voice not yet reported goes to the page now. */
  reportNow(): void {
    const report = this.takeReport();
    if (report) this.report(report.id, report.queued);
  }

  // Takes the audio parts out of `content.modelTurn`; true when any was there.
  private takeParts(id: number, content: Json): boolean {
    const turn = isObject(content.modelTurn) ? content.modelTurn : undefined;
    if (!turn || !Array.isArray(turn.parts)) return false;
    let changed = false;
    const kept: unknown[] = [];
    for (const part of turn.parts) {
      const inline = isObject(part) && isObject(part.inlineData) ? part.inlineData : undefined;
      const rate = inline && typeof inline.mimeType === 'string' ? pcmRate(inline.mimeType) : undefined;
      if (!inline || !rate) {
        kept.push(part);
        continue;
      }
      changed = true;
      const data = inline.data;
      const pcm = typeof data === 'string' ? decodePcm(data) : undefined;
      // Audio that cannot be read is dropped alone: the rest of the message (captions, turn ends) still counts.
      if (!pcm) this.dropped(id, { reason: 'unreadable', bytes: typeof data === 'string' ? data.length : 0 });
      else if (pcm.byteLength && this.plays) this.queue(id, pcm, rate);
      const { inlineData: _voice, ...rest } = part as Json;
      if (Object.keys(rest).length) kept.push(rest);
    }
    if (!changed) return false;
    if (kept.length) turn.parts = kept;
    else delete turn.parts;
    if (!Object.keys(turn).length) delete content.modelTurn;
    return true;
  }

  private queue(id: number, pcm: ArrayBuffer, rate: number): void {
    // Voice from another socket is reported before this is counted.
    if (this.unreportedId !== id) this.reportNow();
    const opens = this.answering !== id;
    if (opens) {
      this.answering = id;
      this.post({ type: 'turn', turn: ++this.turn });
    }
    const seq = ++this.seq;
    // Measured before the buffer is transferred: a transferred buffer reads as empty.
    const ms = (pcm.byteLength / 2 / rate) * 1000;
    this.post({ type: 'enqueue', pcm, sampleRate: rate, seq }, [pcm]);
    this.unreportedId = id;
    this.unreportedMs += ms;
    // An answer's first audio is reported at once: the page shows that the model speaks.
    if (opens) this.reportNow();
    else if (!this.reportTimer) this.reportTimer = setTimeout(() => this.reportNow(), REPORT_INTERVAL_MS) as unknown as number;
  }

  private flush(): number {
    this.answering = -1;
    const turn = ++this.turn;
    this.post({ type: 'flush', turn });
    return turn;
  }

  private takeReport(): { id: number; queued: VoiceQueued } | undefined {
    clearTimeout(this.reportTimer);
    this.reportTimer = 0;
    if (this.unreportedId < 0) return undefined;
    const report = { id: this.unreportedId, queued: { ms: this.unreportedMs, seq: this.seq } };
    this.unreportedId = -1;
    this.unreportedMs = 0;
    return report;
  }

  private post(command: PlaybackCommand, transfer: Transferable[] = []): void {
    this.port?.postMessage(command, transfer);
  }
}
