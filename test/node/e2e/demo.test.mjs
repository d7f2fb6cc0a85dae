// End-to-end: the built dist/ in Chromium, served by the demo server (`npm start`) in simulator mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, PROBE_SCRIPT } from './helpers.mjs';
import { makeVoiceWav } from '../../fixtures/make-voice-wav.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs `npm start` on a free port and resolves with its URL once it says where to go. */
function npmStart() {
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: '0', GEMINI_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start said nothing useful in 180 s:\n${output}`)), 180_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /Open (http:\/\/\S+?)\/demo\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return {
    url,
    get output() {
      return output;
    },
    stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    },
  };
}

describe('the demo, end to end', { timeout: 300_000 }, () => {
  let server;
  let baseUrl;
  let browser;

  before(async () => {
    server = npmStart();
    baseUrl = await server.url;
    const wav = path.join(mkdtempSync(path.join(tmpdir(), 'gemini-live-e2e-')), 'voice.wav');
    await makeVoiceWav(wav);
    // Pages fulfilled by the test (not by the server) count as public; let them reach the server on loopback.
    browser = await launchChromium([`--use-file-for-fake-audio-capture=${wav}`, '--disable-features=LocalNetworkAccessChecks']);
  });

  after(async () => {
    await browser?.close();
    server?.stop();
  });

  /** A page in a context of its own, with the probe script, and what it writes to the console. */
  async function probedPage() {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(PROBE_SCRIPT);
    const consoleLines = [];
    page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    return { context, page, consoleLines };
  }

  test('npm start says which mode it is in, and serves only the demo, dist/ and docs/', async () => {
    assert.match(server.output, /Offline mode: the Live API simulator answers/);
    for (const blocked of ['/dist/..%2Fpackage.json', '/dist/%2e%2e/package.json', '/demo/simulator/index.js', '/package.json']) {
      assert.equal((await fetch(`${baseUrl}${blocked}`)).status, 404, blocked);
    }
    assert.equal((await fetch(`${baseUrl}/dist/gemini-live.js`)).status, 200);
    const preflight = await fetch(`${baseUrl}/__sim/control`, { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  test('dist/gemini-live.js loaded twice registers once and does nothing until started', async () => {
    const { context, page } = await probedPage();
    const requested = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname + new URL(request.url()).search));
    await page.route(`${baseUrl}/plain.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        headers: { 'content-security-policy': "script-src 'self'; worker-src 'self'; object-src 'none'" },
        body: `<!doctype html><html lang="en"><head><title>plain</title>
          <script type="module" src="/dist/gemini-live.js"></script>
          <script type="module" src="/dist/gemini-live.js?second-copy"></script></head>
          <body><gemini-live token-endpoint="/api/token" api-base-url="${baseUrl}"></gemini-live></body></html>`,
      }),
    );
    await page.goto(`${baseUrl}/plain.html`);
    await page.waitForFunction(() => customElements.get('gemini-live') && document.querySelector('gemini-live')?.shadowRoot);
    await page.waitForTimeout(1500);
    const probe = await page.evaluate(() => window.__probe);
    assert.deepEqual(probe.errors, []);
    assert.equal(probe.getUserMedia, 0);
    assert.equal(probe.audioContexts, 0);
    assert.equal(probe.webSockets, 0);
    assert.deepEqual(
      requested.filter((url) => url !== '/plain.html'),
      ['/dist/gemini-live.js', '/dist/gemini-live.js?second-copy'],
    );
    const parts = await page.evaluate(() =>
      ['base', 'toggle', 'status', 'transcript'].map((name) => !!document.querySelector('gemini-live').shadowRoot.querySelector(`[part~="${name}"]`)),
    );
    assert.deepEqual(parts, [true, true, true, true]);
    assert.equal(await page.getAttribute('gemini-live', 'state'), 'idle');

    // Pointing at the start button prefetches the session, the SDK and the audio engine, but starts nothing.
    await page.locator('gemini-live [part~="toggle"]').hover();
    await page.waitForTimeout(1000);
    for (const chunk of ['live-session', 'sdk-live', 'audio-engine']) {
      assert.ok(requested.some((url) => url.startsWith(`/dist/${chunk}-`)), `prefetched ${chunk}: ${requested.join(' ')}`);
    }
    assert.equal((await page.evaluate(() => window.__probe)).audioContexts, 0);

    // Starting loads the rest (from dist/, under the strict CSP) and connects.
    const errors = [];
    page.on('console', (message) => errors.push(message.text()));
    await page.locator('gemini-live [part~="toggle"]').click();
    await page
      .waitForFunction(() => document.querySelector('gemini-live').getAttribute('state') === 'listening', null, { timeout: 30_000 })
      .catch(async (error) => {
        const probe = await page.evaluate(() => window.__probe);
        throw new Error(`${error.message}\n${JSON.stringify(probe)}\n${errors.join('\n')}\n${requested.join(' ')}`);
      });
    const after = await page.evaluate(() => window.__probe);
    assert.equal(after.getUserMedia, 1);
    assert.equal(after.audioContexts, 1);
    // The socket is the socket worker's, which loaded from dist/ under the same policy: none on the page.
    assert.equal(after.webSockets, 0);
    assert.ok(requested.includes('/dist/pipeline/socket-worker.js'), `the socket worker: ${requested.join(' ')}`);
    assert.deepEqual(after.cspViolations, []);
    // The lazily loaded chunks came from dist/ (the worklets too, or the state would not be listening).
    for (const chunk of ['live-session', 'sdk-live', 'audio-engine']) {
      assert.ok(requested.some((url) => url.startsWith(`/dist/${chunk}-`)), `${chunk}: ${requested.join(' ')}`);
    }
    await page.evaluate(() => document.querySelector('gemini-live').stop());
    await context.close();
  });

  test('with resume, a reload continues the same conversation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route(`${baseUrl}/resume.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="en"><head><title>resume</title>
          <script type="module" src="/dist/gemini-live.js"></script></head>
          <body><gemini-live id="assistant" resume token-endpoint="/api/token" api-base-url="${baseUrl}"></gemini-live></body></html>`,
      }),
    );
    const startAndTalk = async (text) => {
      await page.waitForFunction(() => customElements.get('gemini-live'));
      await page.evaluate(() => document.querySelector('gemini-live').start());
      await page.evaluate((message) => document.querySelector('gemini-live').sendText(message), text);
      await page.waitForFunction(
        (message) => {
          const turns = document.querySelector('gemini-live').transcript;
          const index = turns.findIndex((turn) => turn.text === message);
          return index >= 0 && turns.slice(index + 1).some((turn) => turn.role === 'model' && turn.final);
        },
        text,
        { timeout: 30_000 },
      );
    };
    await page.goto(`${baseUrl}/resume.html`);
    await startAndTalk('Before the reload');
    const stored = await page.waitForFunction(() => {
      const key = Object.keys(sessionStorage).find((name) => name.startsWith('gemini-live:resume:'));
      return key && JSON.parse(sessionStorage.getItem(key)).handle;
    });
    assert.ok(await stored.jsonValue());
    await page.reload();
    await startAndTalk('After the reload');
    const records = await (await fetch(`${baseUrl}/__sim/connections`)).json();
    // The newest handle the first connection issued (one may come after the handle read above).
    const issued = new Set(records.connections.flatMap((record) => record.session.handlesIssued));
    const resumed = records.connections.find((record) => issued.has(record.setup?.sessionResumption?.handle));
    assert.ok(resumed, `no connection resumed with any of ${[...issued].join(', ')}`);
    assert.equal(resumed.session.resumed, true);
    // The resumed connection is the one that answered after the reload.
    assert.ok(resumed.texts.some((entry) => entry.text === 'After the reload'), JSON.stringify(resumed.texts));
    await page.evaluate(() => document.querySelector('gemini-live').stop());
    await context.close();
  });

  test('a spoken conversation on the basic page, under a strict CSP, gets a spoken answer and both transcripts', async () => {
    const { context, page, consoleLines } = await probedPage();
    const response = await page.goto(`${baseUrl}/demo/index.html`);
    assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.waitForFunction(() => customElements.get('gemini-live'));
    const states = [];
    await page.exposeFunction('recordState', (state) => states.push(state));
    await page.evaluate(() =>
      document.querySelector('gemini-live').addEventListener('gemini-live-state', (event) => window.recordState(event.detail.state)),
    );
    await page.locator('gemini-live [part~="toggle"]').click();
    await page.waitForFunction(() => document.querySelector('gemini-live').getAttribute('state') === 'listening', null, { timeout: 30_000 });

    // Measure the model's voice from the element's outputStream.
    await page.evaluate(() => {
      const element = document.querySelector('gemini-live');
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      context.createMediaStreamSource(element.outputStream).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      window.__peak = 0;
      setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        for (const value of samples) window.__peak = Math.max(window.__peak, Math.abs(value));
      }, 20);
    });

    // The looped voice may barge in on a later answer (its caption is final with its last piece, before the audio
    // has played): read the first complete answer as it stands.
    const answer = await page.waitForFunction(
      () => document.querySelector('gemini-live').transcript.find((turn) => turn.role === 'model' && turn.final && !turn.interrupted && turn.text)?.text,
      null,
      { timeout: 60_000 },
    );
    assert.match(await answer.jsonValue(), /simulator|heard/i);
    await page.waitForFunction(() => window.__peak > 0.05, null, { timeout: 20_000 });
    const transcript = await page.evaluate(() => document.querySelector('gemini-live').transcript);
    const user = transcript.find((turn) => turn.role === 'user');
    assert.match(user.text, /speech, \d/);
    assert.ok(states.includes('speaking'), states.join(' '));
    const rendered = await page.evaluate(() =>
      [...document.querySelector('gemini-live').shadowRoot.querySelectorAll('[part~="turn"]')].map((node) => node.getAttribute('part')),
    );
    assert.ok(rendered.some((parts) => parts.includes('turn-user')));
    assert.ok(rendered.some((parts) => parts.includes('turn-model')));
    const probe = await page.evaluate(() => window.__probe);
    assert.deepEqual(probe.cspViolations, []);
    assert.deepEqual(probe.errors, []);
    await page.evaluate(() => document.querySelector('gemini-live').stop());
    // Start, a spoken answer with captions, stop: nothing in the console (no SDK warning, no missing icon).
    assert.deepEqual(consoleLines, []);
    await context.close();
  });
  test('on gemini-3.8-live: the text page shows spoken answers as text, and a typed request runs a non-blocking page tool', async () => {
    const { context, page } = await probedPage();
    const finalModelTurns = () =>
      page.evaluate(() => document.querySelector('gemini-live').transcript.filter((turn) => turn.role === 'model' && turn.final).length);

    // Muted: the looped voice of the fake microphone would otherwise barge in on the typed turns.
    await page.goto(`${baseUrl}/demo/text.html`);
    await page.waitForFunction(() => customElements.get('gemini-live'));
    await page.evaluate(() => (document.querySelector('gemini-live').muted = true));
    await page.locator('gemini-live [part~="toggle"]').click();
    await page.waitForFunction(() => document.querySelector('gemini-live').getAttribute('state') === 'listening', null, { timeout: 30_000 });
    await page.evaluate(() => document.querySelector('gemini-live').sendText('Hello in text mode'));
    await page.waitForFunction(
      () => document.querySelector('gemini-live').transcript.some((turn) => turn.role === 'model' && turn.final && /You said: Hello in text mode/.test(turn.text)),
      null,
      { timeout: 60_000 },
    );
    const [record] = (await (await fetch(`${baseUrl}/__sim/connections`)).json()).connections.slice(-1);
    assert.equal(record.setup.model, 'models/gemini-3.8-live');
    assert.deepEqual(record.setup.generationConfig.responseModalities, ['AUDIO']);
    assert.deepEqual(record.texts.map((entry) => entry.via), ['realtimeInput']);
    await page.evaluate(() => document.querySelector('gemini-live').stop());

    await page.goto(`${baseUrl}/demo/tools.html`);
    await page.waitForFunction(() => customElements.get('gemini-live'));
    await page.evaluate(() => (document.querySelector('gemini-live').muted = true));
    await page.locator('gemini-live [part~="toggle"]').click();
    await page.waitForFunction(() => document.querySelector('gemini-live').getAttribute('state') === 'listening', null, { timeout: 30_000 });
    const before = await finalModelTurns();
    await page.evaluate(() => document.querySelector('gemini-live').sendText('call set_page_colour with colour teal'));
    await page.waitForFunction(() => getComputedStyle(document.querySelector('#stage')).backgroundColor === 'rgb(0, 128, 128)', null, { timeout: 60_000 });
    // The model talked on while the tool ran, then spoke the result once idle.
    await page.waitForFunction((count) => document.querySelector('gemini-live').transcript.filter((turn) => turn.role === 'model' && turn.final).length >= count + 2, before, { timeout: 60_000 });
    const tools = (await (await fetch(`${baseUrl}/__sim/connections`)).json()).connections.slice(-1)[0];
    assert.deepEqual(tools.toolCalls.map((call) => [call.name, call.behavior, call.scheduling]), [['set_page_colour', 'non-blocking', 'WHEN_IDLE']]);
    assert.deepEqual(tools.toolCalls[0].args, { colour: 'teal' });
    const probe = await page.evaluate(() => window.__probe);
    assert.deepEqual(probe.errors, []);
    await page.evaluate(() => document.querySelector('gemini-live').stop());
    await context.close();
  });

  test('under a strict CSP: the consent page asks for nothing before acceptance, typing only never asks for the microphone, and Arabic loads its own chunk', async () => {
    const { context, page, consoleLines } = await probedPage();
    const requested = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    const connectionCount = async () => (await (await fetch(`${baseUrl}/__sim/connections`)).json()).connections.length;

    const consent = await page.goto(`${baseUrl}/demo/consent.html`);
    assert.match(consent.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.waitForFunction(() => customElements.get('gemini-live'));
    await page.evaluate(() => {
      window.__microphoneRequests = 0;
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (constraints) => ((window.__microphoneRequests += 1), original(constraints));
    });
    // Muted: the looped voice of the fake microphone would otherwise keep the model talking.
    await page.evaluate(() => (document.querySelector('gemini-live').muted = true));
    const connectionsBefore = await connectionCount();
    await page.locator('gemini-live [part~="toggle"]').click();
    await page.locator('gemini-live [part~="terms-accept"]').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__microphoneRequests), 0);
    assert.equal(requested.filter((url) => url === '/api/token').length, 0, 'no token before acceptance');
    assert.equal(await connectionCount(), connectionsBefore, 'no socket before acceptance');
    await page.locator('gemini-live [part~="terms-accept"]').click();
    await page.waitForFunction(() => ['listening', 'speaking'].includes(document.querySelector('gemini-live').getAttribute('state')), null, {
      timeout: 30_000,
    });
    assert.equal(await page.evaluate(() => window.__microphoneRequests), 1);
    assert.match(await page.evaluate(() => localStorage.getItem('example-terms-2026-12')), /^\d{4}-/);
    await page.evaluate(() => document.querySelector('gemini-live').stop());

    await page.goto(`${baseUrl}/demo/typing.html`);
    await page.waitForFunction(() => customElements.get('gemini-live'));
    await page.evaluate(() => {
      window.__microphoneRequests = 0;
      navigator.mediaDevices.getUserMedia = () => ((window.__microphoneRequests += 1), Promise.reject(new Error('asked')));
    });
    await page.locator('gemini-live [part~="text-input"]').fill('Hello by typing');
    await page.locator('gemini-live [part~="send"]').click();
    await page.waitForFunction(
      () => document.querySelector('gemini-live').transcript.some((turn) => turn.role === 'model' && turn.final && /Hello by typing/.test(turn.text)),
      null,
      { timeout: 60_000 },
    );
    assert.equal(await page.evaluate(() => window.__microphoneRequests), 0);
    await page.evaluate(() => document.querySelector('gemini-live').stop());

    requested.length = 0;
    await page.goto(`${baseUrl}/demo/languages.html?language=ar`);
    await page.waitForFunction(() => {
      const base = document.querySelector('gemini-live')?.shadowRoot?.querySelector('[part~="base"]');
      return base?.getAttribute('dir') === 'rtl' && /المحادثة/.test(base.textContent);
    }, null, { timeout: 30_000 });
    const locales = requested.filter((url) => url.startsWith('/dist/locale-'));
    assert.equal(locales.length, 1, `one language chunk: ${locales.join(', ')}`);
    assert.match(locales[0], /^\/dist\/locale-ar-/);
    const probe = await page.evaluate(() => window.__probe);
    assert.deepEqual(probe.errors, []);
    assert.deepEqual(consoleLines.filter((line) => !line.startsWith('debug')), []);
    await context.close();
  });

  test('the React page: GeminiLive from gemini-live/react talks and reconnects, its events reach React state, and the console stays empty', async () => {
    const { context, page, consoleLines } = await probedPage();
    const requested = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    // Worklet modules are fetched out of the page's sight: record what the element asks for.
    await page.addInitScript(() => {
      window.__worklets = [];
      const addModule = AudioWorklet.prototype.addModule;
      AudioWorklet.prototype.addModule = function (url, options) {
        window.__worklets.push(new URL(url, location.href).pathname);
        return addModule.call(this, url, options);
      };
    });
    const response = await page.goto(`${baseUrl}/demo/react.html`);
    assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.waitForFunction(() => customElements.get('gemini-live') && document.querySelector('gemini-live'));
    // Muted: the looped voice of the fake microphone would otherwise barge in on the typed turn.
    await page.evaluate(() => (document.querySelector('gemini-live').muted = true));
    await page.locator('gemini-live [part~="toggle"]').click();
    await page.waitForFunction(() => document.querySelector('[data-state]').textContent === 'listening', null, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Send “Hello from React”' }).click();
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-turns] li')].some((item) => /^Gemini: .*Hello from React/.test(item.textContent)),
      null,
      { timeout: 60_000 },
    );
    assert.match(await page.locator('[data-turns] li').first().textContent(), /^You: Hello from React/);
    // A dropped connection: the element reconnects, React sees it, and the console stays empty through it.
    await page.waitForFunction(() => document.querySelector('gemini-live').state === 'listening', null, { timeout: 30_000 });
    await page.evaluate(() => {
      window.__states = [];
      document.querySelector('gemini-live').addEventListener('gemini-live-state', (event) => window.__states.push(event.detail.state));
    });
    const dropped = await fetch(`${baseUrl}/__sim/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sim-control': '1' },
      body: JSON.stringify({ action: 'drop' }),
    });
    assert.equal(dropped.status, 200);
    await page.waitForFunction(
      () => window.__states.indexOf('reconnecting') >= 0 && window.__states.lastIndexOf('listening') > window.__states.indexOf('reconnecting'),
      null,
      { timeout: 30_000 },
    );
    await page.waitForFunction(() => document.querySelector('[data-state]').textContent === 'listening');
    await page.evaluate(() => document.querySelector('gemini-live').stop());
    await page.waitForFunction(() => document.querySelector('[data-state]').textContent === 'idle');
    // The bundled element loads its worklets and worker from dist/, as unbundled.
    assert.ok(requested.includes('/dist/pipeline/socket-worker.js'), requested.join(' '));
    assert.deepEqual(
      [...new Set(await page.evaluate(() => window.__worklets))].sort(),
      ['/dist/worklets/capture-processor.js', '/dist/worklets/playback-processor.js'],
    );
    const probe = await page.evaluate(() => window.__probe);
    assert.deepEqual(probe.cspViolations, []);
    assert.deepEqual(probe.errors, []);
    assert.deepEqual(consoleLines, []);
    await context.close();
  });
});
