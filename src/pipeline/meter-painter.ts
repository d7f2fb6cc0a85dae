/**
 * The level meter drawn in the socket worker on a canvas the page handed over. It shows one side of the
 * conversation at a time, told apart by colour and by shape: while the visitor is listened to, five bars in the
 * accent colour grow from the centre line with the microphone's level; while the model's voice is audible, five
 * dots in the model's colour ripple in a wave with its level. Either eases towards each new level over 100 ms as
 * the CSS transition of the page's own bars does (with reduced motion both fade instead, over 200 ms, bars and
 * dots standing still). Frames are drawn only while the level or the side changes, and not at all while the meter
 * cannot be seen; none of it touches the page's main thread.
 */
import type { MeterLook } from './messages.js';

/** Whose level the meter shows: the visitor's microphone, or the model's voice. */
export type MeterSide = 'user' | 'model';

// Relative heights of the five bars, as the page's `bar-short`, `bar-tall` and `bar-mid` classes.
const BARS = [0.6, 1, 0.8, 1, 0.6];
const BAR_WIDTH = 4;
const BAR_GAP = 3;
const REST = 0.15;
// The model's dots, as the page's: 6 px across, each at most 9 px above or below the centre line, every other
// one rising while its neighbours sink.
const DOT = 6;
const WAVE = 9;
// Changes smaller than this are not worth a frame.
const STEP = 0.02;
// Each frame the canvas shows costs the page's main thread a small task (the browser hands the image to the
// canvas element there): 25 frames a second move the bars smoothly enough, and 10 fade them.
const FRAME_MS = 40;
const REDUCED_MOTION_FRAME_MS = 100;
// The model's voice is audible above this RMS (-40 dBFS); the playback worklet reports 0 while nothing plays.
const AUDIBLE = 0.01;
// The model's side stays this long after its voice was last audible, so that the pauses between its words do
// not flip the meter to the visitor and back.
const HOLD_MS = 400;

type FrameScheduler = (draw: () => void) => void;

const nextFrame: FrameScheduler =
  typeof requestAnimationFrame === 'function'
    ? (draw) => requestAnimationFrame(draw)
    : (draw) => setTimeout(draw, 16);

/** The meter's level from its two sources' RMS levels, 0..1: that of the side it shows. */
export function meterLevel(input: number, output: number, side: MeterSide): number {
  return Math.min(1, (side === 'model' ? output : input) * 3);
}

/**
 * Which side the meter shows: the model's while its voice is audible (and {@link HOLD_MS} after), the visitor's
 * otherwise. Levels come several times a second from both meters, so the hold ends with the next report after it.
 */
export class MeterSides {
  side: MeterSide = 'user';
  private heardAt = Number.NEGATIVE_INFINITY;

  /** The side for the voice's RMS level `output`, reported at `now` (ms). */
  update(output: number, now: number): MeterSide {
    if (output >= AUDIBLE) this.heardAt = now;
    this.side = now - this.heardAt < HOLD_MS ? 'model' : 'user';
    return this.side;
  }

  reset(): void {
    this.side = 'user';
    this.heardAt = Number.NEGATIVE_INFINITY;
  }
}

export class MeterPainter {
  private readonly context: OffscreenCanvasRenderingContext2D | null;
  private readonly sides = new MeterSides();
  private look: MeterLook;
  private visible = true;
  private from = 0;
  private to = 0;
  private side: MeterSide = 'user';
  private startedAt = 0;
  private shown = -1;
  private shownSide: MeterSide = 'user';
  private scheduled = false;
  private paintedAt = Number.NEGATIVE_INFINITY;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
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
    // The page sends a look only when it changed: the next paint draws it even at the same level.
    this.shown = -1;
    if (rescale) this.resize();
    this.paint(this.current(performance.now()));
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.schedule();
  }

  /** The microphone's and the voice's RMS levels, 0..1: the meter picks its side and eases to that side's level. */
  levels(input: number, output: number): void {
    const side = this.sides.update(output, performance.now());
    this.level(meterLevel(input, output, side), side);
    // Reports may stop once the voice does (a typed conversation has no microphone to report): the hold then ends
    // by itself rather than leaving the meter on the model's side.
    clearTimeout(this.holdTimer);
    if (side === 'model') this.holdTimer = setTimeout(() => this.levels(input, 0), HOLD_MS + 20);
  }

  /** A new level, 0..1, of `side`: the bars or dots ease towards it; a new side shows with the next frame. */
  level(level: number, side: MeterSide = this.side): void {
    const turned = side !== this.side;
    this.side = side;
    if (Math.abs(level - this.to) >= STEP || (level === 0 && this.to !== 0)) {
      const now = performance.now();
      this.from = this.current(now);
      this.to = level;
      this.startedAt = now;
    } else if (!turned) {
      return;
    }
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
    if (now - this.paintedAt < (this.look.reducedMotion ? REDUCED_MOTION_FRAME_MS : FRAME_MS)) {
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
    const side = this.side;
    if (!ctx || (level === this.shown && side === this.shownSide)) return;
    this.shown = level;
    this.shownSide = side;
    this.frames += 1;
    const { scale, color, modelColor, reducedMotion } = this.look;
    const model = side === 'model';
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.fillStyle = model ? modelColor : color;
    ctx.globalAlpha = reducedMotion ? Math.min(1, 0.35 + level) : 1;
    const left = (this.width - (BARS.length * BAR_WIDTH + (BARS.length - 1) * BAR_GAP)) / 2;
    const middle = this.height / 2;
    ctx.beginPath();
    BARS.forEach((bar, i) => {
      const x = left + i * (BAR_WIDTH + BAR_GAP);
      if (model) {
        const rise = reducedMotion ? 0 : level * bar * WAVE * (i % 2 ? -1 : 1);
        ctx.moveTo(x + BAR_WIDTH / 2 + DOT / 2, middle + rise);
        ctx.arc(x + BAR_WIDTH / 2, middle + rise, DOT / 2, 0, 2 * Math.PI);
        return;
      }
      const height = reducedMotion ? this.height : this.height * Math.min(1, REST + level * bar);
      const y = middle - height / 2;
      if (typeof ctx.roundRect === 'function') ctx.roundRect(x, y, BAR_WIDTH, height, Math.min(2, height / 2));
      else ctx.rect(x, y, BAR_WIDTH, height);
    });
    ctx.fill();
    ctx.globalAlpha = 1;
  }
}
