// Runs every test: Node tests (node:test, TypeScript through tsx) and browser tests (web-test-runner in
// Chromium), then prints one closing line `N passed, N failed` for both together.
//   node scripts/test.mjs            everything
//   node scripts/test.mjs --node     Node tests only
//   node scripts/test.mjs --browser  browser tests only (extra arguments go to web-test-runner)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureChrome } from './find-chrome.mjs';
import { makeFixtures } from './make-fixtures.mjs';

const args = process.argv.slice(2);
const onlyNode = args.includes('--node');
const onlyBrowser = args.includes('--browser');
const passThrough = args.filter((arg) => arg !== '--node' && arg !== '--browser');
const work = mkdtempSync(path.join(tmpdir(), 'gemini-live-test-'));

function run(command, commandArgs, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return findTests(file);
    return /\.test\.(ts|js|mjs)$/.test(name) ? [file] : [];
  });
}

async function nodeTests() {
  const files = findTests('test/node').sort();
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0 };
  const tap = path.join(work, 'node.tap');
  const code = await run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  const result = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
  // A crash before any test reported still counts as a failure.
  if (code !== 0 && result.failed === 0) result.failed = 1;
  return result;
}

async function browserTests() {
  ensureChrome();
  // The WAVs Chromium plays as its microphone in the fake-mic and voice groups.
  await makeFixtures();
  const countsFile = path.join(work, 'browser.json');
  const code = await run(process.execPath, ['node_modules/@web/test-runner/dist/bin.js', ...passThrough], {
    WTR_COUNTS_FILE: countsFile,
  });
  const counts = existsSync(countsFile)
    ? JSON.parse(readFileSync(countsFile, 'utf8'))
    : { passed: 0, failed: 0, skipped: 0, sessionErrors: 0 };
  const result = { passed: counts.passed, failed: counts.failed + counts.sessionErrors, skipped: counts.skipped };
  if (code !== 0 && result.failed === 0) result.failed = 1;
  return result;
}

const results = [];
if (!onlyBrowser) results.push(await nodeTests());
if (!onlyNode) results.push(await browserTests());
const total = results.reduce(
  (sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
