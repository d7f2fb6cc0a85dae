import type { Duplex } from 'node:stream';

/** Limits on how much one side may leave unsent on its way to the other. */
export interface FlowLimits {
  /** Bytes waiting to be sent to the sink above which the source stops being read. */
  highWaterMark: number;
  /** Milliseconds a sink that paused its source may go without taking any data before it is given up on. */
  stallTimeoutMs: number;
}

const POLL_MS = 25;

/**
 * Backpressure for one direction of the relay: when the sink's socket holds more than the high-water mark
 * unsent, the source is paused (TCP then pushes back on its sender) and resumed once the sink has drained to
 * half the mark. A sink that takes nothing for `stallTimeoutMs` meanwhile is reported through `onStall`; one
 * that drains slowly is waited for. While paused, the sink's buffer is polled: its `drain` event comes only once
 * the socket's own buffer, whose size is not the mark, has emptied.
 */
export class Valve {
  private sink: Duplex | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  /** When the sink last took data (or the source was paused), and how much it held then. */
  private progressAt = 0;
  private waitingThen = 0;

  constructor(
    private readonly source: () => Duplex | undefined,
    private readonly limits: FlowLimits,
    private readonly onStall: () => void,
  ) {}

  /** Call after each write to `sink`. */
  afterWrite(sink: Duplex): void {
    if (this.sink !== undefined || sink.writableLength <= this.limits.highWaterMark) return;
    this.sink = sink;
    this.progressAt = Date.now();
    this.waitingThen = sink.writableLength;
    this.source()?.pause();
    this.poll = setInterval(() => this.check(), POLL_MS);
    this.poll.unref?.();
  }

  /** Stops watching; with `resume`, a paused source is read again. */
  dispose(resume = false): void {
    const paused = this.sink !== undefined;
    clearInterval(this.poll);
    this.poll = undefined;
    this.sink = undefined;
    if (paused && resume) this.source()?.resume();
  }

  private check(): void {
    const waiting = this.sink?.writableLength ?? 0;
    if (waiting <= this.limits.highWaterMark / 2) {
      this.dispose(true);
      return;
    }
    const now = Date.now();
    if (waiting < this.waitingThen) this.progressAt = now;
    this.waitingThen = waiting;
    if (now - this.progressAt >= this.limits.stallTimeoutMs) {
      this.dispose();
      this.onStall();
    }
  }
}
