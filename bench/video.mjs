// `node bench/video.mjs [--seconds 10]`: what sharing video costs. Runs Debian's Chromium (headless, fake camera,
// the browser-test flags) against the built dist/ served by the demo server in simulator mode, and prints Markdown
// tables (BENCHMARKS.md quotes them):
//   1. VideoCapture on its own, per source and rate: frame size in bytes, main-thread time per frame, encode time
//      in the worker, latency from the frame's tick to send();
//   2. <gemini-live> end to end: frames as the simulator receives them (rate from its timestamps, bytes).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
// The browser tests' flags: the fake camera and screen, and an automatic "allow".
import { CHROME_ARGS, ensureChrome } from '../scripts/find-chrome.mjs';
import { ensureBuilt } from '../scripts/ensure-built.mjs';
import { fixed, percentile, table } from './report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 10;
if (!(SECONDS > 0)) throw new Error('--seconds needs a positive number');

const size = (width, height) => ({ width: { exact: width }, height: { exact: height } });

/** VideoCapture on its own. `camera`: constraints for Chromium's fake camera, which can deliver up to 3840×2160. */
const CAPTURE_SCENARIOS = [
  { label: 'fake camera, worker', source: 'camera', camera: size(1280, 720), fps: 1 },
  { label: 'fake camera, worker', source: 'camera', camera: size(1280, 720), fps: 2 },
  { label: 'fake camera, worker', source: 'camera', camera: size(1920, 1080), fps: 2 },
  { label: 'fake camera, worker', source: 'camera', camera: size(3840, 2160), fps: 1 },
  { label: 'fake camera, main-thread encoder (no Worker)', source: 'camera', camera: size(1280, 720), fps: 1, noWorker: true },
  // Chromium's fake screen source draws the same pattern as its fake camera.
  { label: 'fake screen, worker', source: 'screen', fps: 1 },
  // A 1920×1080 canvas of README.md in small type, scrolling, stands in for a shared document.
  { label: 'text document (canvas), worker', source: 'screen', fps: 1, page: 'text' },
  // A canvas stream of fine moving noise over gradients stands in for a detailed, grainy camera: the upper bound.
  { label: 'detailed scene (canvas noise), worker', source: 'camera', fps: 2, page: 'noise' },
];

const END_TO_END_FPS = [1, 2];

/** The lazily loaded chunk that holds VideoCapture (the newest, should an older build have left one behind). */
function videoCaptureChunk() {
  const chunks = readdirSync(dist)
    .filter((file) => /^video-capture-[\w-]+\.js$/.test(file))
    .sort((a, b) => statSync(path.join(dist, b)).mtimeMs - statSync(path.join(dist, a)).mtimeMs);
  if (!chunks.length) throw new Error('No video-capture chunk in dist/.');
  return `/dist/${chunks[0]}`;
}

const ascending = (values) => [...values].sort((a, b) => a - b);
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const kb = (bytes) => (bytes / 1000).toFixed(1);

/** Frames per second from timestamps (ms): intervals between the first and the last frame. */
function rate(times) {
  return times.length > 1 ? ((times.length - 1) * 1000) / (times[times.length - 1] - times[0]) : Number.NaN;
}

/** Runs one VideoCapture in a fresh page for SECONDS and returns per-frame figures. */
async function measureCapture(context, baseUrl, chunkUrl, scenario) {
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl}/bench/video.html`);
    return await page.evaluate(
      async ({ chunkUrl, scenario, seconds, text }) => {
        if (scenario.noWorker) window.Worker = undefined;
        let paint = 0;
        if (scenario.page === 'text') {
          const canvas = Object.assign(document.createElement('canvas'), { width: 1920, height: 1080 });
          const context = canvas.getContext('2d');
          const lines = text.split('\n').flatMap((line) => line.match(/.{1,110}(\s|$)/g) ?? ['']);
          let offset = 0;
          const draw = () => {
            context.fillStyle = '#fff';
            context.fillRect(0, 0, 1920, 1080);
            context.fillStyle = '#202124';
            context.font = '15px sans-serif';
            for (let column = 0; column < 2; column += 1) {
              for (let row = 0; row < 52; row += 1) {
                const line = lines[(offset + column * 52 + row) % lines.length];
                context.fillText(line, 40 + column * 950, 40 + row * 20);
              }
            }
          };
          draw();
          // Scrolls a line a second, as someone reading would.
          paint = setInterval(() => {
            offset += 1;
            draw();
          }, 1000);
          const stream = canvas.captureStream(5);
          navigator.mediaDevices.getDisplayMedia = async () => stream;
        }
        if (scenario.page === 'noise') {
          const canvas = Object.assign(document.createElement('canvas'), { width: 1280, height: 720 });
          const context = canvas.getContext('2d');
          // A few noise frames made up front, blended over moving gradients: painting costs the page little.
          const grain = Array.from({ length: 4 }, () => {
            const image = context.createImageData(1280, 720);
            for (let i = 0; i < image.data.length; i += 4) {
              const value = Math.random() * 255;
              image.data.set([value, value, value, 60], i);
            }
            return createImageBitmap(image);
          });
          const frames = await Promise.all(grain);
          let t = 0;
          paint = setInterval(() => {
            t += 1;
            const gradient = context.createLinearGradient(0, 0, 1280, 720);
            gradient.addColorStop(0, `hsl(${(t * 7) % 360} 70% 45%)`);
            gradient.addColorStop(1, `hsl(${(t * 7 + 150) % 360} 70% 55%)`);
            context.fillStyle = gradient;
            context.fillRect(0, 0, 1280, 720);
            context.drawImage(frames[t % frames.length], 0, 0);
          }, 50);
          const stream = canvas.captureStream(20);
          navigator.mediaDevices.getUserMedia = async () => stream;
        }
        const { VideoCapture } = await import(chunkUrl);
        let longTasks = 0;
        new PerformanceObserver((list) => (longTasks += list.getEntries().length)).observe({ type: 'longtask' });
        const frames = [];
        const capture = new VideoCapture({
          fps: scenario.fps,
          camera: scenario.camera,
          // What the SDK does with a frame: one JSON message.
          send: (data) => {
            const message = JSON.stringify({ realtimeInput: { video: { data, mimeType: 'image/jpeg' } } });
            const at = performance.now();
            // The stats of a frame are complete right after send() returns.
            queueMicrotask(() => frames.push({ at, messageBytes: message.length, ...capture.stats }));
          },
          canSend: () => true,
          onEnded: () => undefined,
        });
        await capture.start(scenario.source);
        const settings = capture.stream.getVideoTracks()[0].getSettings();
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        const { framesSkipped } = capture.stats;
        capture.dispose();
        clearInterval(paint);
        return { frames, framesSkipped, longTasks, source: `${settings.width}×${settings.height}` };
      },
      { chunkUrl, scenario, seconds: SECONDS, text: readFileSync(path.join(root, 'README.md'), 'utf8') },
    );
  } finally {
    await page.close();
  }
}

/** <gemini-live> on the video demo page: a real session with the simulator, video shared for SECONDS. */
async function measureEndToEnd(context, demo, fps) {
  const page = await context.newPage();
  const before = new Set(demo.simulator.connections.map((record) => record.id));
  try {
    await page.goto(`${demo.url}/demo/video.html`);
    await page.evaluate(
      async ({ fps, seconds }) => {
        await customElements.whenDefined('gemini-live');
        const el = document.querySelector('gemini-live');
        el.videoFps = fps;
        el.noAudioProcessing = true;
        await el.start();
        await el.startVideo('camera');
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        el.stopVideo();
        await el.stop();
      },
      { fps, seconds: SECONDS },
    );
  } finally {
    await page.close();
  }
  const records = demo.simulator.connections.filter((record) => !before.has(record.id) && record.video.count > 0);
  return records.flatMap((record) => record.video.frames.map((frame) => ({ ...frame, at: record.openedAt + frame.at })));
}

async function main() {
  ensureBuilt({ log: (line) => console.error(line), quiet: true });
  const { startDemoServer } = await import('../demo/server.mjs');
  const demo = await startDemoServer({ port: 0, apiKey: '', build: false, log: () => undefined, simulatorOptions: { voice: false } });
  const browser = await chromium.launch({ executablePath: ensureChrome(), headless: true, args: [...CHROME_ARGS] });
  try {
    const context = await browser.newContext();
    // An empty page on the demo server's origin, so the dist chunk and its worker load as on a real site.
    await context.route('**/bench/video.html', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>video bench</title>' }),
    );
    const chunkUrl = videoCaptureChunk();
    const cpu = os.cpus();
    console.log('# gemini-live video benchmarks\n');
    console.log(`Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${os.platform()} ${os.release()}; ${browser.version()} (headless, --disable-gpu).`);
    console.log(`Each row: ${SECONDS} s of sharing.\n`);

    console.log('## VideoCapture: per frame\n');
    const rows = [];
    for (const scenario of CAPTURE_SCENARIOS) {
      const result = await measureCapture(context, demo.url, chunkUrl, scenario);
      const { frames } = result;
      if (!frames.length) {
        rows.push([scenario.label, result.source, String(scenario.fps), '0', ...Array(8).fill('–')]);
        continue;
      }
      const bytes = frames.map((frame) => frame.lastFrameBytes);
      const main = frames.map((frame) => frame.lastMainThreadMs);
      const encode = frames.map((frame) => frame.lastEncodeMs);
      const latency = frames.map((frame) => frame.lastLatencyMs);
      rows.push([
        scenario.label,
        `${result.source} → ${frames[0].width}×${frames[0].height}`,
        String(scenario.fps),
        `${frames.length} (${fixed(rate(frames.map((frame) => frame.at)), 2)}/s)`,
        `${kb(mean(bytes))} / ${kb(Math.min(...bytes))} / ${kb(Math.max(...bytes))}`,
        `${fixed(mean(main), 2)} / ${fixed(percentile(ascending(main), 95), 2)}`,
        `${fixed(mean(encode))} / ${fixed(percentile(ascending(encode), 95))}`,
        fixed(mean(latency)),
        String(result.framesSkipped),
        String(result.longTasks),
      ]);
      process.stderr.write(`  measured: ${scenario.label}, ${scenario.fps} fps\n`);
    }
    console.log(
      table(
        [
          'source, encoder',
          'captured → sent (px)',
          'fps set',
          'frames (rate)',
          'JPEG KB mean / min / max',
          'main-thread ms mean / p95',
          'encode ms mean / p95',
          'latency ms mean',
          'skipped',
          'long tasks',
        ],
        rows,
      ),
    );

    console.log('\n## <gemini-live> end to end: frames as the simulator receives them\n');
    const endRows = [];
    for (const fps of END_TO_END_FPS) {
      const frames = await measureEndToEnd(context, demo, fps);
      const bytes = frames.map((frame) => frame.bytes);
      const intervals = frames.slice(1).map((frame, i) => frame.at - frames[i].at);
      endRows.push([
        String(fps),
        String(frames.length),
        fixed(rate(frames.map((frame) => frame.at)), 2),
        intervals.length ? `${fixed(Math.min(...intervals), 0)} / ${fixed(Math.max(...intervals), 0)}` : '–',
        bytes.length ? `${kb(mean(bytes))} / ${kb(Math.min(...bytes))} / ${kb(Math.max(...bytes))}` : '–',
        bytes.length ? kb((mean(bytes) * frames.length) / SECONDS) : '–',
        [...new Set(frames.map((frame) => frame.mimeType))].join(', '),
      ]);
      process.stderr.write(`  measured: end to end, ${fps} fps\n`);
    }
    console.log(
      table(['video-fps', 'frames received', 'rate (server clock)', 'interval ms min / max', 'JPEG KB mean / min / max', 'KB/s', 'mimeType'], endRows),
    );
  } finally {
    await browser.close();
    await demo.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
