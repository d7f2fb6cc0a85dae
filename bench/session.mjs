// `npm run bench:session`: what a conversation costs the host page. Runs Debian's Chromium (headless, fake
// microphone) against the built dist/ served by the demo server with its Live API simulator, on the basic demo
// page (one <gemini-live> with a text box), and prints Markdown tables (BENCHMARKS.md quotes them):
//   1. main thread, per situation, unthrottled and at 4× CPU throttle: task time, script, style + layout and the
//      longest task, in ms per second (CDP Performance.getMetrics for the sums, a timeline trace for the longest
//      task); the median of --runs windows of --seconds each;
//   2. a long session: JS heap and DOM nodes after 1, 5 and 10 minutes of conversation, and the cost of a caption
//      piece with few turns and with 500 turns in the transcript;
//   3. bad networks: model audio delayed by a random 0–150 ms per message, then delivered in bursts: underruns and
//      the playback lead, and the lead once the network is calm again;
//   4. the client's share of voice latency: a sound entering the microphone → its first frame leaving the page,
//      the first model audio message arriving → its first sample at the audio output, and an `interrupted`
//      arriving while the model speaks → the audio output going silent (sockets in the worker and on the page).
// Options: --only main,long,jitter,latency  --runs 3  --seconds 4  --long-minutes 10
import os from 'node:os';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, ensureChrome } from '../scripts/find-chrome.mjs';
import { ensureBuilt } from '../scripts/ensure-built.mjs';
import { fixed, progress, table } from './report.mjs';

const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const RUNS = Number(arg('runs', 3));
const SECONDS = Number(arg('seconds', 4));
const LONG_MINUTES = Number(arg('long-minutes', 10));
const ONLY = new Set(String(arg('only', 'main,long,jitter,latency')).split(','));
if (!(RUNS >= 1 && SECONDS > 0 && LONG_MINUTES > 0)) throw new Error('--runs, --seconds and --long-minutes need positive numbers');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Caption pieces of a few words, one per 200 ms of a turn, as the service sends them. */
const captionPieces = (seconds) =>
  Array.from({ length: Math.round(seconds * 5) }, (_, i) => `${i ? ' ' : ''}word${i} and more`);

// ---- page instrumentation -----------------------------------------------------------------------------------

// Runs before the page's own scripts. Keeps hands off the element: it only watches the Web APIs the element uses
// (its AudioContext and worklet nodes, the socket), and adds onset probes only when the latency section asks.
function instrument() {
  const bench = {
    contexts: [],
    probing: false,
    statuses: [],
    recordStatus: false,
    sends: [],
    watchSend: false,
    firstAudioAt: 0,
    awaitFirstAudio: false,
    interruptedAt: 0,
    interruptedIn: '',
    awaitInterrupted: false,
    pageSockets: false,
    inputOnsets: [],
    outputOnsets: [],
    outputSilences: [],
  };
  window.__bench = bench;
  // The socket, with its hooks: on the page, or (by default) in the element's socket worker, which gets the same
  // hooks and reports through a BroadcastChannel, in the page's time.
  const hooks = {
    now: () => performance.now(),
    onset: (at) => bench.sends.push(at),
    firstAudio: (at) => {
      bench.firstAudioAt = at;
      bench.awaitFirstAudio = false;
    },
    interrupted: (at, scope = 'page') => {
      bench.interruptedAt = at;
      bench.interruptedIn = scope;
      bench.awaitInterrupted = false;
    },
  };
  socketHooks({
    ...hooks,
    watching: () => bench.watchSend,
    awaiting: () => bench.awaitFirstAudio,
    cutting: () => bench.awaitInterrupted,
  });
  const channel = new BroadcastChannel('gemini-live-bench');
  channel.onmessage = ({ data }) => {
    if (data.onset !== undefined) hooks.onset(data.onset - performance.timeOrigin);
    if (data.firstAudio !== undefined) hooks.firstAudio(data.firstAudio - performance.timeOrigin);
    if (data.interrupted !== undefined) hooks.interrupted(data.interrupted - performance.timeOrigin, 'worker');
  };
  for (const key of ['watchSend', 'awaitFirstAudio', 'awaitInterrupted']) {
    let value = bench[key];
    Object.defineProperty(bench, key, {
      get: () => value,
      set: (next) => {
        value = next;
        channel.postMessage({ [key]: next });
      },
    });
  }
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      // Sockets on the page: refused as a CSP without worker-src would, so the element falls back as it does there.
      if (bench.pageSockets && String(url).includes('socket-worker')) {
        throw new DOMException('Refused by the benchmark (sockets on the page).', 'SecurityError');
      }
      // Only where the page's CSP is bypassed (the latency section): a blob: module that hooks, then runs the worker.
      if (!bench.probing || !String(url).includes('socket-worker')) {
        super(url, options);
        return;
      }
      const code = `
        const channel = new BroadcastChannel('gemini-live-bench');
        let watching = false;
        let awaiting = false;
        let cutting = false;
        channel.onmessage = ({ data }) => {
          if ('watchSend' in data) watching = data.watchSend;
          if ('awaitFirstAudio' in data) awaiting = data.awaitFirstAudio;
          if ('awaitInterrupted' in data) cutting = data.awaitInterrupted;
        };
        (${socketHooks.toString()})({
          watching: () => watching,
          awaiting: () => awaiting,
          cutting: () => cutting,
          now: () => performance.timeOrigin + performance.now(),
          onset: (at) => channel.postMessage({ onset: at }),
          firstAudio: (at) => {
            awaiting = false;
            channel.postMessage({ firstAudio: at });
          },
          interrupted: (at) => {
            cutting = false;
            channel.postMessage({ interrupted: at });
          },
        });
        await import(${JSON.stringify(new URL(String(url), location.href).href)});`;
      super(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), options);
    }
  };

  // Watches the sends and arrivals of WebSocket (in whichever scope it runs): onsets in the PCM16 (16 kHz) sent
  // to the server, by the probe's rule, and the first message carrying model audio, or `interrupted`, once asked to.
  function socketHooks(env) {
    const QUIET = 0.01;
    const LOUD = 0.05;
    let quietRun = 0;
    let armed = false;
    const scanSent = (base64, at) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const samples = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
      for (let i = 0; i < samples.length; i++) {
        const v = Math.abs(samples[i]) / 32768;
        if (v < QUIET) {
          if (++quietRun >= 1600) armed = true;
        } else {
          quietRun = 0;
          if (v > LOUD && armed) {
            armed = false;
            env.onset(at);
          }
        }
      }
    };
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (env.watching() && typeof data === 'string' && data.includes('"realtimeInput"')) {
        const at = env.now();
        const audio = JSON.parse(data).realtimeInput?.audio?.data;
        if (audio) scanSent(audio, at);
      }
      return send.call(this, data);
    };
    const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
    Object.defineProperty(WebSocket.prototype, 'onmessage', {
      configurable: true,
      get() {
        return onmessage.get.call(this);
      },
      set(handler) {
        onmessage.set.call(
          this,
          typeof handler === 'function'
            ? function (event) {
                const audio = env.awaiting();
                const cut = env.cutting();
                if (audio || cut) {
                  const text = typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data);
                  if (audio && text.includes('"inlineData"')) env.firstAudio(env.now());
                  if (cut && /"interrupted"\s*:\s*true/.test(text)) env.interrupted(env.now());
                }
                return handler.call(this, event);
              }
            : handler,
        );
      },
    });
  }
  const probeReady = new WeakMap();
  const probe = (context, source, name = 'bench-onset-probe') => {
    if (!probeReady.has(context)) probeReady.set(context, context.audioWorklet.addModule(bench.probeUrl));
    return probeReady.get(context).then(() => {
      const node = new AudioWorkletNode(context, name, { numberOfOutputs: 0 });
      source.connect(node);
      return node;
    });
  };

  const NativeContext = window.AudioContext;
  window.AudioContext = class extends NativeContext {
    constructor(...args) {
      super(...args);
      bench.contexts.push(this);
    }
  };
  const createSource = NativeContext.prototype.createMediaStreamSource;
  NativeContext.prototype.createMediaStreamSource = function (stream) {
    const source = createSource.call(this, stream);
    if (bench.probing) {
      void probe(this, source).then((node) => {
        node.port.onmessage = () => bench.inputOnsets.push(performance.now());
      });
    }
    return source;
  };
  const NativeNode = window.AudioWorkletNode;
  window.AudioWorkletNode = class extends NativeNode {
    constructor(context, name, options) {
      super(context, name, options);
      if (name !== 'gemini-live-playback') return;
      this.port.addEventListener('message', (event) => {
        if (bench.recordStatus && event.data?.type === 'status') bench.statuses.push({ at: performance.now(), ...event.data });
      });
      if (bench.probing) {
        void probe(context, this).then((node) => {
          node.port.onmessage = () =>
            bench.outputOnsets.push({ at: performance.now(), outputLatency: (context.outputLatency || 0) * 1000 });
        });
        // A silence is timed, like an onset, by the arrival of the message from the render quantum where it shows
        // (0.5 ms in), and counts once it has lasted 5 ms.
        void probe(context, this, 'bench-silence-probe').then((node) => {
          let began = 0;
          node.port.onmessage = ({ data }) => {
            if (data === 'began') began = performance.now();
            else bench.outputSilences.push({ received: performance.now(), at: began });
          };
        });
      }
    }
  };
}

// Posts once per onset: the first sample above -26 dBFS after 100 ms below -40 dBFS. And twice per silence, a
// run below -40 dBFS after a sample above -26 dBFS: when it has lasted 0.5 ms (a 440 Hz tone at half scale dips
// below for one sample at most), and when it has lasted 5 ms.
const PROBES = `
class OnsetProbe extends AudioWorkletProcessor {
  constructor() { super(); this.quiet = 0; this.armed = false; }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const v = Math.abs(channel[i]);
      if (v < 0.01) {
        if (++this.quiet >= sampleRate / 10) this.armed = true;
      } else {
        this.quiet = 0;
        if (v > 0.05 && this.armed) {
          this.armed = false;
          this.port.postMessage(currentTime + i / sampleRate);
        }
      }
    }
    return true;
  }
}
registerProcessor('bench-onset-probe', OnsetProbe);
class SilenceProbe extends AudioWorkletProcessor {
  constructor() { super(); this.sounding = false; this.quiet = 0; }
  process(inputs) {
    // No channel: nothing feeds the probe, which is silence too.
    const channel = inputs[0] && inputs[0][0];
    const length = channel ? channel.length : 128;
    for (let i = 0; i < length; i++) {
      const v = channel ? Math.abs(channel[i]) : 0;
      if (v < 0.01) {
        if (!this.sounding) continue;
        if (++this.quiet === Math.round(sampleRate / 2000)) this.port.postMessage('began');
        if (this.quiet >= sampleRate / 200) {
          this.sounding = false;
          this.port.postMessage('silent');
        }
      } else {
        this.quiet = 0;
        if (v > 0.05) this.sounding = true;
      }
    }
    return true;
  }
}
registerProcessor('bench-silence-probe', SilenceProbe);
`;

// ---- browser and page ---------------------------------------------------------------------------------------

async function openPage(context, demo, { probing = false, pageSockets = false } = {}) {
  const page = await context.newPage();
  await page.goto(`${demo.url}/demo/index.html`);
  await page.evaluate(
    async ({ probing, pageSockets, probeUrl }) => {
      Object.assign(window.__bench, { probing, pageSockets, probeUrl });
      await customElements.whenDefined('gemini-live');
      await document.querySelector('gemini-live').updateComplete;
    },
    { probing, pageSockets, probeUrl: `data:text/javascript,${encodeURIComponent(PROBES)}` },
  );
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  return { page, cdp };
}

const startSession = (page, options = {}) =>
  page.evaluate(async ({ mode }) => {
    const el = document.querySelector('gemini-live');
    if (mode) el.mode = mode;
    await el.start();
    const deadline = performance.now() + 10000;
    while (el.state !== 'listening') {
      if (performance.now() > deadline) throw new Error(`state stayed ${el.state}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }, options);

/** Restarts the session if it is no longer connected (its mode kept). */
async function ensureSession(page) {
  const state = await page.evaluate(() => document.querySelector('gemini-live').state);
  if (state === 'listening' || state === 'speaking') return;
  progress(`session was ${state}: starting it again`);
  await stopSession(page);
  await startSession(page);
}

const stopSession = (page) => page.evaluate(() => document.querySelector('gemini-live').stop());

const waitForState = (page, state, timeoutMs = 10000) =>
  page.waitForFunction((state) => document.querySelector('gemini-live').state === state, state, { timeout: timeoutMs, polling: 20 });

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map(({ name, value }) => [name, value]));
}

/** The longest task on the renderer's main thread in a timeline trace: thread CPU ms (`tdur`) and wall-clock ms. */
function traceFigures(traceBuffer) {
  const events = JSON.parse(traceBuffer.toString('utf8')).traceEvents ?? [];
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  let longest = 0;
  let longestWall = 0;
  for (const e of events) {
    if (e.name !== 'RunTask' || e.ph !== 'X' || !mainThreads.has(`${e.pid}:${e.tid}`)) continue;
    longest = Math.max(longest, (e.tdur ?? e.dur ?? 0) / 1000);
    longestWall = Math.max(longestWall, (e.dur ?? 0) / 1000);
  }
  return { longest, longestWall };
}

/**
 * One measurement window from CDP's counters: main-thread CPU time (ThreadTime), and script and style + layout,
 * which Chromium counts by the clock, scaled by the window's CPU / clock ratio so that time the thread spent
 * descheduled on a busy machine does not count; `wall`: task time by the clock.
 */
async function measureWindow(cdp, seconds) {
  const before = await metrics(cdp);
  await sleep(seconds * 1000);
  const after = await metrics(cdp);
  const elapsed = after.Timestamp - before.Timestamp;
  const delta = (name) => after[name] - before[name];
  const wall = delta('TaskDuration');
  const cpu = Number.isFinite(delta('ThreadTime')) ? Math.min(delta('ThreadTime'), wall) : wall;
  const ratio = wall > 0 ? cpu / wall : 1;
  return {
    task: (cpu * 1000) / elapsed,
    script: (delta('ScriptDuration') * ratio * 1000) / elapsed,
    style: ((delta('RecalcStyleDuration') + delta('LayoutDuration')) * ratio * 1000) / elapsed,
    wall: (wall * 1000) / elapsed,
  };
}

/** The longest main-thread task of a traced window, in CPU ms and in wall-clock ms. */
async function longestTaskWindow(browser, page, seconds) {
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
  await sleep(seconds * 1000);
  return traceFigures(await browser.stopTracing());
}

async function measure(browser, page, cdp, label, throttles = [1, 4]) {
  const results = {};
  for (const rate of throttles) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    await sleep(500);
    const windows = [];
    for (let run = 0; run < RUNS; run++) windows.push(await measureWindow(cdp, SECONDS));
    // Tracing costs the page something itself: the longest task comes from a window of its own.
    const traced = await longestTaskWindow(browser, page, SECONDS);
    const pick = (key) => median(windows.map((w) => w[key]));
    results[rate] = {
      task: pick('task'),
      script: pick('script'),
      style: pick('style'),
      longest: traced.longest,
      longestWall: traced.longestWall,
      wall: pick('wall'),
    };
    const r = results[rate];
    progress(`${label} @${rate}×: ${fixed(r.task)} ms/s CPU (${fixed(r.wall)} wall), longest ${fixed(r.longest)} ms CPU (${fixed(r.longestWall)} wall)`);
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  return results;
}

// ---- 1. main thread per situation ---------------------------------------------------------------------------

async function mainThread(browser, context, demo) {
  const control = demo.simulator.control;
  const turnSeconds = 2 * (RUNS + 1) * SECONDS + 10;
  const speak = (captions) =>
    control.turn({ audioSeconds: turnSeconds, outputTranscript: captions ? captionPieces(turnSeconds) : [] });
  const quiet = async (page) => {
    await control.interrupt();
    await waitForState(page, 'listening');
    await sleep(500);
  };
  const rows = [];
  const situations = [
    ['page idle, element rendered', async () => undefined],
    ['listening (mic only)', async ({ page }) => startSession(page)],
    ['listening, reduced motion', async ({ cdp }) =>
      cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-reduced-motion', value: 'reduce' }] })],
    ['model speaking, no captions', async ({ page, cdp }) => {
      await cdp.send('Emulation.setEmulatedMedia', { features: [] });
      await speak(false);
      await waitForState(page, 'speaking');
    }, quiet],
    ['model speaking with captions', async ({ page }) => {
      await speak(true);
      await waitForState(page, 'speaking');
    }, quiet],
    ['speaking with captions, reduced motion', async ({ page, cdp }) => {
      await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-reduced-motion', value: 'reduce' }] });
      await speak(true);
      await waitForState(page, 'speaking');
    }, async (page, { cdp }) => {
      await cdp.send('Emulation.setEmulatedMedia', { features: [] });
      await quiet(page);
    }],
    ['muted, model speaking with captions', async ({ page }) => {
      await page.evaluate(() => (document.querySelector('gemini-live').muted = true));
      await speak(true);
      await waitForState(page, 'speaking');
    }, async (page) => {
      await quiet(page);
      await page.evaluate(() => (document.querySelector('gemini-live').muted = false));
    }],
    ['element display:none, speaking with captions', async ({ page }) => {
      await page.evaluate(() => (document.querySelector('gemini-live').style.display = 'none'));
      await speak(true);
      await waitForState(page, 'speaking');
    }, async (page) => {
      await quiet(page);
      await page.evaluate(() => (document.querySelector('gemini-live').style.display = ''));
    }],
    ['push-to-talk held (mic streaming)', async ({ page }) => {
      await stopSession(page);
      await startSession(page, { mode: 'push-to-talk' });
      await page.evaluate(() => {
        const el = document.querySelector('gemini-live');
        el.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true, composed: true }));
      });
      await waitForState(page, 'listening');
    }, async (page) => {
      await page.evaluate(() => {
        const el = document.querySelector('gemini-live');
        el.dispatchEvent(new KeyboardEvent('keyup', { key: ' ', bubbles: true, composed: true }));
      });
    }],
  ];
  const { page, cdp } = await openPage(context, demo);
  try {
    for (const [index, [label, setup, teardown]] of situations.entries()) {
      let result;
      try {
        // The first two situations are before and at the start of the session.
        if (index >= 2) await ensureSession(page);
        await setup({ page, cdp });
        await sleep(1000);
        result = await measure(browser, page, cdp, label);
      } catch (error) {
        // A busy machine can stall a session past its timeouts: note it and go on with the next situation.
        progress(`${label}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
        rows.push([label, 'failed', ...Array(9).fill('–')]);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 }).catch(() => undefined);
        continue;
      }
      rows.push([
        label,
        ...[1, 4].flatMap((rate) => [
          fixed(result[rate].task),
          fixed(result[rate].script),
          fixed(result[rate].style),
          `${fixed(result[rate].longest)} (${fixed(result[rate].longestWall)})`,
          fixed(result[rate].wall),
        ]),
      ]);
      if (teardown) await teardown(page, { cdp }).catch((error) => progress(`${label}: ${error.message.split('\n')[0]}`));
    }
    await stopSession(page);
  } finally {
    await page.close();
  }
  console.log(
    `## Main thread, CPU ms per second of conversation (median of ${RUNS} windows of ${SECONDS} s; longest task: CPU ms (wall-clock ms) in any window; wall: task time by the clock, which a busy machine inflates)\n`,
  );
  console.log(
    table(
      ['situation', 'task', 'script', 'style + layout', 'longest task', 'wall', 'task @4×', 'script @4×', 'style + layout @4×', 'longest task @4×', 'wall @4×'],
      rows,
    ),
  );
  console.log();
}

// ---- 2. long session ----------------------------------------------------------------------------------------

async function heapAndNodes(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await sleep(200);
  const m = await metrics(cdp);
  const transcript = await page.evaluate(() => {
    const el = document.querySelector('gemini-live');
    return { turns: el.transcript.length, chars: el.transcript.reduce((sum, turn) => sum + turn.text.length, 0) };
  });
  return { heapMb: m.JSHeapUsedSize / 1e6, nodes: m.Nodes, ...transcript };
}

/** Main-thread CPU ms per caption piece: pieces every 50 ms (for a signal above the noise) against the same stretch without them. */
async function captionCost(browser, page, cdp, demo) {
  const control = demo.simulator.control;
  const withPieces = [];
  const without = [];
  for (let run = 0; run < RUNS; run++) {
    without.push((await measureWindow(cdp, SECONDS)).task);
    let sent = 0;
    const timer = setInterval(() => {
      sent++;
      void control.send({ message: { serverContent: { outputTranscription: { text: ` piece${sent} of text` } } } }).catch(() => undefined);
    }, 50);
    const w = await measureWindow(cdp, SECONDS);
    clearInterval(timer);
    await control.send({ message: { serverContent: { turnComplete: true } } });
    withPieces.push(((w.task - median(without)) * SECONDS) / Math.max(1, sent));
  }
  return median(withPieces);
}

async function longSession(browser, context, demo) {
  const control = demo.simulator.control;
  const { page, cdp } = await openPage(context, demo);
  const rows = [];
  try {
    await startSession(page);
    await sleep(1000);
    const fresh = await heapAndNodes(page, cdp);
    rows.push(['0 (connected)', fixed(fresh.heapMb, 2), String(fresh.nodes), String(fresh.turns), String(fresh.chars)]);
    const captionFew = await captionCost(browser, page, cdp, demo);
    const started = Date.now();
    const checkpoints = [1, 5, 10].filter((m) => m <= LONG_MINUTES);
    if (!checkpoints.includes(LONG_MINUTES)) checkpoints.push(LONG_MINUTES);
    let exchange = 0;
    for (const minute of checkpoints) {
      // Exchanges back to back: the user's words (as transcription), then 8 s of the model's voice with a caption
      // piece every 200 ms. The user's speaking time is left out: the page only streams the microphone then.
      while (Date.now() - started < minute * 60_000) {
        exchange++;
        try {
          await control.turn({ inputTranscript: `question number ${exchange} from the user`, audioSeconds: 8, outputTranscript: captionPieces(8), wait: true });
          await waitForState(page, 'listening', 30000);
        } catch (error) {
          progress(`long session: ${error.message.split('\n')[0]}`);
          await ensureSession(page);
        }
      }
      const at = await heapAndNodes(page, cdp);
      rows.push([String(minute), fixed(at.heapMb, 2), String(at.nodes), String(at.turns), String(at.chars)]);
      progress(`long session: ${minute} min, ${fixed(at.heapMb, 2)} MB, ${at.nodes} nodes, ${at.turns} turns`);
    }
    // Up to 500 turns, quickly: short scripted exchanges without pacing.
    await control.configure({ speed: 0 });
    let turns = await page.evaluate(() => document.querySelector('gemini-live').transcript.length);
    while (turns < 500) {
      await ensureSession(page);
      await control.turn({ inputTranscript: 'a short question', audioSeconds: 0.04, outputTranscript: ['A short', ' answer.'], wait: true }).catch(() => undefined);
      turns = await page.evaluate(() => document.querySelector('gemini-live').transcript.length);
    }
    await control.configure({ speed: 1 });
    await sleep(3000);
    const full = await heapAndNodes(page, cdp);
    rows.push([`${full.turns} turns`, fixed(full.heapMb, 2), String(full.nodes), String(full.turns), String(full.chars)]);
    const captionMany = await captionCost(browser, page, cdp, demo);
    await stopSession(page);
    console.log(`## Long session (real time, exchanges back to back; after a forced GC)\n`);
    console.log(table(['minutes', 'JS heap (MB)', 'DOM nodes', 'turns', 'transcript chars'], rows));
    console.log();
    console.log(table(['caption piece cost', 'ms per piece'], [
      [`${fresh.turns} turns in the transcript`, fixed(captionFew, 2)],
      [`${full.turns} turns in the transcript`, fixed(captionMany, 2)],
    ]));
    console.log();
  } finally {
    await page.close();
  }
}

// ---- 3. bad networks ----------------------------------------------------------------------------------------

async function jitter(context, demo) {
  const control = demo.simulator.control;
  const { page } = await openPage(context, demo);
  const rows = [];
  try {
    await startSession(page);
    await page.evaluate(() => (window.__bench.recordStatus = true));
    // One turn under a network fault: underruns after its first second, and the lead while it plays.
    const turnUnder = async (label, seconds, fault) => {
      await page.evaluate(() => (window.__bench.statuses = []));
      const t0 = Date.now();
      try {
        await ensureSession(page);
        await fault?.();
        await control.turn({ audioSeconds: seconds, outputTranscript: captionPieces(seconds), wait: true });
        await waitForState(page, 'listening', (seconds + 10) * 1000);
      } catch (error) {
        progress(`jitter: ${label}: ${error.message.split('\n')[0]}`);
        return rows.push([label, 'failed', '–', '–', '–']);
      }
      const statuses = await page.evaluate(() => window.__bench.statuses);
      const playing = statuses.filter((s) => s.playing);
      if (!playing.length) return rows.push([label, '–', '–', '–', '–']);
      const start = playing[0].at;
      const first = statuses.find((s) => s.at >= start)?.underruns ?? 0;
      const afterFirstSecond = statuses.find((s) => s.at >= start + 1000)?.underruns ?? first;
      const last = statuses[statuses.length - 1].underruns;
      const tail = playing.filter((s) => s.at >= playing[playing.length - 1].at - 3000);
      const lead = statuses.some((s) => typeof s.leadMs === 'number') ? fixed(median(tail.map((s) => s.leadMs)), 0) : '–';
      rows.push([label, String(last - first), String(last - afterFirstSecond), fixed(median(tail.map((s) => s.queuedMs)), 0), lead]);
      progress(`jitter: ${label} (${Math.round((Date.now() - t0) / 1000)} s)`);
      return undefined;
    };
    // Faults are set per connection: set again before each turn, in case a stalled session was restarted.
    const jitter = (maxMs) => () => control.jitter({ maxMs });
    const bursts = (everyMs) => () => control.bursts({ everyMs });
    await turnUnder('calm network', 6);
    await turnUnder('0–150 ms jitter per audio message, turn 1', 12, jitter(150));
    await turnUnder('0–150 ms jitter per audio message, turn 2', 12, jitter(150));
    await turnUnder('bursts every 300 ms', 12, async () => {
      await control.jitter({ maxMs: 0 });
      await control.bursts({ everyMs: 300 });
    });
    await turnUnder('calm again, turn 1', 8, bursts(0));
    await turnUnder('calm again, turn 2', 8);
    await turnUnder('calm again, turn 3', 8);
    await stopSession(page);
  } finally {
    await page.close();
  }
  console.log('## Bad networks (captions every 200 ms; underruns counted from the turn\'s first sample)\n');
  console.log(
    table(['network', 'underruns', 'underruns after the first second', 'queued ahead of the output (ms, last 3 s)', 'jitter-buffer lead (ms)'], rows),
  );
  console.log();
}

// ---- 4. latency ---------------------------------------------------------------------------------------------

// 0.6 s of a 440 Hz cosine at half scale: loud from its first sample, so its onset is where the audio starts.
const ONSET_TURN = Buffer.from(
  Int16Array.from({ length: 14400 }, (_, i) => Math.round(16384 * Math.cos((2 * Math.PI * 440 * i) / 24000))).buffer,
).toString('base64');
// 4 s of the same tone: no pause of its own that could pass for the cut.
const LONG_TURN = Buffer.from(
  Int16Array.from({ length: 96000 }, (_, i) => Math.round(16384 * Math.cos((2 * Math.PI * 440 * i) / 24000))).buffer,
).toString('base64');
const INTERRUPTIONS = 8;

/**
 * `interrupted` arriving at the socket (on the page or in the worker, as `scope` expects) → the first run of
 * silence at the output, in ms, once per interruption of a playing answer.
 */
async function interruptions(page, control, scope) {
  const cuts = [];
  for (let i = 0; i < INTERRUPTIONS; i++) {
    await page.evaluate(() => (window.__bench.outputOnsets = []));
    await control.turn({ audioBase64: LONG_TURN, outputTranscript: [] });
    await page.waitForFunction(() => window.__bench.outputOnsets.length > 0, undefined, { timeout: 5000 });
    // Well into the answer, and at a different point of the device's buffer each time.
    await sleep(500 + i * 37);
    await page.evaluate(() => Object.assign(window.__bench, { outputSilences: [], interruptedAt: 0, interruptedIn: '', awaitInterrupted: true }));
    await control.interrupt();
    // Silences confirmed before the arrival (an underrun, say) are not the cut.
    await page.waitForFunction(
      () => window.__bench.interruptedAt > 0 && window.__bench.outputSilences.some((s) => s.received >= window.__bench.interruptedAt),
      undefined,
      { timeout: 5000 },
    );
    const result = await page.evaluate(() => {
      const bench = window.__bench;
      return { in: bench.interruptedIn, cut: bench.outputSilences.find((s) => s.received >= bench.interruptedAt).at - bench.interruptedAt };
    });
    if (result.in !== scope) throw new Error(`interrupted arrived ${result.in ? `in the ${result.in}` : 'unseen'}, not in the ${scope}`);
    cuts.push(result.cut);
    await waitForState(page, 'listening');
    await sleep(300);
  }
  return cuts;
}

async function latency(browser, demo) {
  const control = demo.simulator.control;
  // The probes are data: modules, which the demo page's CSP (script-src 'self') would refuse.
  const context = await browser.newContext({ bypassCSP: true });
  await context.addInitScript(instrument);
  const { page } = await openPage(context, demo, { probing: true });
  try {
    await startSession(page);
    await sleep(500);
    // Capture: the fake microphone beeps about twice a second; each beep's onset where it enters the element's
    // graph, paired with the first message that carries it.
    await page.evaluate(() => {
      window.__bench.inputOnsets = [];
      window.__bench.sends = [];
      window.__bench.watchSend = true;
    });
    await sleep(8000);
    const capture = await page.evaluate(() => {
      const bench = window.__bench;
      bench.watchSend = false;
      return bench.inputOnsets
        .map((at) => {
          const sent = bench.sends.find((s) => s >= at && s - at < 300);
          return sent === undefined ? Number.NaN : sent - at;
        })
        .filter(Number.isFinite);
    });
    // Playback: the first audio message of a turn arriving → its first sample leaving the playback node, plus
    // the output latency the browser reports.
    const playback = [];
    let outputLatency = Number.NaN;
    for (let i = 0; i < 6; i++) {
      await page.evaluate(() => {
        window.__bench.outputOnsets = [];
        window.__bench.awaitFirstAudio = true;
      });
      await control.turn({ audioBase64: ONSET_TURN, outputTranscript: [] });
      await page.waitForFunction(() => window.__bench.outputOnsets.length > 0, undefined, { timeout: 5000 });
      const result = await page.evaluate(() => ({ arrived: window.__bench.firstAudioAt, ...window.__bench.outputOnsets[0] }));
      playback.push(result.at - result.arrived);
      outputLatency = result.outputLatency;
      await waitForState(page, 'listening');
      await sleep(300);
    }
    const cutInWorker = await interruptions(page, control, 'worker');
    const chunkMs = await page.evaluate(() => document.querySelector('gemini-live').chunkMs);
    await stopSession(page);
    // The same on a page whose socket worker cannot start, where the sockets and `interrupted` stay on the page.
    const onPage = await openPage(context, demo, { probing: true, pageSockets: true });
    let cutOnPage;
    try {
      await startSession(onPage.page);
      await sleep(500);
      cutOnPage = await interruptions(onPage.page, control, 'page');
      await stopSession(onPage.page);
    } finally {
      await onPage.page.close();
    }
    const row = (label, values) => [label, fixed(median(values)), `${fixed(Math.min(...values))} / ${fixed(Math.max(...values))}`, String(values.length)];
    console.log(`## Client latency (chunk-ms ${chunkMs})\n`);
    console.log(
      table(
        ['path', 'median (ms)', 'min / max (ms)', 'samples'],
        [
          ['capture: sound enters the element\'s graph → first frame carrying it sent', fixed(median(capture)), `${fixed(Math.min(...capture))} / ${fixed(Math.max(...capture))}`, String(capture.length)],
          ['playback: first audio message arrives → first sample out of the playback node', fixed(median(playback)), `${fixed(Math.min(...playback))} / ${fixed(Math.max(...playback))}`, String(playback.length)],
          ['playback including the reported outputLatency', fixed(median(playback) + outputLatency), `outputLatency ${fixed(outputLatency)}`, ''],
          row('interruption: `interrupted` arrives → output silent (sockets in the worker)', cutInWorker),
          row('interruption: `interrupted` arrives → output silent (sockets on the page)', cutOnPage),
        ],
      ),
    );
    console.log();
  } finally {
    await context.close();
  }
}

async function main() {
  ensureBuilt({ log: (line) => console.error(line), quiet: true });
  const { startDemoServer } = await import('../demo/server.mjs');
  const demo = await startDemoServer({
    port: 0,
    apiKey: '',
    build: false,
    log: () => undefined,
    // A tone instead of speech (no synthesis work on the machine while measuring); no lifetime close mid-run.
    simulatorOptions: { voice: false, connectionLifetimeMs: 0 },
  });
  const browser = await chromium.launch({ executablePath: ensureChrome(), headless: true, args: [...CHROME_ARGS] });
  try {
    const context = await browser.newContext();
    await context.addInitScript(instrument);
    const cpu = os.cpus();
    console.log('# gemini-live session benchmarks\n');
    console.log(
      `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${browser.version()} (headless, --disable-gpu). Page: demo/index.html (basic element with a text box), simulator voice: tone, model audio in 40 ms chunks.\n`,
    );
    if (ONLY.has('main')) await mainThread(browser, context, demo);
    if (ONLY.has('jitter')) await jitter(context, demo);
    if (ONLY.has('latency')) await latency(browser, demo);
    if (ONLY.has('long')) await longSession(browser, context, demo);
  } finally {
    await browser.close();
    await demo.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
