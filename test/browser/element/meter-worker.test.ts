// The level meter as the socket worker draws it: the worker itself, fed levels through the worklets' ports, and
// its canvas read back through the page's placeholder canvas (which shows what the worker last drew).
import { expect, waitUntil } from '@open-wc/testing';
import type { MeterLook, PipelineCommand } from '../../../src/pipeline/messages.js';

// The visitor's bars in red, the model's dots in blue.
const look: MeterLook = { color: 'rgb(255, 0, 0)', modelColor: 'rgb(0, 0, 255)', scale: 1, reducedMotion: false };

/** What the placeholder `canvas` shows: painted pixels by colour, and the painted rows of column `x`. */
function shown(canvas: HTMLCanvasElement, x = 0) {
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const context = copy.getContext('2d')!;
  context.drawImage(canvas, 0, 0);
  const data = context.getImageData(0, 0, copy.width, copy.height).data;
  const painted = { red: 0, blue: 0, rows: 0 };
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    if (data[i] > data[i + 2]) painted.red += 1;
    else painted.blue += 1;
    if ((i / 4) % copy.width === x) painted.rows += 1;
  }
  return painted;
}

describe('The level meter in the socket worker', () => {
  let worker: Worker;
  let capture: MessageChannel;
  let playback: MessageChannel;
  let canvas: HTMLCanvasElement;
  let feed: ReturnType<typeof setInterval>;
  // What the worklets report, 20 times a second: the microphone's RMS and the voice's.
  const levels = { input: 0, output: 0 };
  const post = (command: PipelineCommand, transfer: Transferable[] = []) => worker.postMessage(command, transfer);

  beforeEach(() => {
    worker = new Worker(new URL('../../../src/pipeline/socket-worker.js', import.meta.url), { type: 'module' });
    capture = new MessageChannel();
    playback = new MessageChannel();
    const ports = { capture: capture.port2, playback: playback.port2 };
    post({ type: 'start', ...ports, plays: true, base: 0, microphone: { muted: false, pushToTalk: false, talking: false } }, [ports.capture, ports.playback]);
    canvas = document.createElement('canvas');
    canvas.style.cssText = 'width: 32px; height: 24px';
    document.body.append(canvas);
    const offscreen = canvas.transferControlToOffscreen();
    post({ type: 'meter', canvas: offscreen, width: 32, height: 24, look }, [offscreen]);
    Object.assign(levels, { input: 0, output: 0 });
    feed = setInterval(() => {
      capture.port1.postMessage({ type: 'level', rms: levels.input, peak: levels.input });
      playback.port1.postMessage({ rms: levels.output, peak: levels.output });
    }, 50);
  });

  afterEach(() => {
    clearInterval(feed);
    worker.terminate();
    canvas.remove();
  });

  it("shows the visitor's bars while listening, the model's dots while it speaks, no level while muted", async () => {
    levels.input = 0.2;
    // The tall bar (x 7..10) at 0.15 + 0.6 of 24 px.
    await waitUntil(() => shown(canvas, 8).rows >= 17, "the visitor's bars");
    expect(shown(canvas).blue).to.equal(0);
    // The model speaks; the microphone hears a little of it.
    levels.input = 0.05;
    levels.output = 0.2;
    await waitUntil(() => shown(canvas).red === 0, "the model's side");
    await waitUntil(() => shown(canvas, 9).rows > 0);
    // The 2nd dot (6 px across, at x 9) rises 5.4 px; a bar there would be 18 px tall.
    const dot = shown(canvas, 9);
    expect(dot.rows, 'a dot').to.be.within(5, 7);
    expect(shown(canvas).blue).to.be.above(100);
    // The model is done; the visitor is muted: the visitor's side, at rest.
    levels.output = 0;
    levels.input = 0.2;
    post({ type: 'microphone', muted: true, pushToTalk: false, talking: false });
    await waitUntil(() => shown(canvas).blue === 0, "the visitor's side", { timeout: 2000 });
    await waitUntil(() => shown(canvas, 8).rows <= 5, 'the bars at rest while muted');
    expect(shown(canvas, 8).rows).to.be.within(3, 5);
  });

  it("takes a new look: the model's colour changes at the same level", async () => {
    levels.output = 0.2;
    await waitUntil(() => shown(canvas).blue > 100, "the model's dots");
    post({ type: 'meter-look', look: { ...look, modelColor: 'rgb(255, 0, 0)' } });
    await waitUntil(() => shown(canvas).red > 100 && shown(canvas).blue === 0, 'the new colour');
  });
});
