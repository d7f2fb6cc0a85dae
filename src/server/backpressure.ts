import type { WebSocket } from 'ws';

/** Limits on how much one side may leave unsent on its way to the other. */
export interface FlowLimits {
  /** Bytes waiting to be sent to the sink above which the source stops being read. */
  highWaterMark: number;
  /** Milliseconds the sink may stay above the mark before it is given up on. */
  stallTimeoutMs: number;
}

const POLL_MS = 25;

/**
 * Backpressure for one direction of the relay: when the sink's send buffer passes the high-water mark, the
 * source is paused (TCP then pushes back on its sender) and resumed once the buffer has drained to half the
 * mark. A sink that stays over the mark for `stallTimeoutMs` is reported through `onStall`. `ws` has no drain
 * event, so while paused the buffer is polled.
 */
export class Valve {
  private pausedAt: number | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly source: () => WebSocket | undefined,
    private readonly sink: () => WebSocket | undefined,
    private readonly limits: FlowLimits,
    private readonly onStall: () => void,
  ) {}

  /** Call after each send to the sink. */
  afterSend(): void {
    if (this.pausedAt !== undefined) return;
    const sink = this.sink();
    if (!sink || sink.bufferedAmount <= this.limits.highWaterMark) return;
    this.pausedAt = Date.now();
    this.source()?.pause();
    this.poll = setInterval(() => this.check(), POLL_MS);
    this.poll.unref?.();
  }

  dispose(): void {
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = undefined;
    this.pausedAt = undefined;
  }

  private check(): void {
    const sink = this.sink();
    if (!sink || sink.bufferedAmount <= this.limits.highWaterMark / 2) {
      this.dispose();
      this.source()?.resume();
      return;
    }
    if (Date.now() - (this.pausedAt ?? 0) >= this.limits.stallTimeoutMs) {
      this.dispose();
      this.onStall();
    }
  }
}
