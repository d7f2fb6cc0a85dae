// Browser tests: TypeScript sources run unbundled in Debian's Chromium (or any Chrome found), with a fake
// microphone and camera, next to the Live API simulator.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { CHROME_ARGS, ensureChrome } from './scripts/find-chrome.mjs';
import { commonJsPlugin, tsSiblingPlugin } from './scripts/web-plugins.mjs';
import { countReporter } from './scripts/count-reporter.mjs';
import { FIXTURES } from './scripts/make-fixtures.mjs';
import { simulatorPlugin } from './test/support/simulator-plugin.mjs';

const rootDir = path.dirname(fileURLToPath(import.meta.url));
const executablePath = ensureChrome();


const chrome = (extraArgs = []) =>
  chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...CHROME_ARGS, ...extraArgs] } });

// The fake-mic group captures a WAV of known content (a tone to keep, a tone to reject); the voice group's
// microphone says a sentence, then stays silent. scripts/test.mjs writes both files before the browser run.
for (const file of Object.values(FIXTURES)) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`node scripts/make-fixtures.mjs\` (npm test does).`);
}
const groups = [
  {
    name: 'fake-mic',
    files: 'test/fake-mic/**/*.test.ts',
    browsers: [chrome([`--use-file-for-fake-audio-capture=${FIXTURES.fakeMic}`])],
  },
  {
    name: 'voice',
    files: 'test/voice/**/*.test.ts',
    browsers: [chrome([`--use-file-for-fake-audio-capture=${FIXTURES.voice}`])],
  },
];

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
