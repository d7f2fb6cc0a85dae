// The packed package as sites consume it: installed with npm into a site of its own, built by Vite 8 and by
// webpack 5, served with a strict Content-Security-Policy beside the Live API simulator, and driven in Chromium
// through a conversation with the camera on. The Vite site is written with React (`gemini-live/react`), the
// webpack site with the plain tag. The worklets and workers must load as files of the bundler's output
// (never `data:` or `blob:` URLs, which the policy refuses), and the console must stay empty.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../../support/wait-for.js';
import { launchChromium, PROBE_SCRIPT } from '../e2e/helpers.mjs';
import { buildApp, packProject, type BuiltApp, type Bundler } from './consumer-app.js';
import { serveSite, type Site } from './site-server.js';

// What a strict site allows: its own origin for everything (scripts, workers, the token endpoint and, here, the
// Live API's socket), no inline script or style, no `data:` or `blob:` anything.
const STRICT_CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPED = 'Hello from a bundled site';

type PageGlobals = { __probe: { cspViolations: string[]; errors: string[] }; outputPeak: number };

/** What the page, its workers and the browser said during a visit, and which workers ran from where. */
interface Visit {
  page: Page;
  console: string[];
  workers: Array<{ url: string; name: string }>;
}

/** The served files the worklet modules came from: the ones that register each processor. */
function workletFiles(app: BuiltApp, site: Site) {
  const served = site.requests.filter(({ path: url, status }) => status === 200 && url.endsWith('.js'));
  const registering = (name: string) => {
    const registers = new RegExp(`registerProcessor\\(\\s*["'\`]${name}["'\`]`);
    return served.map(({ path: url }) => url).filter((url) => registers.test(readFileSync(path.join(app.output, new URL(url, site.origin).pathname), 'utf8')));
  };
  return { capture: registering('gemini-live-capture'), playback: registering('gemini-live-playback') };
}

/** Start, the camera, a typed turn with its spoken and captioned answer, stop: through the element's own controls. */
async function talk({ page, workers }: Visit, site: Site, step: (name: string) => void): Promise<void> {
  const control = (part: string) => page.locator(`gemini-live [part~="${part}"]`);
  const state = (wanted: string) =>
    page.waitForFunction((value) => document.querySelector('gemini-live')?.getAttribute('state') === value, wanted, { timeout: 30_000 });

  const response = await page.goto(`${site.origin}/`);
  assert.equal(response?.headers()['content-security-policy'], STRICT_CSP);
  await page.waitForFunction(() => customElements.get('gemini-live'));
  // The fake microphone's beeps would barge in on the typed turn's answer.
  await page.evaluate(() => (document.querySelector('gemini-live')!.muted = true));
  step('loaded');

  await control('toggle').click();
  await state('listening');
  step('listening');
  // The model's voice, as the page hears it from the element's output.
  await page.evaluate(() => {
    const audio = new AudioContext();
    const analyser = audio.createAnalyser();
    audio.createMediaStreamSource(document.querySelector('gemini-live')!.outputStream!).connect(analyser);
    const frame = new Float32Array(analyser.fftSize);
    const globals = window as unknown as PageGlobals;
    globals.outputPeak = 0;
    setInterval(() => {
      analyser.getFloatTimeDomainData(frame);
      globals.outputPeak = frame.reduce((peak, value) => Math.max(peak, Math.abs(value)), globals.outputPeak);
    }, 20);
  });

  await control('video').click();
  await waitFor(() => site.simulator.connections.some((record) => record.video.count > 0), { timeout: 20_000, message: 'a camera frame at the simulator' });
  await waitFor(() => workers.length >= 2, { message: 'the socket worker and the JPEG encoder' });
  step('camera frames');

  await control('text-input').fill(TYPED);
  await control('send').click();
  await page.waitForFunction(
    (typed) => document.querySelector('gemini-live')!.transcript.some((turn) => turn.role === 'model' && turn.final && turn.text.includes(typed)),
    TYPED,
    { timeout: 30_000 },
  );
  await page.waitForFunction(() => (window as unknown as PageGlobals).outputPeak > 0.05, null, { timeout: 20_000 });
  const captions = await control('turn-model').allTextContents();
  assert.ok(captions.some((caption) => caption.includes(TYPED)), `the model's caption: ${captions.join(' | ')}`);
  step('answered');

  await control('toggle').click();
  await state('idle');
  step('stopped');
}

/** Runs `talk` in a fresh context, recording the console (the page's and its workers') and the workers. */
async function visit(browser: Browser, site: Site, step: (name: string) => void) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(PROBE_SCRIPT);
  const seen: Visit = { page, console: [], workers: [] };
  page.on('console', (message) => seen.console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => seen.console.push(`page error: ${error.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (message) => seen.console.push(`worker ${message.type()}: ${message.text()}`));
    void worker.evaluate(() => self.name).then(
      (name) => seen.workers.push({ url: worker.url(), name }),
      () => seen.workers.push({ url: worker.url(), name: '(ended before it was asked)' }),
    );
  });
  // Also what the React site's props left: the states its onState saw, and the tools the element holds.
  const probe = () =>
    page.evaluate(() => ({
      ...(window as unknown as PageGlobals).__probe,
      reactStates: document.body.dataset.reactStates ?? null,
      tools: document.querySelector('gemini-live')?.tools.length ?? 0,
    }));
  try {
    await talk(seen, site, step);
    return { ...seen, probe: await probe() };
  } catch (error) {
    // A refused worker shows as a missing worker or frame: say what the page said.
    const said = JSON.stringify({ console: seen.console, probe: await probe().catch(() => null), workers: seen.workers }, null, 1);
    throw new Error(`${(error as Error).message}\n${said}`, { cause: error });
  } finally {
    await context.close();
  }
}

describe('the packed package in sites built with Vite and webpack', { timeout: 180_000 }, () => {
  let folder: string;
  let browser: Browser;
  const apps = new Map<Bundler, Promise<BuiltApp>>();

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'gemini-live-consumer-'));
    const tarball = await packProject(folder);
    // Both sites install and build at once; each test waits for its own (a failure belongs to that test).
    for (const bundler of ['vite', 'webpack'] as const) {
      const site = path.join(folder, bundler);
      mkdirSync(site);
      const app = buildApp(bundler, site, tarball);
      app.catch(() => undefined);
      apps.set(bundler, app);
    }
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await Promise.allSettled(apps.values());
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  for (const bundler of ['vite', 'webpack'] as const) {
    test(`${bundler}: under a strict CSP the worklets and workers load from the build's own files, and a conversation with the camera leaves the console empty`, async (t) => {
      let last = performance.now();
      const steps: string[] = [];
      const step = (name: string) => {
        const now = performance.now();
        steps.push(`${name} ${((now - last) / 1000).toFixed(1)} s`);
        last = now;
      };
      const app = await apps.get(bundler)!;
      step('built');
      const site = await serveSite({ output: app.output, site: app.folder, headers: { 'content-security-policy': STRICT_CSP } });
      try {
        const { console: lines, workers, probe } = await visit(browser, site, step);
        assert.deepEqual(probe.cspViolations, []);
        assert.deepEqual(probe.errors, []);
        if (bundler === 'vite') {
          // gemini-live/react's browser entry: the listener and the object prop reached the element.
          assert.match(probe.reactStates ?? '', /^connecting listening .*idle$/);
          assert.equal(probe.tools, 1);
        } else {
          assert.deepEqual([probe.reactStates, probe.tools], [null, 0]);
        }
        assert.deepEqual(lines, [], 'nothing in the console');
        assert.deepEqual(site.requests.filter(({ status }) => status >= 400), [], 'every request found its file');

        // Each worklet module was fetched from a file the bundler wrote ...
        const { capture, playback } = workletFiles(app, site);
        const requested = site.requests.map((request) => request.path).join(' ');
        assert.equal(capture.length, 1, `the capture worklet among ${requested}`);
        assert.equal(playback.length, 1, `the playback worklet among ${requested}`);
        // ... and both workers ran from files on the site's origin, not from data: or blob: URLs.
        const socket = workers.find((worker) => worker.name === 'gemini-live socket');
        const encoder = workers.find((worker) => worker !== socket);
        for (const [label, worker] of [['socket worker', socket], ['JPEG encoder', encoder]] as const) {
          assert.ok(worker && worker.url.startsWith(`${site.origin}/`), `${label}: ${JSON.stringify(workers)}`);
          const served = site.requests.find((request) => `${site.origin}${request.path}` === worker.url);
          assert.equal(served?.status, 200, `${label} served from the build`);
        }
        t.diagnostic(`${bundler}: ${steps.join(', ')}`);
        t.diagnostic(`${bundler}: worklets ${capture} ${playback}, workers ${workers.map(({ url }) => url.slice(site.origin.length)).join(' ')}`);
        // A bundler that warns about the package (an unresolved URL, a missing file) would tell every site.
        assert.doesNotMatch(app.log, /warn|error/i, app.log);
      } finally {
        await site.close();
      }
    });
  }
});
