import type { Duplex } from 'node:stream';

/** Limits on how much one side may leave unsent on its way to the other. */
export interface FlowLimits {
  /** Bytes waiting to be sent to the sink above which the source stops being read. */
  highWaterMark: number;
  /** Milliseconds the sink may stay above the mark before it is given up on. */
  stallTimeoutMs: number;
}

/**
 * Backpressure for one direction of the relay: when the sink's socket holds more than the high-water mark
 * unsent, the source is paused (TCP then pushes back on its sender) and resumed once the sink has drained. A
 * sink that does not drain within `stallTimeoutMs` is reported through `onStall`.
 */
export class Valve {
  private sink: Duplex | undefined;
  private stall: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: () => Duplex | undefined,
    private readonly limits: FlowLimits,
    private readonly onStall: () => void,
  ) {}

  /** Call after each write to `sink`. */
  afterWrite(sink: Duplex): void {
    if (this.sink !== undefined || sink.writableLength <= this.limits.highWaterMark) return;
    this.sink = sink;
    this.source()?.pause();
    sink.once('drain', this.resume);
    this.stall = setTimeout(() => {
      this.dispose();
      this.onStall();
    }, this.limits.stallTimeoutMs);
    this.stall.unref?.();
  }

  dispose(): void {
    clearTimeout(this.stall);
    this.sink?.off('drain', this.resume);
    this.sink = undefined;
  }

  private readonly resume = (): void => {
    this.dispose();
    this.source()?.resume();
  };
}
