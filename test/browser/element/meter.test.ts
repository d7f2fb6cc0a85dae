import { expect, html } from '@open-wc/testing';
import { MeterPainter, meterLevel } from '../../../src/workers/meter-painter.js';
import type { MeterLook } from '../../../src/workers/socket-messages.js';
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

describe('MeterPainter', () => {
  // The tall bars are the 2nd and 4th: x 7..10 of 32.
  const TALL = 8;

  it('draws five bars at rest, and eases them to the level within the 100 ms transition', async () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, look);
    expect([canvas.width, canvas.height]).to.deep.equal([32, 24]);
    const rest = column(canvas, TALL).height;
    expect(rest).to.be.within(3, 5);
    painter.level(1);
    await sleep(250);
    expect(column(canvas, TALL).height).to.equal(24);
    // The short bars reach 0.15 + 0.6 of the height.
    expect(column(canvas, 1).height).to.be.within(17, 19);
    expect(meterLevel(0.1, 0.2)).to.be.closeTo(0.6, 1e-9);
    expect(meterLevel(0.5, 0)).to.equal(1);
  });

  it('draws nothing while the level holds still or the meter is out of sight', async () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, look);
    painter.level(0.5);
    await sleep(250);
    const frames = painter.frames;
    expect(frames, 'a few frames at most 25 a second').to.be.within(2, 8);
    painter.level(0.505);
    await sleep(200);
    expect(painter.frames, 'a change too small to see').to.equal(frames);
    painter.setVisible(false);
    painter.level(0.9);
    await sleep(200);
    expect(painter.frames).to.equal(frames);
    painter.setVisible(true);
    await sleep(250);
    expect(painter.frames).to.be.above(frames);
    expect(column(canvas, TALL).height).to.be.within(23, 24);
  });

  it('draws fewer frames with reduced motion than with full motion, for the same levels', async () => {
    const full = new MeterPainter(new OffscreenCanvas(1, 1), 32, 24, look);
    const reduced = new MeterPainter(new OffscreenCanvas(1, 1), 32, 24, { ...look, reducedMotion: true });
    for (let i = 0; i < 20; i++) {
      const level = i % 2 ? 0.2 : 0.8;
      full.level(level);
      reduced.level(level);
      await sleep(50);
    }
    await sleep(300);
    expect(reduced.frames).to.be.above(1);
    expect(reduced.frames).to.be.below(full.frames);
  });

  it('fades instead of moving with reduced motion, and follows a new colour and scale', async () => {
    const canvas = new OffscreenCanvas(1, 1);
    const painter = new MeterPainter(canvas, 32, 24, { ...look, reducedMotion: true });
    expect(column(canvas, TALL).height).to.equal(24);
    const faint = column(canvas, TALL).alpha;
    expect(faint).to.be.within(80, 100);
    painter.level(0.5);
    await sleep(350);
    expect(column(canvas, TALL).alpha).to.be.above(200);
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
