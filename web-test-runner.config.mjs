// Browser tests: TypeScript sources run unbundled in Debian's Chromium (or any Chrome found), with a fake
// microphone and camera, next to the Live API simulator.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { CHROME_ARGS, ensureChrome } from './scripts/find-chrome.mjs';
import { commonJsPlugin, tsSiblingPlugin } from './scripts/web-plugins.mjs';
import { countReporter } from './scripts/count-reporter.mjs';
import { simulatorPlugin } from './test/support/simulator-plugin.mjs';

const rootDir = path.dirname(fileURLToPath(import.meta.url));
const executablePath = ensureChrome();


const chrome = (extraArgs = []) =>
  chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...CHROME_ARGS, ...extraArgs] } });

// The fake-microphone group captures a WAV of known content (a tone to keep, a tone to reject).
const fakeMicDir = path.join(rootDir, 'node_modules', '.cache', 'gemini-live');
const fakeMicWav = path.join(fakeMicDir, 'fake-mic.wav');
const groups = [];
const makerPath = path.join(rootDir, 'test', 'fixtures', 'make-fake-mic-wav.mjs');
if (existsSync(makerPath)) {
  mkdirSync(fakeMicDir, { recursive: true });
  const { makeFakeMicWav } = await import(makerPath);
  await makeFakeMicWav(fakeMicWav);
  groups.push({
    name: 'fake-mic',
    files: 'test/fake-mic/**/*.test.ts',
    browsers: [chrome([`--use-file-for-fake-audio-capture=${fakeMicWav}`])],
  });
}

// The voice group's microphone says a sentence, then stays silent: real user turns for the simulator to hear.
const voiceWav = path.join(fakeMicDir, 'voice.wav');
mkdirSync(fakeMicDir, { recursive: true });
const { makeVoiceWav } = await import('./test/fixtures/make-voice-wav.mjs');
await makeVoiceWav(voiceWav);
groups.push({
  name: 'voice',
  files: 'test/voice/**/*.test.ts',
  browsers: [chrome([`--use-file-for-fake-audio-capture=${voiceWav}`])],
});

const countsFile = process.env.WTR_COUNTS_FILE;
const simulator = simulatorPlugin();

export default {
  rootDir,
  files: 'test/browser/**/*.test.ts',
  groups,
  nodeResolve: { exportConditions: ['browser', 'production'], browser: true },
  browsers: [chrome()],
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20_000 } },
  middleware: [simulator.tokenMiddleware],
  plugins: [
    tsSiblingPlugin({ rootDir }),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(rootDir, 'tsconfig.json') }),
    commonJsPlugin({ rootDir }),
    simulator,
  ],
  reporters: [
    defaultReporter({ reportTestResults: true, reportTestProgress: !process.env.CI }),
    summaryReporter({ flatten: false }),
    ...(countsFile ? [countReporter({ file: countsFile })] : []),
  ],
};
