// Runs every test: Node tests (node:test, TypeScript through tsx) and the browser suites (web-test-runner) in
// Chromium, Firefox and WebKitGTK, then prints one closing line `N passed, N failed` for all of them together.
//   node scripts/test.mjs                         everything
//   node scripts/test.mjs --node                  Node tests only
//   node scripts/test.mjs --browser               browser tests only (extra arguments go to web-test-runner)
//   node scripts/test.mjs --engine=firefox,webkit browser tests in these engines only (with --browser or alone)
//   node scripts/test.mjs --bench                 the playback latency benchmark in each engine, as a table
//   node scripts/test.mjs --timings               also the browser test files and tests that took longest, per engine
// Firefox gets a private PulseAudio server, WebKitGTK an Xvfb display and WebKitWebDriver; each is stopped by its
// process id when its run ends. An engine missing on a developer's machine is one line naming what to install;
// in CI (CI set) it counts as a failure instead, so CI always covers all three.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureChrome } from './find-chrome.mjs';
import { locateEngine, missingMessage } from './find-engines.mjs';
import { startPulseAudio, startWebKitDriver, startXvfb } from './engine-services.mjs';
import { makeFixtures } from './make-fixtures.mjs';

const ENGINES = ['chromium', 'firefox', 'webkit'];
const LABELS = { chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKitGTK' };

const args = process.argv.slice(2);
const engineArg = args.find((arg) => arg.startsWith('--engine='));
const engines = engineArg ? engineArg.slice('--engine='.length).split(',').filter(Boolean) : ENGINES;
for (const engine of engines) {
  if (!ENGINES.includes(engine)) {
    console.error(`Unknown engine ${engine}: use ${ENGINES.join(', ')}.`);
    process.exit(2);
  }
}
const bench = args.includes('--bench');
const onlyNode = args.includes('--node');
const onlyBrowser = args.includes('--browser') || Boolean(engineArg) || bench;
const timings = args.includes('--timings');
const passThrough = args.filter((arg) => !['--node', '--browser', '--bench', '--timings', engineArg].includes(arg));
const work = mkdtempSync(path.join(tmpdir(), 'gemini-live-test-'));

// Services still running when this process ends (an error, Ctrl-C) are stopped here, by their process ids.
const running = new Set();
async function stop(services) {
  await Promise.all(services.map((service) => service.stop()));
  for (const service of services) running.delete(service);
}
// On a crash there is no time for a graceful stop: each service's process group is killed by its id.
process.on('exit', () => {
  for (const pid of [...running].flatMap((service) => service.pids ?? [service.pid])) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void stop([...running]).finally(() => process.exit(1));
  });
}
async function startService(services, start) {
  const service = await start();
  running.add(service);
  services.push(service);
  return service;
}

/** Runs a command to its end, its output going to the terminal. */
function run(command, commandArgs, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => {
      resolve(code ?? (signal ? 1 : 0));
    });
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
    // Two files at a time: much of the suite waits on sockets, timers and child processes.
    '--test-concurrency=2',
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

/**
 * Starts what `engine` needs and returns the environment for its test run. Both get a private PulseAudio null
 * sink: Firefox's AudioContext never runs without a sound server, and WebKitGTK's GStreamer output renders in
 * uneven bursts without one (its first second of playback underran).
 */
async function startEngine(engine, services) {
  const { programs } = locateEngine(engine);
  const dir = mkdtempSync(path.join(work, `${engine}-`));
  const pulse = await startService(services, () => startPulseAudio({ pulseaudio: programs.pulseaudio, pacat: programs.pacat, work: dir }));
  if (engine === 'firefox') return { env: { ...pulse.env } };
  const display = await startService(services, () => startXvfb({ xvfb: programs.xvfb, xauth: programs.xauth, work: dir }));
  const driver = await startService(services, () =>
    startWebKitDriver({ driver: programs.driver, env: { ...display.env, ...pulse.env }, work: dir }),
  );
  return { env: { WEBKIT_DRIVER_PORT: String(driver.port) }, browserLog: path.join(dir, 'webkitwebdriver.log') };
}

// A run can break off for reasons outside the tests: WebKitGTK's web process (not the page) now and then crashes,
// a segfault in libwebkit2gtk on its AudioWorklet thread (the kernel log says so; the driver logs "WebProcess
// CRASHED"), and two runs in a row have crashed; and a WebDriver request to its driver has once gone unanswered
// until it timed out, which stopped the test runner before it finished. Such a run is repeated, at most twice,
// and says so; a third that breaks off, or any test failure in a run that finished, stands.
async function browserTests(engine) {
  let result = await browserRun(engine);
  for (let repeat = 1; result.crashed && repeat <= 2; repeat++) {
    console.log(`\n${LABELS[engine]}'s run broke off (${result.crashed}); running ${LABELS[engine]}'s tests again (${repeat} of 2).\n`);
    result = await browserRun(engine);
  }
  if (result.crashed) console.log(`\n${LABELS[engine]}'s run broke off a third time (${result.crashed}).\n`);
  return result;
}

async function browserRun(engine) {
  if (engine === 'chromium') {
    ensureChrome();
    if (!bench) await makeFixtures();
  } else {
    const { ready, packages } = locateEngine(engine);
    if (!ready) {
      console.error(missingMessage(engine, packages));
      return { passed: 0, failed: process.env.CI ? 1 : 0, skipped: 0, missing: true };
    }
  }
  const countsFile = path.join(work, `browser-${engine}.json`);
  let env;
  let browserLog;
  const services = [];
  try {
    ({ env, browserLog } = engine === 'chromium' ? { env: {} } : await startEngine(engine, services));
  } catch (error) {
    console.error(`${LABELS[engine]} could not start: ${error instanceof Error ? error.message : error}`);
    await stop(services);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const wtr = ['node_modules/@web/test-runner/dist/bin.js', ...passThrough];
  const code = await run(
    process.execPath,
    wtr,
    {
      ...env,
      TEST_ENGINE: engine,
      WTR_COUNTS_FILE: countsFile,
      ...(bench ? { BENCH_OUT: benchFile } : {}),
    },
  );
  await stop(services);
  // The counts are written when the runner finishes its run; without them, it stopped before.
  const finished = existsSync(countsFile);
  const counts = finished
    ? JSON.parse(readFileSync(countsFile, 'utf8'))
    : { passed: 0, failed: 0, skipped: 0, sessionErrors: 0 };
  const result = { passed: counts.passed, failed: counts.failed + counts.sessionErrors, skipped: counts.skipped, files: counts.files, tests: counts.tests };
  if (code !== 0 && result.failed === 0) result.failed = 1;
  if (result.failed > 0 && browserLog && existsSync(browserLog)) {
    const crash = /^.*WebProcess CRASHED.*$/m.exec(readFileSync(browserLog, 'utf8'));
    if (crash) result.crashed = `${path.relative(work, browserLog)}: ${crash[0].trim()}`;
  }
  if (!finished && !result.crashed) result.crashed = `the test runner stopped before its run finished (exit code ${code})`;
  return result;
}

const benchFile = path.join(work, 'bench.jsonl');

/** The benchmark's figures as a Markdown table, one row per engine. */
function benchTable() {
  if (!existsSync(benchFile)) return 'No benchmark figures were written.';
  const rows = readFileSync(benchFile, 'utf8')
    .trim()
    .split('\n')
    .map((text) => JSON.parse(text))
    .sort((a, b) => ENGINES.indexOf(a.engine) - ENGINES.indexOf(b.engine));
  const ms = (value) => value.toFixed(1);
  return [
    '| Engine | Context rate | First sound, median / max (ms) | Interruption silence, median / max (ms) | Reported base + output latency (ms) |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${LABELS[r.engine]} | ${r.sampleRate} Hz | ${ms(r.firstSoundMs.median)} / ${ms(r.firstSoundMs.max)} | ` +
        `${ms(r.silenceMs.median)} / ${ms(r.silenceMs.max)} | ${ms(r.baseLatencyMs)} + ${ms(r.outputLatencyMs)} |`,
    ),
  ].join('\n');
}

const line = (r) => `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
// Rounded to whole seconds first, so that 8 min 59.6 s reads 9m00s, not 8m60s.
const seconds = (ms) => {
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
};

const results = [];
const started = Date.now();
/** Runs one part of the suite and times it. */
async function part(name, task) {
  const at = Date.now();
  return { name, ...(await task()), ms: Date.now() - at };
}
// One part after another: side by side on 2 cores, the engines' real-time audio and video tests miss their
// bounds, and so does the Node suite's end-to-end demo test.
if (!onlyBrowser) results.push(await part('Node', nodeTests));
if (!onlyNode) {
  for (const engine of engines) results.push(await part(LABELS[engine], () => browserTests(engine)));
}
const total = results.reduce(
  (sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log('');
if (bench) console.log(`${benchTable()}\n`);
if (timings) {
  for (const r of results.filter((result) => result.files)) {
    console.log(`${r.name}, the slowest files:`);
    for (const [file, ms] of Object.entries(r.files).sort((a, b) => b[1] - a[1]).slice(0, 10)) {
      console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${path.relative(process.cwd(), file)}`);
    }
    console.log(`${r.name}, the slowest tests:`);
    for (const [name, ms] of [...r.tests].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
      console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
    }
  }
}
for (const r of results) console.log(`${r.name}: ${r.missing ? 'not installed' : `${line(r)} in ${seconds(r.ms)}`}`);
console.log(`All: ${seconds(Date.now() - started)}`);
// Logs of the helper processes stay for a failed run.
if (total.failed === 0) rmSync(work, { recursive: true, force: true });
else if (existsSync(work)) console.log(`Logs: ${work}`);
console.log(`\n${line(total)}`);
process.exit(total.failed > 0 ? 1 : 0);
