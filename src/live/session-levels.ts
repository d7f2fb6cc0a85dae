import type { AudioEngine } from '../audio/audio-engine.js';
import type { MeterLook } from '../pipeline/messages.js';
import type { PipelineClient } from '../pipeline/pipeline-client.js';

/** A session's levels for the meter: read on the page, or drawn in the socket worker on a canvas handed to it. */
export class SessionLevels {
  constructor(
    private readonly pipeline: () => PipelineClient | undefined,
    private readonly engine: () => AudioEngine | undefined,
    private readonly ended: () => boolean,
  ) {}

  /** The level meter can be drawn in the socket worker ({@link drawMeter}): it runs, and has the levels. */
  get meterInWorker(): boolean {
    return Boolean(this.pipeline()?.inWorker && this.engine() && !this.ended());
  }

  /**
   * Hands `canvas` (`width`×`height` CSS pixels) to the socket worker, which draws the level meter in it from
   * now on. Only while {@link meterInWorker}.
   */
  drawMeter(canvas: OffscreenCanvas, width: number, height: number, look: MeterLook): boolean {
    if (!this.meterInWorker) return false;
    this.pipeline()!.drawMeter(canvas, width, height, look);
    return true;
  }

  meterLook(look: MeterLook): void {
    this.pipeline()?.meterLook(look);
  }

  meterVisible(visible: boolean): void {
    this.pipeline()?.meterVisible(visible);
  }

  /** The microphone's level, 0..1, where the page has it (not while the socket worker draws the meter). */
  get inputLevel(): number {
    return this.pipeline()?.inputLevel ?? 0;
  }

  /** The voice's level, 0..1. */
  get outputLevel(): number {
    const pipeline = this.pipeline();
    return pipeline?.inWorker === false ? pipeline.outputLevel : (this.engine()?.outputLevel ?? 0);
  }
}
