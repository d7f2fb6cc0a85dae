import type { MeterLook } from '../pipeline/messages.js';

/** A session that can draw the level meter in its socket worker. */
export interface OffPageMeterSource {
  /** The session the meter would belong to (a new one needs a new canvas), or null. */
  readonly meterSession: object | null;
  /** The session's socket worker runs and has the levels. */
  readonly meterInWorker: boolean;
  /** Hands `canvas` to the session's socket worker, which draws the meter in it from now on. */
  drawMeter(canvas: OffscreenCanvas, width: number, height: number, look: MeterLook): boolean;
  meterLook(look: MeterLook): void;
  meterVisible(visible: boolean): void;
}

// The five bars of the page's own meter: 4 px wide, 3 px apart.
const METER_WIDTH = 5 * 4 + 4 * 3;

/**
 * The visualizer's canvas while a session draws the meter in its worker: created in the visualizer (whose bars
 * then hide), handed over once, told when it cannot be seen and when its look changes; removed when the session
 * ends, so the page's own bars show the idle state again.
 */
export class OffPageMeter {
  private canvas: HTMLCanvasElement | null = null;
  private session: object | null = null;
  private container: HTMLElement | null = null;
  private lastLook = '';
  private lookKey = '';
  private shownVisible = true;

  constructor(private readonly source: OffPageMeterSource) {}

  /**
   * Hands a canvas in `visualizer` to the session if it has none yet (a new session, or a new visualizer), or
   * brings its look up to date when `lookKey` (what it depends on: the host's state, reduced motion) changed.
   * False where the meter cannot be drawn off the page.
   */
  sync(visualizer: HTMLElement, reducedMotion: boolean, lookKey: string): boolean {
    const session = this.source.meterSession;
    if (!session || !this.source.meterInWorker || !canHandOver()) {
      this.detach();
      return false;
    }
    if (this.canvas && session === this.session && visualizer === this.container && this.canvas.isConnected) {
      // Reading the computed colour costs a style recalculation: only when something it depends on changed.
      if (lookKey !== this.lookKey) {
        this.lookKey = lookKey;
        this.updateLook(visualizer, reducedMotion);
      }
      return true;
    }
    this.detach();
    const canvas = document.createElement('canvas');
    visualizer.append(canvas);
    visualizer.classList.add('off-page');
    const look = this.look(visualizer, reducedMotion);
    if (!this.source.drawMeter(canvas.transferControlToOffscreen(), METER_WIDTH, visualizer.clientHeight || 24, look)) {
      canvas.remove();
      visualizer.classList.remove('off-page');
      return false;
    }
    this.canvas = canvas;
    this.session = session;
    this.container = visualizer;
    this.lastLook = JSON.stringify(look);
    this.lookKey = lookKey;
    return true;
  }

  /** Whether the meter can be seen; the worker hears of changes only. */
  visible(visible: boolean): void {
    if (!this.canvas || visible === this.shownVisible) return;
    this.shownVisible = visible;
    this.source.meterVisible(visible);
  }

  /** The session ended (or the host left): back to the page's own bars. */
  detach(): void {
    this.canvas?.remove();
    this.container?.classList.remove('off-page');
    this.canvas = null;
    this.session = null;
    this.container = null;
    this.lastLook = '';
    this.shownVisible = true;
  }

  private updateLook(visualizer: HTMLElement, reducedMotion: boolean): void {
    const look = this.look(visualizer, reducedMotion);
    const key = JSON.stringify(look);
    if (key === this.lastLook) return;
    this.lastLook = key;
    this.source.meterLook(look);
  }

  // The colours are whatever the page's own meter would show: the visitor's bars' background
  // (`--gemini-live-accent`, or the host's styles), and for the model's dots the visualizer's `color`
  // (`--gemini-live-model-meter`), resolved to a colour the canvas understands.
  private look(visualizer: HTMLElement, reducedMotion: boolean): MeterLook {
    const modelColor = getComputedStyle(visualizer).color;
    const bar = visualizer.querySelector('span');
    const color = bar ? getComputedStyle(bar).backgroundColor : modelColor;
    return { color, modelColor, scale: globalThis.devicePixelRatio || 1, reducedMotion };
  }
}

/** A canvas can be handed to a worker (`transferControlToOffscreen`). */
function canHandOver(): boolean {
  return typeof HTMLCanvasElement !== 'undefined' && 'transferControlToOffscreen' in HTMLCanvasElement.prototype;
}
