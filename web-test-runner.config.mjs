// Browser tests: TypeScript sources run unbundled in one engine per run, with that engine's fake microphone and
// camera, next to the Live API simulator. scripts/test.mjs runs this config once per engine, with
// TEST_ENGINE=chromium|firefox|webkit and what the engine needs (PULSE_SERVER, WEBKIT_DRIVER_PORT) in the
// environment, after writing the WAV fixtures that Chromium's file-fed microphones play.
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { CHROME_ARGS, ensureChrome } from './scripts/find-chrome.mjs';
import { locateEngine } from './scripts/find-engines.mjs';
import { FIXTURES } from './scripts/make-fixtures.mjs';
import { commonJsPlugin, tsSiblingPlugin } from './scripts/web-plugins.mjs';
import { countReporter } from './scripts/count-reporter.mjs';
import { keyPlugin } from './test/support/key-plugin.mjs';
import { proxyPlugin } from './test/support/proxy-plugin.mjs';
import { reactPlugin } from './test/support/react-plugin.mjs';
import { simulatorPlugin } from './test/support/simulator-plugin.mjs';

const rootDir = path.dirname(fileURLToPath(import.meta.url));
const engine = process.env.TEST_ENGINE ?? 'chromium';

/** Names the launcher as the reports should show it (the launchers call every engine "Chrome" or "MiniBrowser"). */
function named(launcher, name) {
  const initialize = launcher.initialize.bind(launcher);
  launcher.initialize = async (...args) => {
    await initialize(...args);
    launcher.name = name;
  };
  launcher.name = name;
  return launcher;
}

/** A new page that waits for slow navigations: on a loaded 2-core machine, Puppeteer's 30 s default is too short. */
async function createPage({ context }) {
  const page = await context.newPage();
  page.setDefaultNavigationTimeout(120_000);
  return page;
}

function chromium(extraArgs = []) {
  const executablePath = ensureChrome();
  return named(
    chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...CHROME_ARGS, ...extraArgs] }, createPage }),
    'Chromium',
  );
}

async function firefox() {
  const { programs } = locateEngine('firefox');
  if (!process.env.PULSE_SERVER) throw new Error('Firefox needs PULSE_SERVER: run the tests through scripts/test.mjs.');
  const { puppeteerLauncher } = await import('@web/test-runner-puppeteer');
  return named(
    puppeteerLauncher({
      createPage,
      launchOptions: {
        browser: 'firefox',
        executablePath: programs.firefox,
        headless: true,
        env: { ...process.env },
        extraPrefsFirefox: {
          // Fake camera and microphone (a 1 kHz sine at -20 dBFS), granted without a prompt (else getUserMedia
          // waits forever), and audio that may start without a gesture (else contexts stay suspended).
          'media.navigator.streams.fake': true,
          'media.navigator.permission.disabled': true,
          'media.autoplay.default': 0,
        },
      },
    }),
    'Firefox',
  );
}

async function webkit() {
  const { programs } = locateEngine('webkit');
  const port = Number(process.env.WEBKIT_DRIVER_PORT);
  if (!port) throw new Error('WebKitGTK needs WEBKIT_DRIVER_PORT: run the tests through scripts/test.mjs.');
  const { webdriverLauncher } = await import('@web/test-runner-webdriver');
  return named(
    webdriverLauncher({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      capabilities: {
        browserName: 'MiniBrowser',
        // The launcher speaks WebDriver classic; without this, webdriverio asks for BiDi and the driver refuses.
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': {
          binary: programs.minibrowser,
          args: ['--automation', '--enable-mock-capture-devices=true', '--autoplay-policy=allow'],
        },
      },
    }),
    'WebKitGTK',
  );
}

// Tests that need what only Chromium has (a WAV file as the microphone, CDP) live in their own folders or in
// `*.chromium.test.ts` files, and say so in their names.
const CHROMIUM_ONLY = '**/*.chromium.test.ts';
const bench = Boolean(process.env.BENCH_OUT);
const groups = [];
let browsers;
if (engine === 'chromium' && !bench) {
  for (const [name, wav] of [
    ['fake-mic', FIXTURES.fakeMic],
    ['voice', FIXTURES.voice],
  ]) {
    if (!existsSync(wav)) throw new Error(`${wav} is missing: run node scripts/make-fixtures.mjs (npm test does).`);
    groups.push({
      name,
      files: `test/${name}/**/*.test.ts`,
      browsers: [chromium([`--use-file-for-fake-audio-capture=${wav}`])],
    });
  }
  browsers = [chromium()];
} else if (engine === 'chromium') {
  browsers = [chromium()];
} else if (engine === 'firefox') {
  browsers = [await firefox()];
} else if (engine === 'webkit') {
  browsers = [await webkit()];
} else {
  throw new Error(`TEST_ENGINE must be chromium, firefox or webkit, not ${engine}`);
}

const countsFile = process.env.WTR_COUNTS_FILE;
// Firefox's and WebKitGTK's fake microphones play a continuous tone, which the simulator's energy detector would
// hear as a user who never stops talking (and so interrupts every answer). Chromium's beeps do not count as
// speech; here the tones do not either, so every engine meets the same quiet user. Spoken turns are tested in
// the Chromium-only voice group.
const simulator = simulatorPlugin(engine === 'chromium' ? {} : { activity: { thresholdDb: -6 } });

/** Serves `/__engine__.js`: which engine runs the tests, for the few bounds that depend on its fake devices. */
const enginePlugin = {
  name: 'test-engine',
  serve(context) {
    if (context.path === '/__engine__.js') return { body: `export const engine = ${JSON.stringify(engine)};`, type: 'js' };
    return undefined;
  },
};

/** `bench-result`: appends a benchmark's figures to BENCH_OUT (one JSON object a line). */
const benchPlugin = {
  name: 'bench-result',
  executeCommand({ command, payload }) {
    if (command !== 'bench-result') return undefined;
    appendFileSync(process.env.BENCH_OUT, `${JSON.stringify(payload)}\n`);
    return true;
  },
};

let files = engine === 'chromium' ? 'test/browser/**/*.test.ts' : ['test/browser/**/*.test.ts', `!${CHROMIUM_ONLY}`];
if (bench) files = 'bench/browser/**/*.bench.ts';

export default {
  rootDir,
  files,
  groups,
  nodeResolve: { exportConditions: ['browser', 'production'], browser: true },
  browsers,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20_000 } },
  middleware: [simulator.tokenMiddleware],
  plugins: [
    reactPlugin({ rootDir }),
    tsSiblingPlugin({ rootDir }),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(rootDir, 'tsconfig.json') }),
    commonJsPlugin({ rootDir }),
    simulator,
    proxyPlugin({ rootDir }),
    keyPlugin(),
    enginePlugin,
    ...(bench ? [benchPlugin] : []),
  ],
  reporters: [
    defaultReporter({ reportTestResults: true, reportTestProgress: !process.env.CI }),
    summaryReporter({ flatten: false }),
    ...(countsFile ? [countReporter({ file: countsFile })] : []),
  ],
};
