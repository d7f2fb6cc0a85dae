import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MeterSides, meterLevel, type MeterSide } from '../pipeline/meter-painter.js';
import { OffPageMeter, type OffPageMeterSource } from './off-page-meter.js';

type Host = ReactiveControllerHost & HTMLElement;

/** Where the levels come from: the session's microphone and voice meters. */
export interface LevelSource {
  readonly active: boolean;
  readonly inputLevel: number;
  readonly outputLevel: number;
}

// The meters report 20 times a second; the bars' CSS transition eases between writes on the compositor. Reduced
// motion fades instead of moving, and slowly, so it needs even fewer writes.
const INTERVAL_MS = 80;
const REDUCED_MOTION_INTERVAL_MS = 200;
// Changes smaller than this are not worth a style recalculation.
const STEP = 0.02;

/**
 * The level animation: while a session is active and the visualizer is on screen, a few times a second the level
 * of the side it shows (the model's voice while audible, else the visitor's microphone) is written into
 * `--gemini-live-level` on the visualizer, if it changed enough to see, and the side into its `data-side`
 * (`user` or `model`), if it changed, so the meter moves without re-rendering the element. Nothing runs while the
 * visualizer is hidden or scrolled away. Where the session's socket worker can draw the meter, it gets a canvas in
 * the visualizer instead, and nothing here runs per level at all.
 */
export class LevelAnimationController implements ReactiveController {
  private timer: ReturnType<typeof setInterval> | 0 = 0;
  private written = -1;
  private writtenSide: MeterSide | null = null;
  private readonly sides = new MeterSides();
  private visible = true;
  private observed: Element | null = null;
  private observer: IntersectionObserver | null = null;
  private readonly reducedMotion =
    typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
  private readonly offPage: OffPageMeter | null;

  constructor(
    private readonly host: Host,
    private readonly source: LevelSource,
    private readonly visualizer: () => HTMLElement | null | undefined,
    /** The session, where it can draw the meter in its worker (a canvas is handed to it then). */
    meter?: OffPageMeterSource,
  ) {
    host.addController(this);
    this.offPage = meter ? new OffPageMeter(meter) : null;
  }

  /** The level is being sampled. */
  get running(): boolean {
    return this.timer !== 0;
  }

  hostUpdated(): void {
    this.observe(this.visualizer() ?? null);
    this.sync();
  }

  hostDisconnected(): void {
    this.stop();
    this.offPage?.detach();
    this.observer?.disconnect();
    this.observed = null;
  }

  private sync(): void {
    const active = this.source.active && this.host.isConnected;
    const visualizer = this.visualizer();
    if (active && visualizer && this.offPage) {
      // The canvas reads the visitor's colour from the bars: they show the visitor's side.
      this.writeSide(null);
      const reduced = this.reducedMotion?.matches ?? false;
      if (this.offPage.sync(visualizer, reduced, `${this.host.getAttribute('state')} ${reduced}`)) {
        this.stop();
        this.offPage.visible(this.visible);
        return;
      }
    }
    if (!active) this.offPage?.detach();
    if (active && this.visible) {
      if (!this.timer) {
        this.timer = setInterval(this.tick, this.reducedMotion?.matches ? REDUCED_MOTION_INTERVAL_MS : INTERVAL_MS);
        this.tick();
      }
      return;
    }
    this.stop();
    if (!active) {
      this.write(0);
      this.writeSide(null);
      this.sides.reset();
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = 0;
  }

  private readonly tick = () => {
    const { inputLevel, outputLevel } = this.source;
    const side = this.sides.update(outputLevel, performance.now());
    this.writeSide(side);
    const level = meterLevel(inputLevel, outputLevel, side);
    if (Math.abs(level - this.written) >= STEP || (level === 0 && this.written !== 0)) this.write(level);
  };

  private write(level: number): void {
    if (level === this.written) return;
    const target = this.visualizer();
    if (!target) return;
    target.style.setProperty('--gemini-live-level', level ? level.toFixed(3) : '0');
    this.written = level;
  }

  // The side as the bars' shape and colour (see visualizer.ts); none while idle, which looks like the visitor's.
  private writeSide(side: MeterSide | null): void {
    if (side === this.writtenSide) return;
    const target = this.visualizer();
    if (!target) return;
    if (side) target.dataset.side = side;
    else delete target.dataset.side;
    this.writtenSide = side;
  }

  // Whether the visualizer can be seen: hidden (`display: none`) or scrolled away, the meter stops.
  private observe(target: Element | null): void {
    if (target === this.observed || typeof IntersectionObserver !== 'function') return;
    this.observer ??= new IntersectionObserver((entries) => {
      this.visible = entries[entries.length - 1].isIntersecting;
      this.sync();
    });
    if (this.observed) this.observer.unobserve(this.observed);
    this.observed = target;
    if (target) this.observer.observe(target);
  }
}
