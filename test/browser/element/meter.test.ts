import { expect, html } from '@open-wc/testing';
import { MeterPainter, meterLevel } from '../../../src/pipeline/meter-painter.js';
import type { MeterLook } from '../../../src/pipeline/messages.js';
import { liveElement, part } from '../../support/element.js';
import { resetSimulator, waitFor } from '../../support/simulator.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const look: MeterLook = { color: 'rgb(255, 0, 0)', scale: 1, reducedMotion: false };

/** Height in pixels and the largest alpha of the red in column `x` of `canvas`. */
function column(canvas: OffscreenCanvas, x: number): { height: number; alpha: number } {
  const data = canvas.getContext('2d')!.getImageData(x, 0, 1, canvas.height).data;
  let height = 0;
  let alpha = 0;
  for (let y = 0; y < canvas.height; y++) {
    const a = data[y * 4 + 3];
    if (data[y * 4] > 0 && a > 0) height += 1;
    alpha = Math.max(alpha, a);
  }
  return { height, alpha };
}

/**
 * The painter's clock, driven by hand: `performance.now()` reads simulated time, and `requestAnimationFrame`
 * callbacks run only when {@link FrameClock.run} plays display frames, 60 a second. Frame counts are then
 * counts per simulated second, the same on any machine.
 */
class FrameClock {
  static readonly FRAME_MS = 1000 / 60;
  now = 1000;
  private callbacks: FrameRequestCallback[] = [];
  private readonly requestFrame = window.requestAnimationFrame;

  constructor() {
    Object.defineProperty(performance, 'now', { configurable: true, value: () => this.now });
    window.requestAnimationFrame = (callback) => this.callbacks.push(callback);
  }

  /** Frames asked for and not yet run. */
  get requested(): number {
    return this.callbacks.length;
  }

  /** Plays `ms` of display frames; `beforeFrame` runs at the start of each (to change the level, say). */
  run(ms: number, beforeFrame?: () => void): void {
    for (let frame = Math.round(ms / FrameClock.FRAME_MS); frame > 0; frame--) {
      this.now += FrameClock.FRAME_MS;
      beforeFrame?.();
      const due = this.callbacks;
      this.callbacks = [];
      for (const callback of due) callback(this.now);
    }
  }

  restore(): void {
    // The stub is the performance object's own property; the real `now` lives on its prototype.
    delete (performance as { now?: unknown }).now;
    window.requestAnimationFrame = this.requestFrame;
  }
}

describe('MeterPainter', () => {
  // The tall bars are the 2nd and 4th: x 7..10 of 32.
  const TALL = 8;
  let clock: FrameClock;

  beforeEach(() => {
    clock = new FrameClock();
  });

  afterEach(() => {
    clock.restore();
  });

  it('draws five bars at rest, and eases them to the level within the 100 ms transition', () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, look);
    expect([canvas.width, canvas.height]).to.deep.equal([32, 24]);
    const rest = column(canvas, TALL).height;
    expect(rest).to.be.within(3, 5);
    painter.level(1);
    clock.run(70);
    expect(column(canvas, TALL).height, 'on the way').to.be.within(rest + 3, 23);
    clock.run(50);
    expect(column(canvas, TALL).height).to.equal(24);
    // The short bars reach 0.15 + 0.6 of the height.
    expect(column(canvas, 1).height).to.be.within(17, 19);
    expect(meterLevel(0.1, 0.2)).to.be.closeTo(0.6, 1e-9);
    expect(meterLevel(0.5, 0)).to.equal(1);
  });

  it('draws nothing while the level holds still or the meter is out of sight', () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, look);
    expect(painter.frames, 'the bars at rest').to.equal(1);
    painter.level(0.5);
    clock.run(250);
    const frames = painter.frames;
    // 100 ms of transition at most 25 frames a second: 2 to 4 frames, the last one at the level itself.
    expect(frames - 1, 'frames of one transition').to.be.within(2, 4);
    expect(clock.requested, 'no frame asked for once the bars stand still').to.equal(0);
    clock.run(1000);
    expect(painter.frames).to.equal(frames);
    painter.level(0.505);
    clock.run(200);
    expect(painter.frames, 'a change too small to see').to.equal(frames);
    painter.setVisible(false);
    painter.level(0.9);
    expect(clock.requested, 'no frame asked for out of sight').to.equal(0);
    clock.run(200);
    expect(painter.frames).to.equal(frames);
    painter.setVisible(true);
    clock.run(250);
    // The transition ended out of sight: one frame shows where it ended.
    expect(painter.frames).to.equal(frames + 1);
    expect(column(canvas, TALL).height).to.equal(24);
  });

  it('draws at most 25 frames a second with full motion and 10 with reduced motion, for the same levels', () => {
    const full = new MeterPainter(new OffscreenCanvas(1, 1), 32, 24, look);
    const reduced = new MeterPainter(new OffscreenCanvas(1, 1), 32, 24, { ...look, reducedMotion: true });
    const [fullAtStart, reducedAtStart] = [full.frames, reduced.frames];
    // A new level every 50 ms for one simulated second: the bars never stand still.
    let frame = 0;
    clock.run(1000, () => {
      if (frame++ % 3 !== 0) return;
      const level = frame % 2 ? 0.2 : 0.8;
      full.level(level);
      reduced.level(level);
    });
    const fullPerSecond = full.frames - fullAtStart;
    const reducedPerSecond = reduced.frames - reducedAtStart;
    expect(fullPerSecond, 'full motion, frames a second').to.be.within(15, 25);
    expect(reducedPerSecond, 'reduced motion, frames a second').to.be.within(5, 10);
    expect(reducedPerSecond).to.be.below(fullPerSecond);
  });

  it('fades instead of moving with reduced motion, and follows a new colour and scale', () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, { ...look, reducedMotion: true });
    expect(column(canvas, TALL).height).to.equal(24);
    const faint = column(canvas, TALL).alpha;
    expect(faint).to.be.within(80, 100);
    painter.level(0.5);
    clock.run(150);
    expect(column(canvas, TALL).alpha, 'during the 200 ms fade').to.be.within(faint + 20, 200);
    clock.run(200);
    expect(column(canvas, TALL).alpha).to.be.above(200);
    expect(column(canvas, TALL).height, 'the bars do not move').to.equal(24);
    painter.setLook({ color: 'rgb(0, 0, 255)', scale: 2, reducedMotion: false });
    expect([canvas.width, canvas.height]).to.deep.equal([64, 48]);
  });
});

describe('<gemini-live> level meter in the socket worker', () => {
  let el: GeminiLiveElement | undefined;

  beforeEach(async () => {
    await resetSimulator();
  });

  afterEach(async () => {
    await el?.stop();
    el = undefined;
  });

  it('hands a canvas to the session while it runs, and brings its own bars back after', async () => {
    el = await liveElement(html`<gemini-live></gemini-live>`);
    const visualizer = part(el, 'visualizer')!;
    const bars = () => [...visualizer.querySelectorAll('span')].map((bar) => getComputedStyle(bar).display);
    expect(visualizer.querySelector('canvas')).to.be.null;
    await el.start();
    await el.updateComplete;
    const canvas = await waitFor(() => visualizer.querySelector('canvas'), { message: 'the canvas' });
    expect(bars().every((display) => display === 'none')).to.be.true;
    // The canvas is the worker's now: the page cannot draw on it, and no longer writes the level property.
    expect(() => canvas.getContext('2d')).to.throw();
    let writes = 0;
    const observer = new MutationObserver((records) => (writes += records.length));
    observer.observe(visualizer, { attributes: true, attributeFilter: ['style'] });
    await sleep(500);
    observer.disconnect();
    expect(writes).to.equal(0);
    await el.stop();
    await el.updateComplete;
    expect(visualizer.querySelector('canvas')).to.be.null;
    expect(bars().every((display) => display === 'block')).to.be.true;
    await expect(el).to.be.accessible();
  });
});
