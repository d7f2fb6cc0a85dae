/**
 * The level meter drawn in the socket worker on a canvas the page handed over: five bars that grow with the
 * louder of the microphone and the model's voice, easing towards each new level over 100 ms as the CSS
 * transition of the page's own bars does (with reduced motion they fade instead, over 200 ms). Frames are drawn
 * only while the level moves, and not at all while the meter cannot be seen; none of it touches the page's
 * main thread.
 */
import type { MeterLook } from './messages.js';

// Relative heights of the five bars, as the page's `bar-short`, `bar-tall` and `bar-mid` classes.
const BARS = [0.6, 1, 0.8, 1, 0.6];
const BAR_WIDTH = 4;
const BAR_GAP = 3;
const REST = 0.15;
// Changes smaller than this are not worth a frame.
const STEP = 0.02;
// Each frame the canvas shows costs the page's main thread a small task (the browser hands the image to the
// canvas element there): 25 frames a second move the bars smoothly enough, and 10 fade them.
const FRAME_MS = 40;
const REDUCED_MOTION_FRAME_MS = 100;

type FrameScheduler = (draw: () => void) => void;

const nextFrame: FrameScheduler =
  typeof requestAnimationFrame === 'function'
    ? (draw) => requestAnimationFrame(draw)
    : (draw) => setTimeout(draw, 16);

/** The meter's level from its two sources' RMS levels, 0..1. */
export function meterLevel(input: number, output: number): number {
  return Math.min(1, Math.max(input, output) * 3);
}

export class MeterPainter {
  private readonly context: OffscreenCanvasRenderingContext2D | null;
  private look: MeterLook;
  private visible = true;
  private from = 0;
  private to = 0;
  private startedAt = 0;
  private shown = -1;
  private scheduled = false;
  private paintedAt = Number.NEGATIVE_INFINITY;
  /** Frames drawn so far (tests and benchmarks read it). */
  frames = 0;

  constructor(
    private readonly canvas: OffscreenCanvas,
    private readonly width: number,
    private readonly height: number,
    look: MeterLook,
  ) {
    this.look = look;
    this.context = canvas.getContext('2d');
    this.resize();
    this.paint(0);
  }

  setLook(look: MeterLook): void {
    const rescale = look.scale !== this.look.scale;
    this.look = look;
    if (rescale) this.resize();
    this.paint(this.current(performance.now()));
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.schedule();
  }

  /** A new level, 0..1: the bars ease towards it. */
  level(level: number): void {
    if (Math.abs(level - this.to) < STEP && !(level === 0 && this.to !== 0)) return;
    const now = performance.now();
    this.from = this.current(now);
    this.to = level;
    this.startedAt = now;
    this.schedule();
  }

  private get duration(): number {
    return this.look.reducedMotion ? 200 : 100;
  }

  private current(now: number): number {
    const t = Math.min(1, (now - this.startedAt) / this.duration);
    return this.from + (this.to - this.from) * t;
  }

  private schedule(): void {
    if (this.scheduled || !this.visible) return;
    this.scheduled = true;
    nextFrame(this.frame);
  }

  private readonly frame = () => {
    this.scheduled = false;
    if (!this.visible) return;
    const now = performance.now();
    if (now - this.paintedAt < (this.look.reducedMotion ? REDUCED_MOTION_FRAME_MS : FRAME_MS) - 4) {
      this.schedule();
      return;
    }
    this.paintedAt = now;
    this.paint(this.current(now));
    if (now - this.startedAt < this.duration) this.schedule();
  };

  private resize(): void {
    this.canvas.width = Math.max(1, Math.round(this.width * this.look.scale));
    this.canvas.height = Math.max(1, Math.round(this.height * this.look.scale));
    this.shown = -1;
  }

  private paint(level: number): void {
    const ctx = this.context;
    if (!ctx || level === this.shown) return;
    this.shown = level;
    this.frames += 1;
    const { scale, color, reducedMotion } = this.look;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.fillStyle = color;
    const left = (this.width - (BARS.length * BAR_WIDTH + (BARS.length - 1) * BAR_GAP)) / 2;
    BARS.forEach((bar, i) => {
      const height = reducedMotion ? this.height : this.height * Math.min(1, REST + level * bar);
      ctx.globalAlpha = reducedMotion ? Math.min(1, 0.35 + level) : 1;
      const x = left + i * (BAR_WIDTH + BAR_GAP);
      const y = (this.height - height) / 2;
      ctx.beginPath();
      if (typeof ctx.roundRect === 'function') ctx.roundRect(x, y, BAR_WIDTH, height, Math.min(2, height / 2));
      else ctx.rect(x, y, BAR_WIDTH, height);
      ctx.fill();
    });
    ctx.globalAlpha = 1;
  }
}
