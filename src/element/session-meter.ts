import type { LiveSession } from '../live/live-session.js';
import type { MeterLook } from '../pipeline/messages.js';
import type { OffPageMeterSource } from './off-page-meter.js';

/** The running session's side of the level meter: its levels, and a canvas to draw in its socket worker. */
export class SessionMeter implements OffPageMeterSource {
  constructor(private readonly session: () => LiveSession | null) {}

  get inputLevel(): number {
    return this.session()?.meter.inputLevel ?? 0;
  }

  get outputLevel(): number {
    return this.session()?.meter.outputLevel ?? 0;
  }

  /** The session a meter canvas would belong to (see `OffPageMeterSource`). */
  get meterSession(): object | null {
    return this.session();
  }

  get meterInWorker(): boolean {
    return this.session()?.meter.meterInWorker ?? false;
  }

  drawMeter(canvas: OffscreenCanvas, width: number, height: number, look: MeterLook): boolean {
    return this.session()?.meter.drawMeter(canvas, width, height, look) ?? false;
  }

  meterLook(look: MeterLook): void {
    this.session()?.meter.meterLook(look);
  }

  meterVisible(visible: boolean): void {
    this.session()?.meter.meterVisible(visible);
  }
}
