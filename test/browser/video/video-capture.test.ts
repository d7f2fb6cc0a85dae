import { expect } from '@open-wc/testing';
import {
  DEFAULT_FPS,
  MAX_FRAME_SIDE,
  VideoCapture,
  clampFps,
  fitWithin,
  type VideoCaptureOptions,
  type VideoStats,
} from '../../../src/live/video-capture.js';
import { base64ToBytes } from '../../../src/audio/base64.js';
import { waitFor } from '../../support/simulator.js';
import { recordUserMedia } from '../../support/media.js';
import { engine as browserEngine, FAKE_SCREEN, itOnlyIn } from '../../support/engine.js';

interface SentFrame {
  at: number;
  base64: string;
  /** The capture's stats for this frame (complete right after send() returns). */
  stats?: VideoStats;
}

/** A 1600×1000 canvas repainted 20 times a second, captured at 10 fps: a stand-in for a shared screen. */
function canvasStream() {
  const canvas = document.createElement('canvas');
  canvas.width = 1600;
  canvas.height = 1000;
  const context = canvas.getContext('2d')!;
  let hue = 0;
  const paint = setInterval(() => {
    hue = (hue + 40) % 360;
    context.fillStyle = `hsl(${hue} 80% 50%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
  }, 50);
  return { stream: canvas.captureStream(10), stop: () => clearInterval(paint) };
}

/** A VideoCapture whose frames land in `frames` (with their time), and whose `canSend` the test controls. */
function recordingCapture(overrides: Partial<VideoCaptureOptions> = {}) {
  const probe = {
    frames: [] as SentFrame[],
    ended: 0,
    canSend: true,
    capture: undefined as unknown as VideoCapture,
  };
  probe.capture = new VideoCapture({
    fps: 1,
    send: (base64) => {
      const frame: SentFrame = { at: performance.now(), base64 };
      probe.frames.push(frame);
      queueMicrotask(() => (frame.stats = { ...probe.capture.stats }));
    },
    canSend: () => probe.canSend,
    onEnded: () => {
      probe.ended += 1;
    },
    ...overrides,
  });
  return probe;
}

async function decodeJpeg(base64: string): Promise<ImageBitmap> {
  const bytes = base64ToBytes(base64);
  // The JPEG signature: SOI marker followed by another marker.
  expect([bytes[0], bytes[1], bytes[2]]).to.deep.equal([0xff, 0xd8, 0xff]);
  return createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
}

function meanInterval(frames: SentFrame[]): number {
  return (frames[frames.length - 1].at - frames[0].at) / (frames.length - 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A module worker from a Blob URL standing in for the JPEG encoder. */
function stubEncoder(source: string): string {
  return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
}

/** A stub encoder that answers after `delayMs` with the kind of image it was handed (`VideoFrame`, `ImageBitmap`). */
function kindEncoder(delayMs: number): string {
  return stubEncoder(`
    self.onmessage = (event) => {
      const { id, image } = event.data;
      const kind = image.constructor.name;
      image.close();
      setTimeout(() => self.postMessage({ type: 'encoded', id, base64: btoa(kind), bytes: kind.length, encodeMs: ${delayMs} }), ${delayMs});
    };`);
}

describe('fitWithin', () => {
  it('scales the longest side down to 768 and keeps the aspect ratio', () => {
    expect(fitWithin(1280, 720)).to.deep.equal({ width: 768, height: 432 });
    expect(fitWithin(720, 1280)).to.deep.equal({ width: 432, height: 768 });
    expect(fitWithin(1920, 1080)).to.deep.equal({ width: 768, height: 432 });
    expect(fitWithin(3840, 2160)).to.deep.equal({ width: 768, height: 432 });
    expect(fitWithin(800, 600)).to.deep.equal({ width: 768, height: 576 });
    expect(fitWithin(1000, 1000)).to.deep.equal({ width: 768, height: 768 });
    // 2560×1080 (21:9): 768 × 324.
    expect(fitWithin(2560, 1080)).to.deep.equal({ width: 768, height: 324 });
  });

  it('never scales up', () => {
    expect(fitWithin(640, 480)).to.deep.equal({ width: 640, height: 480 });
    expect(fitWithin(768, 432)).to.deep.equal({ width: 768, height: 432 });
    expect(fitWithin(1, 1)).to.deep.equal({ width: 1, height: 1 });
  });

  it('rounds to whole pixels and keeps at least one pixel on the short side', () => {
    expect(fitWithin(1366, 768)).to.deep.equal({ width: 768, height: 432 });
    expect(fitWithin(1023, 767)).to.deep.equal({ width: 768, height: 576 });
    expect(fitWithin(10000, 3)).to.deep.equal({ width: 768, height: 1 });
    expect(fitWithin(3, 10000)).to.deep.equal({ width: 1, height: 768 });
  });

  it('honours another limit', () => {
    expect(fitWithin(1280, 720, 512)).to.deep.equal({ width: 512, height: 288 });
  });

  it('gives an empty box for sizes that are not positive numbers', () => {
    for (const [w, h] of [
      [0, 720],
      [1280, 0],
      [-1280, 720],
      [Number.NaN, 720],
      [Number.POSITIVE_INFINITY, 720],
    ]) {
      expect(fitWithin(w, h), `${w}×${h}`).to.deep.equal({ width: 0, height: 0 });
    }
  });
});

describe('clampFps', () => {
  it('keeps 0.2-2 and clamps values outside it', () => {
    expect(clampFps(1)).to.equal(1);
    expect(clampFps(0.2)).to.equal(0.2);
    expect(clampFps(2)).to.equal(2);
    expect(clampFps(0.5)).to.equal(0.5);
    expect(clampFps(30)).to.equal(2);
    expect(clampFps(0.01)).to.equal(0.2);
  });

  it('falls back to 1 fps for values that are not positive numbers', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number('abc')]) {
      expect(clampFps(bad), String(bad)).to.equal(DEFAULT_FPS);
    }
  });

  it('is what a VideoCapture uses', () => {
    expect(recordingCapture({ fps: 10 }).capture.fps).to.equal(2);
    expect(recordingCapture({ fps: Number.NaN }).capture.fps).to.equal(1);
  });
});

describe('VideoCapture with the fake camera', () => {
  let probe: ReturnType<typeof recordingCapture> | undefined;
  const restore: Array<() => void> = [];

  afterEach(() => {
    probe?.capture.dispose();
    probe = undefined;
    for (const undo of restore.splice(0)) undo();
  });

  it('is created and disposed: the camera track is stopped and the capture cannot start again', async () => {
    probe = recordingCapture();
    expect(probe.capture.source).to.be.null;
    await probe.capture.start('camera');
    expect(probe.capture.source).to.equal('camera');
    const [track] = probe.capture.stream!.getVideoTracks();
    expect(track.readyState).to.equal('live');
    probe.capture.dispose();
    expect(track.readyState).to.equal('ended');
    expect(probe.capture.stream).to.be.null;
    expect(probe.capture.source).to.be.null;
    let error: unknown;
    await probe.capture.start('camera').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(DOMException);
    expect((error as DOMException).name).to.equal('InvalidStateError');
  });

  it('sends frames at the configured rate (2 fps over 3 s, ±20 %)', async () => {
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length > 0, { message: 'the first frame' });
    const first = probe.frames[0].at;
    await sleep(3000);
    const frames = probe.frames.filter((frame) => frame.at - first <= 3000);
    // A frame at once, then one every 500 ms: 7 in the first 3 s.
    expect(frames.length).to.be.within(6, 8);
    expect(meanInterval(probe.frames)).to.be.within(400, 600);
    // One frame may be skipped by design when an encode outlasts the period (WebKitGTK's, on a busy machine).
    expect(probe.capture.stats.framesSkipped).to.be.at.most(1);
  });

  it('sends the first frame at once rather than after one period', async () => {
    probe = recordingCapture({ fps: 0.2 });
    const started = performance.now();
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length > 0, { timeout: 3000, message: 'the first frame' });
    expect(probe.frames[0].at - started).to.be.below(2000);
  });

  it('sends JPEGs no larger than 768 px with the camera aspect ratio, encoded in the worker', async () => {
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 2, { message: 'two frames' });
    const settings = probe.capture.stream!.getVideoTracks()[0].getSettings();
    const cameraAspect = settings.width! / settings.height!;
    for (const frame of probe.frames.slice(0, 2)) {
      const image = await decodeJpeg(frame.base64);
      expect(Math.max(image.width, image.height)).to.equal(Math.min(MAX_FRAME_SIDE, Math.max(settings.width!, settings.height!)));
      expect(image.width / image.height).to.be.closeTo(cameraAspect, 0.01);
      image.close();
    }
    const { stats } = probe.capture;
    expect(stats.encoder).to.equal('worker');
    expect(stats.width / stats.height).to.be.closeTo(cameraAspect, 0.01);
    expect(stats.lastFrameBytes).to.equal(base64ToBytes(probe.frames[probe.frames.length - 1].base64).byteLength);
    // JPEG at quality 0.7: well under the raw 768×432×3 bytes.
    expect(stats.lastFrameBytes).to.be.within(2_000, 200_000);
    expect(stats.lastEncodeMs).to.be.above(0);
    // The frame crosses to the worker as a VideoFrame: well under a millisecond of main-thread work in this
    // Chromium, where grabbing a scaled ImageBitmap took about 38 ms.
    await waitFor(() => probe!.frames.length >= 5, { message: 'five frames' });
    const mainThread = probe.frames.map((frame) => frame.stats!.lastMainThreadMs).sort((a, b) => a - b);
    expect(mainThread[2]).to.be.below(15);
    // Firefox's and WebKit's clocks step in whole milliseconds, so there a sub-millisecond grab reads as 0.
    if (browserEngine === 'chromium') expect(mainThread[2]).to.be.above(0);
  });

  it('sends frames that follow the camera, not one frame over and over', async () => {
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 3, { message: 'three frames' });
    expect(new Set(probe.frames.map((frame) => frame.base64)).size).to.equal(probe.frames.length);
  });

  it('skips frames rather than queueing them while the connection cannot take them', async () => {
    probe = recordingCapture({ fps: 2 });
    probe.canSend = false;
    await probe.capture.start('camera');
    await waitFor(() => probe!.capture.stats.framesSkipped >= 3, { message: 'skipped frames' });
    expect(probe.frames).to.have.length(0);
    expect(probe.capture.stats.framesSent).to.equal(0);
    probe.canSend = true;
    const skipped = probe.capture.stats.framesSkipped;
    await waitFor(() => probe!.frames.length >= 2, { message: 'frames once sending is possible' });
    // No burst of the frames held back: sending resumes at the normal pace.
    // (Held-back frames would come a few milliseconds apart; one encode can take a few hundred ms longer than
    // the next, so the bound sits well below the 500 ms period.)
    expect(probe.frames[1].at - probe.frames[0].at).to.be.above(150);
    expect(probe.capture.stats.framesSkipped).to.equal(skipped);
  });

  it('skips frames rather than queueing them while the previous one is still encoding', async () => {
    // An encoder that takes 1.3 s per frame; at 2 fps two or three frame times pass during each encode.
    const url = kindEncoder(1300);
    restore.push(() => URL.revokeObjectURL(url));
    let requests = 0;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
      requests += 1;
      return post.apply(this, args as never);
    } as Worker['postMessage'];
    restore.push(() => (Worker.prototype.postMessage = post));
    probe = recordingCapture({ fps: 2, encoderUrl: url });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 2, { timeout: 6000, message: 'two slow frames' });
    const { framesSent, framesSkipped } = probe.capture.stats;
    expect(framesSkipped).to.be.at.least(3);
    // Each frame handed to the encoder was sent; none waited in a queue.
    expect(requests - framesSent).to.be.at.most(1);
    expect(probe.frames[1].at - probe.frames[0].at).to.be.above(1200);
    // The frame went over as a VideoFrame: no copy, no scaling on the main thread.
    expect(atob(probe.frames[0].base64)).to.equal('VideoFrame');
  });

  it('hands the worker an ImageBitmap where VideoFrame is missing (Safari before 16.4)', async () => {
    const url = kindEncoder(1);
    restore.push(() => URL.revokeObjectURL(url));
    const saved = window.VideoFrame;
    (window as { VideoFrame?: typeof VideoFrame }).VideoFrame = undefined;
    restore.push(() => (window.VideoFrame = saved));
    probe = recordingCapture({ fps: 2, encoderUrl: url });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 2, { message: 'frames without VideoFrame' });
    expect(probe.frames.slice(0, 2).map((frame) => atob(frame.base64))).to.deep.equal(['ImageBitmap', 'ImageBitmap']);
    expect(probe.capture.stats.encoder).to.equal('worker');
  });

  it('falls back to encoding on the main thread when the worker cannot load', async () => {
    probe = recordingCapture({ fps: 2, encoderUrl: '/no/such/worker.js' });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 2, { message: 'frames from the fallback' });
    expect(probe.capture.stats.encoder).to.equal('main-thread');
    const image = await decodeJpeg(probe.frames[probe.frames.length - 1].base64);
    expect(Math.max(image.width, image.height)).to.be.at.most(MAX_FRAME_SIDE);
    image.close();
  });

  it('falls back to the main thread when the worker reports that it cannot encode', async () => {
    const url = stubEncoder(`
      self.onmessage = (event) => {
        event.data.image.close();
        self.postMessage({ type: 'failed', id: event.data.id, message: 'no OffscreenCanvas here' });
      };`);
    restore.push(() => URL.revokeObjectURL(url));
    probe = recordingCapture({ fps: 2, encoderUrl: url });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 1, { message: 'a frame from the fallback' });
    expect(probe.capture.stats.encoder).to.equal('main-thread');
    await decodeJpeg(probe.frames[0].base64).then((image) => image.close());
  });

  it('encodes on the main thread, asynchronously, where there is no Worker', async () => {
    const saved = window.Worker;
    (window as { Worker?: typeof Worker }).Worker = undefined;
    restore.push(() => (window.Worker = saved));
    const toDataURL = HTMLCanvasElement.prototype.toDataURL;
    let syncEncodes = 0;
    HTMLCanvasElement.prototype.toDataURL = function (this: HTMLCanvasElement, ...args: Parameters<HTMLCanvasElement['toDataURL']>) {
      syncEncodes += 1;
      return toDataURL.apply(this, args);
    };
    restore.push(() => (HTMLCanvasElement.prototype.toDataURL = toDataURL));
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 2, { message: 'frames without a worker' });
    expect(probe.capture.stats.encoder).to.equal('main-thread');
    expect(syncEncodes).to.equal(0);
    const image = await decodeJpeg(probe.frames[0].base64);
    expect(image.width).to.equal(probe.capture.stats.width);
    image.close();
  });

  it('stops sending when stopped, and stops the camera', async () => {
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 2, { message: 'frames' });
    const [track] = probe.capture.stream!.getVideoTracks();
    probe.capture.stop();
    expect(track.readyState).to.equal('ended');
    expect(probe.capture.source).to.be.null;
    const sent = probe.frames.length;
    await sleep(1200);
    // A frame already being encoded when stop() came is dropped too.
    expect(probe.frames.length).to.equal(sent);
    expect(probe.ended).to.equal(0);
  });

  it('can be started again after stop()', async () => {
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    probe.capture.stop();
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 1, { message: 'a frame after restarting' });
    expect(probe.capture.stream!.getVideoTracks()[0].readyState).to.equal('live');
  });

  it('handles the browser ending the track ("Stop sharing", camera unplugged)', async () => {
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    await waitFor(() => probe!.frames.length >= 1, { message: 'a frame' });
    const [track] = probe.capture.stream!.getVideoTracks();
    // What the browser fires when the source goes away (track.stop() itself fires no event).
    track.dispatchEvent(new Event('ended'));
    expect(probe.ended).to.equal(1);
    expect(probe.capture.source).to.be.null;
    expect(probe.capture.stream).to.be.null;
    expect(track.readyState).to.equal('ended');
    const sent = probe.frames.length;
    await sleep(1100);
    expect(probe.frames.length).to.equal(sent);
  });

  itOnlyIn(['chromium'], FAKE_SCREEN, 'switches camera → screen → camera, stopping each previous track, at one steady rate', async () => {
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    const camera = probe.capture.stream!.getVideoTracks()[0];
    // Headless Chromium with --use-fake-ui-for-media-stream shares its virtual screen without a picker.
    await probe.capture.start('screen');
    expect(probe.capture.source).to.equal('screen');
    expect(camera.readyState).to.equal('ended');
    const screen = probe.capture.stream!.getVideoTracks()[0];
    expect(screen.readyState).to.equal('live');
    expect(screen.getSettings().displaySurface).to.be.a('string');
    const switched = probe.frames.length;
    await waitFor(() => probe!.frames.length >= switched + 2, { message: 'screen frames' });
    // The capture may settle on another size than first announced (800×450 here): compare with what it is now.
    const { width, height } = screen.getSettings();
    const image = await decodeJpeg(probe.frames[probe.frames.length - 1].base64);
    expect({ width: image.width, height: image.height }).to.deep.equal(fitWithin(width!, height!));
    image.close();

    await probe.capture.start('camera');
    expect(probe.capture.source).to.equal('camera');
    expect(screen.readyState).to.equal('ended');
    const from = probe.frames.length;
    await sleep(2100);
    // One timer, not one per start(): about four frames in 2 s at 2 fps.
    expect(probe.frames.length - from).to.be.within(3, 6);
    expect(probe.ended).to.equal(0);
  });

  it('keeps sharing the camera when the screen picker is cancelled', async () => {
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('camera');
    const camera = probe.capture.stream!.getVideoTracks()[0];
    const media = navigator.mediaDevices;
    media.getDisplayMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    restore.push(() => delete (media as Partial<MediaDevices>).getDisplayMedia);
    let error: unknown;
    await probe.capture.start('screen').catch((e: unknown) => (error = e));
    expect((error as DOMException).name).to.equal('NotAllowedError');
    expect(probe.capture.source).to.equal('camera');
    expect(camera.readyState).to.equal('live');
    const from = probe.frames.length;
    await waitFor(() => probe!.frames.length > from, { message: 'camera frames after the cancel' });
  });

  it('releases a stream that arrives after stop() or a newer start()', async () => {
    const recorder = recordUserMedia();
    restore.push(recorder.restore);
    const opened = recorder.streams;
    // A screen from a canvas: Firefox and WebKit share a real one only from a user's gesture.
    const media = navigator.mediaDevices;
    media.getDisplayMedia = async () => {
      const screen = canvasStream();
      restore.push(screen.stop);
      return screen.stream;
    };
    restore.push(() => delete (media as Partial<MediaDevices>).getDisplayMedia);
    probe = recordingCapture({ fps: 2 });
    const first = probe.capture.start('camera');
    probe.capture.stop();
    await first;
    expect(probe.capture.source).to.be.null;
    expect(opened[0].getVideoTracks()[0].readyState).to.equal('ended');

    // Two starts in a row: the screen wins, the camera opened meanwhile is released.
    const camera = probe.capture.start('camera');
    const screen = probe.capture.start('screen');
    await Promise.all([camera, screen]);
    expect(probe.capture.source).to.equal('screen');
    expect(opened[1].getVideoTracks()[0].readyState).to.equal('ended');
    const from = probe.frames.length;
    await sleep(2100);
    // One timer, not one per start(): at most about four frames in 2 s at 2 fps (WebKitGTK's slow encodes skip
    // some, so the lower bound only says frames go on).
    expect(probe.frames.length - from).to.be.within(1, 6);

    // dispose() during a pending start releases what it opens.
    probe.capture.stop();
    const late = probe.capture.start('camera');
    probe.capture.dispose();
    await late;
    expect(opened[2].getVideoTracks()[0].readyState).to.equal('ended');
  });

  it('shares a screen stream from a stubbed getDisplayMedia (a canvas capture) the same way', async () => {
    const { stream, stop } = canvasStream();
    restore.push(stop);
    const media = navigator.mediaDevices;
    media.getDisplayMedia = async () => stream;
    restore.push(() => delete (media as Partial<MediaDevices>).getDisplayMedia);
    probe = recordingCapture({ fps: 2 });
    await probe.capture.start('screen');
    await waitFor(() => probe!.frames.length >= 1, { message: 'a canvas frame' });
    const image = await decodeJpeg(probe.frames[0].base64);
    expect({ width: image.width, height: image.height }).to.deep.equal({ width: 768, height: 480 });
    image.close();
    stream.getVideoTracks()[0].dispatchEvent(new Event('ended'));
    expect(probe.ended).to.equal(1);
    expect(probe.capture.source).to.be.null;
  });
});
