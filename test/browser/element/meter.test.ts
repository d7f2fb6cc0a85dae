import { expect, html } from '@open-wc/testing';
import { MeterPainter, MeterSides, meterLevel } from '../../../src/pipeline/meter-painter.js';
import type { MeterLook } from '../../../src/pipeline/messages.js';
import { liveElement, part } from '../../support/element.js';
import { control, resetSimulator, waitFor } from '../../support/simulator.js';
import { itOnlyIn } from '../../support/engine.js';
import type { GeminiLiveElement } from '../../../src/gemini-live.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The visitor's bars in red, the model's dots in blue.
const look: MeterLook = { color: 'rgb(255, 0, 0)', modelColor: 'rgb(0, 0, 255)', scale: 1, reducedMotion: false };

/**
 * What column `x` of `canvas` shows: how many rows are painted, the first and last of them, the largest alpha,
 * and how many of the painted rows are the visitor's red and the model's blue.
 */
function column(canvas: OffscreenCanvas, x: number) {
  const data = canvas.getContext('2d')!.getImageData(x, 0, 1, canvas.height).data;
  const painted = { height: 0, top: -1, bottom: -1, alpha: 0, red: 0, blue: 0 };
  for (let y = 0; y < canvas.height; y++) {
    const [r, , b, a] = data.slice(y * 4, y * 4 + 4);
    if (a === 0) continue;
    painted.height += 1;
    if (painted.top < 0) painted.top = y;
    painted.bottom = y;
    painted.alpha = Math.max(painted.alpha, a);
    if (r > b) painted.red += 1;
    else painted.blue += 1;
  }
  return { ...painted, middle: (painted.top + painted.bottom + 1) / 2 };
}

/** Painted pixels of what the worker last drew on the page's placeholder `canvas`, by colour. */
function shownColours(canvas: HTMLCanvasElement): { red: number; blue: number } {
  const copy = new OffscreenCanvas(canvas.width, canvas.height);
  copy.getContext('2d')!.drawImage(canvas, 0, 0);
  return colours(copy);
}

/** Painted pixels of the whole canvas, by colour. */
function colours(canvas: OffscreenCanvas): { red: number; blue: number } {
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let red = 0;
  let blue = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    if (data[i] > data[i + 2]) red += 1;
    else blue += 1;
  }
  return { red, blue };
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
  // The tall bars are the 2nd and 4th: x 7..10 of 32. The model's dots, 6 px across, sit on the bars' centres:
  // the 2nd at x 9, the 3rd at x 16.
  const TALL = 8;
  const SECOND_DOT = 9;
  const THIRD_DOT = 16;
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
  });

  it("shows the level of one side: the model's while its voice is audible and 400 ms after, else the visitor's", () => {
    expect(meterLevel(0.1, 0.2, 'user')).to.be.closeTo(0.3, 1e-9);
    expect(meterLevel(0.1, 0.2, 'model')).to.be.closeTo(0.6, 1e-9);
    expect(meterLevel(0.5, 0, 'user')).to.equal(1);
    const sides = new MeterSides();
    expect(sides.update(0, 0)).to.equal('user');
    expect(sides.update(0.005, 1000), 'below -40 dBFS').to.equal('user');
    expect(sides.update(0.02, 1100)).to.equal('model');
    expect(sides.update(0, 1400), 'a pause between words').to.equal('model');
    expect(sides.update(0, 1500)).to.equal('user');
    sides.update(0.02, 2000);
    sides.reset();
    expect(sides.side).to.equal('user');
    expect(sides.update(0, 2001)).to.equal('user');
  });

  it("draws the visitor as bars in the visitor's colour and the model as a wave of dots in its own", () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, look);
    painter.levels(0.2, 0);
    clock.run(150);
    const bar = column(canvas, TALL);
    expect(bar.height, "the visitor's tall bar, at 0.15 + 0.6 of the height").to.be.within(17, 19);
    expect(bar.middle, 'on the centre line').to.be.closeTo(12, 1);
    expect(colours(canvas).blue, "nothing in the model's colour").to.equal(0);
    // The model speaks; the microphone hears a little of it, and the model's level is shown.
    painter.levels(0.05, 0.2);
    clock.run(150);
    expect(colours(canvas).red, "nothing in the visitor's colour").to.equal(0);
    const rising = column(canvas, SECOND_DOT);
    const sinking = column(canvas, THIRD_DOT);
    expect(rising.height, 'a dot, not a bar, at the same level').to.be.within(5, 7);
    expect(sinking.height).to.be.within(5, 7);
    expect(rising.blue).to.equal(rising.height);
    // Off the centre line by 9 px × the bar's relative height × the level: 5.4 px up, 4.3 px down.
    expect(rising.middle, 'the 2nd dot rises').to.be.closeTo(12 - 5.4, 1);
    expect(sinking.middle, 'the 3rd dot sinks').to.be.closeTo(12 + 4.3, 1);
    // A pause between the model's words keeps its side (its dots settle on the line); then the visitor's is back.
    clock.run(200, () => painter.levels(0.2, 0));
    expect(colours(canvas).red, 'within 400 ms of its voice').to.equal(0);
    expect(column(canvas, SECOND_DOT).middle, 'no level: on the line').to.be.closeTo(12, 1);
    clock.run(300, () => painter.levels(0.2, 0));
    expect(colours(canvas).blue).to.equal(0);
    expect(column(canvas, TALL).height).to.be.within(17, 19);
  });

  it("leaves the model's side 400 ms after its voice even when no more levels come (a typed conversation)", async () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, look);
    painter.levels(0, 0.2);
    clock.run(150);
    expect(colours(canvas).blue, "the model's dots").to.be.above(0);
    // No report follows: the voice stopped, and there is no microphone to report.
    clock.now += 450;
    await new Promise((resolve) => setTimeout(resolve, 500));
    clock.run(150);
    expect(colours(canvas).blue, "nothing in the model's colour once the hold is over").to.equal(0);
    expect(colours(canvas).red).to.be.above(0);
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

  it('draws nothing while the model speaks at a steady level, and one frame for a new side at the same level', () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, look);
    // Levels come far more often than from the real meters (20 a second): at every display frame.
    clock.run(300, () => painter.levels(0.01, 0.2));
    const frames = painter.frames;
    expect(frames - 1, "the dots' transition").to.be.within(2, 5);
    clock.run(1000, () => painter.levels(0.01, 0.2));
    expect(painter.frames, 'a steady side and level').to.equal(frames);
    expect(clock.requested).to.equal(0);
    painter.level(0.6, 'user');
    clock.run(250);
    expect(painter.frames, 'the bars at the same level').to.equal(frames + 1);
    expect(column(canvas, TALL).red).to.be.within(17, 19);
    expect(clock.requested).to.equal(0);
    painter.level(0.6, 'user');
    clock.run(250);
    expect(painter.frames).to.equal(frames + 1);
  });

  it('draws at most 25 frames a second with full motion and 10 with reduced motion, for any levels and sides', () => {
    const full = new MeterPainter(new OffscreenCanvas(1, 1), 32, 24, look);
    const reduced = new MeterPainter(new OffscreenCanvas(1, 1), 32, 24, { ...look, reducedMotion: true });
    const perSecond = (change: (frame: number) => void) => {
      const [fullAtStart, reducedAtStart] = [full.frames, reduced.frames];
      let frame = 0;
      clock.run(1000, () => {
        if (frame++ % 3 === 0) change(frame);
      });
      return [full.frames - fullAtStart, reduced.frames - reducedAtStart];
    };
    // A new level every 50 ms for one simulated second: the bars never stand still.
    const [full1, reduced1] = perSecond((frame) => {
      const level = frame % 2 ? 0.2 : 0.8;
      full.level(level);
      reduced.level(level);
    });
    expect(full1, 'full motion, frames a second').to.be.within(15, 25);
    expect(reduced1, 'reduced motion, frames a second').to.be.within(5, 10);
    expect(reduced1).to.be.below(full1);
    // A new side every 50 ms as well, the voice and the microphone taking turns.
    const [full2, reduced2] = perSecond((frame) => {
      const side = frame % 2 ? 'model' : 'user';
      const level = frame % 4 < 2 ? 0.3 : 0.7;
      full.level(level, side);
      reduced.level(level, side);
    });
    expect(full2, 'full motion, changing sides').to.be.within(15, 25);
    expect(reduced2, 'reduced motion, changing sides').to.be.within(5, 10);
  });

  it('fades instead of moving with reduced motion, bars and dots apart, and follows a new colour and scale', () => {
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
    painter.level(0.5, 'model');
    clock.run(250);
    const dot = column(canvas, SECOND_DOT);
    expect(dot.height, 'a dot').to.be.within(5, 7);
    expect(dot.middle, 'on the centre line').to.be.closeTo(12, 1);
    expect(dot.alpha).to.be.above(200);
    expect(colours(canvas).red).to.equal(0);
    // A new colour shows at once, at the same level.
    painter.setLook({ ...look, modelColor: 'rgb(255, 0, 0)', reducedMotion: true });
    expect(colours(canvas).blue).to.equal(0);
    expect(column(canvas, SECOND_DOT).red).to.be.within(5, 7);
    painter.setLook({ ...look, scale: 2 });
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

  /** Starts `el` with red for the visitor and blue for the model; resolves with the canvas and the looks sent. */
  async function startColoured(): Promise<{ canvas: HTMLCanvasElement; looks: MeterLook[] }> {
    el = await liveElement(html`<gemini-live></gemini-live>`);
    el.style.setProperty('--gemini-live-accent', 'rgb(255, 0, 0)');
    el.style.setProperty('--gemini-live-model-meter', 'rgb(0, 0, 255)');
    const looks: MeterLook[] = [];
    const post = Worker.prototype.postMessage as (message: unknown, transfer?: unknown) => void;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, transfer?: unknown) {
      const command = message as { type?: string; look?: MeterLook };
      if (command.type === 'meter' || command.type === 'meter-look') looks.push(command.look!);
      post.call(this, message, transfer);
    } as Worker['postMessage'];
    try {
      await el.start();
      await el.updateComplete;
      const visualizer = part(el, 'visualizer')!;
      const canvas = await waitFor(() => visualizer.querySelector('canvas'), { message: 'the canvas' });
      return { canvas, looks };
    } finally {
      Worker.prototype.postMessage = post as Worker['postMessage'];
    }
  }

  it("gives the worker both sides' colours, as the page's own bars and dots would show them", async () => {
    const { looks } = await startColoured();
    expect(looks.map(({ color, modelColor }) => ({ color, modelColor }))).to.deep.equal([
      { color: 'rgb(255, 0, 0)', modelColor: 'rgb(0, 0, 255)' },
    ]);
    // The worker knows the side: the page writes none.
    expect(part(el!, 'visualizer')!.dataset.side).to.be.undefined;
  });

  // Firefox's copy of a worker's canvas on the page (drawImage of the placeholder) now and then waits 10 s and
  // comes back empty once a session has ended in the page before; the worker test (meter-worker.test.ts) reads
  // the worker's drawing back in Firefox too.
  const title = "draws the model's side in its own colour while it speaks, and the visitor's after";
  itOnlyIn(['chromium', 'webkit'], "Firefox's read-back can stall", title, async () => {
    const { canvas } = await startColoured();
    await waitFor(() => shownColours(canvas).red > 0, { message: "the visitor's bars" });
    expect(shownColours(canvas).blue).to.equal(0);
    await control({ action: 'turn', text: 'A spoken answer, two seconds long.', audioSeconds: 2 });
    await waitFor(
      () => {
        const { red, blue } = shownColours(canvas);
        return red === 0 && blue > 0;
      },
      { message: "the model's dots" },
    );
    await waitFor(() => el!.state === 'listening' && shownColours(canvas).blue === 0, {
      message: "the visitor's side again",
    });
    expect(shownColours(canvas).red).to.be.above(0);
  });
});
