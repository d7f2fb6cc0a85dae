// `npm run bench:server`: how much one instance of gemini-live/server carries, on one core. Prints Markdown tables
// (BENCHMARKS.md quotes them):
//   1. the Vertex proxy (createVertexProxy) relaying N voice sessions, each streaming 16 kHz microphone audio up at
//      50 messages/s and receiving 24 kHz model audio at 25 messages/s: one-way latency each way through the proxy
//      and over direct connections (the baseline), what the proxy adds, its CPU time and memory per session,
//      messages lost, and the largest N whose added p99 latency stays within 10 ms each way;
//   2. the token endpoint (createTokenHandler + toNodeHandler) behind keep-alive clients: tokens per second,
//      latency and the server's CPU time per token, with the in-memory rate limiter and with the Redis one (a
//      private redis-server).
// The server under test runs alone in a child process pinned to core 0 (its CPU time and memory are its own);
// the load generator, the upstream stand-ins and redis-server share core 1.
// Options:
//   --quick                 a few seconds in all (CI checks that the bench runs): 20 sessions, short windows
//   --sessions 100,250      the session counts to measure (default 100,250,500,1000)
//   --only proxy|tokens     one half only
//   --profile               the servers under --cpu-prof (the proxy at 500 sessions, or --sessions, without the
//                           direct baseline): where their time goes
//   --profile-dir <dir>     keeps the .cpuprofile files there (default: a temporary folder, removed)
//   --no-direct             skips the direct baseline (to compare builds of the proxy faster): no added latency
//   --no-pipe               skips the byte pipe (a TCP pass-through in the proxy's place: the floor any relay pays
//                           here); with --profile, --pipe profiles it too
//   --server-module <file>  another build of src/server/index.ts for both servers (a scratch copy with a change to try)
//   --proxy-node-args "…"   extra node options for the proxy child (e.g. "--trace-gc")
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startRedis } from '../scripts/redis-server.mjs';
import { fixed, percentile, progress, table } from './report.mjs';
import { LIVE_PATH, Tally, runSessions, startUpstream } from './server/audio-load.mjs';
import { DOWN, UP } from './server/audio-wire.mjs';
import { canPin, pin, startChild, track } from './server/processes.mjs';
import { selfTimes } from './server/profile.mjs';
import { CLIENT_HEADER, runTokenLoad, startTokenService } from './server/token-load.mjs';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : fallback;
};
const QUICK = argv.includes('--quick');
const PROFILE = argv.includes('--profile');
const DIRECT = !argv.includes('--no-direct') && !PROFILE;
/** The byte pipe, for the floor: with --profile, only when asked for (--pipe). */
const PIPE = PROFILE ? argv.includes('--pipe') : !argv.includes('--no-pipe');
const PROXY = 'proxy-child.mjs';
const ONLY = arg('only', 'proxy,tokens').split(',');
const SESSIONS = arg('sessions', QUICK ? '20' : PROFILE ? '500' : '100,250,500,1000').split(',').map(Number);
const PROFILE_DIR = arg('profile-dir', undefined);
/** Where the children load gemini-live/server from. */
const SERVER_ENV = { SERVER_MODULE: path.resolve(arg('server-module', 'src/server/index.ts')) };
const PROXY_NODE_ARGS = arg('proxy-node-args', '').split(' ').filter(Boolean);
const PROXY_ENV = SERVER_ENV;
if (!SESSIONS.every((n) => Number.isInteger(n) && n > 0)) throw new Error('--sessions needs positive whole numbers');

const WARMUP_MS = QUICK ? 500 : 2000;
const MEASURE_MS = QUICK ? 2000 : 8000;
/** How long messages sent in the window may take to arrive after it before they count as lost. */
const DRAIN_MS = 2000;
/** A fresh proxy settles (JIT, lazy imports) before its idle memory is read. */
const IDLE_SETTLE_MS = 300;
const TOKEN_WARMUP_MS = QUICK ? 300 : 3000;
const TOKEN_MEASURE_MS = QUICK ? 1000 : 5000;

/** The latency the proxy may add at p99, each way. */
const ADDED_LIMIT_MS = 10;
/** Added latency past this many times the limit, or any loss, makes larger session counts pointless. */
const FAR_BEYOND = 10;
/** A load generator busier than this is what limits the figures. */
const GENERATOR_SATURATED = 0.9;
/** A run that sent less than this share of the planned messages did not load the proxy as planned. */
const FULL_RATE = 0.98;

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const pinned = canPin();
const serverCore = pinned ? SERVER_CORE : undefined;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percent = (share) => `${fixed(share * 100, 0)} %`;
const thousands = (value) => Math.round(value).toLocaleString('en-US');

/** CPU time (ms) between two `process.cpuUsage()` readings. */
const cpuMs = (start, end) => (end.user - start.user + end.system - start.system) / 1000;

// ---- Vertex proxy ----------------------------------------------------------------------------------------------

/**
 * One run of `n` sessions: straight to the upstream stand-in (`via` undefined), or through a fresh child, the
 * proxy (`proxy-child.mjs`) or the byte pipe that stands for the floor of any relay (`pipe-child.mjs`).
 */
async function measureSessions(n, via) {
  const proxied = via !== undefined;
  const capacity = (perSecond) => Math.ceil((n * perSecond * MEASURE_MS) / 1000 + n * 10);
  const upTally = new Tally(capacity(UP.perSecond));
  const downTally = new Tally(capacity(DOWN.perSecond));
  const upstream = await startUpstream(upTally);
  const profileDir = PROFILE && proxied ? profileFolder(path.basename(via, '-child.mjs')) : undefined;
  let proxy;
  try {
    let url = upstream.url;
    let idle;
    let probe;
    if (proxied) {
      proxy = await startChild(via, {
        core: serverCore,
        nodeArgs: [...PROXY_NODE_ARGS, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
        env: { UPSTREAM_URL: upstream.url, ...PROXY_ENV },
      });
      await sleep(IDLE_SETTLE_MS);
      idle = await proxy.ask({ type: 'stats' });
      url = `${proxy.ready.url}${LIVE_PATH}`;
      probe = async () => ({ ...(await proxy.ask({ type: 'stats' })), at: performance.now() });
    }
    const run = await runSessions({ n, upstream, url, upTally, downTally, warmupMs: WARMUP_MS, measureMs: MEASURE_MS, drainMs: DRAIN_MS, probe });
    const [upP50, upP99] = upTally.percentiles(50, 99);
    const [downP50, downP99] = downTally.percentiles(50, 99);
    const planned = (n * (UP.perSecond + DOWN.perSecond) * MEASURE_MS) / 1000;
    const result = {
      n,
      fullRate: (upTally.sent + downTally.sent) / planned >= FULL_RATE,
      upP50,
      upP99,
      downP50,
      downP99,
      up: { sent: upTally.sent, lost: upTally.sent - upTally.received },
      down: { sent: downTally.sent, lost: downTally.sent - downTally.received },
      generatorBusy: run.generatorBusy,
      lostSessions: run.lostSessions,
    };
    if (!proxied) return result;
    const wallMs = run.end.at - run.start.at;
    const busyMs = cpuMs(run.start.cpu, run.end.cpu);
    const kernelMs = (run.end.cpu.system - run.start.cpu.system) / 1000;
    return {
      ...result,
      proxyBusy: busyMs / wallMs,
      kernelShare: kernelMs / busyMs,
      cpuPerSession: busyMs / (wallMs / 1000) / n,
      rssPerSessionKiB: (run.end.rss - idle.rss) / n / 1024,
      errors: run.end.errors,
      firstErrors: run.end.firstErrors,
    };
  } finally {
    await proxy?.stop();
    await upstream.close();
    if (profileDir) printProfile(profileDir, `the ${via === PROXY ? 'proxy' : 'byte pipe'} at ${n} sessions`);
  }
}

/** Stands in for the direct baseline when it is skipped: every figure derived from it shows as "–". */
const UNMEASURED = {
  fullRate: true,
  upP50: NaN,
  upP99: NaN,
  downP50: NaN,
  downP99: NaN,
  up: { sent: 0, lost: 0 },
  down: { sent: 0, lost: 0 },
  generatorBusy: 0,
};

/**
 * Why more sessions would tell nothing new after this run, if so: the proxy already far past the limits, or the
 * load generator already unable to keep up.
 */
function noPointGoingOn(direct, proxied) {
  const added = Math.max(proxied.upP99 - direct.upP99, proxied.downP99 - direct.downP99);
  if (!(added <= ADDED_LIMIT_MS * FAR_BEYOND)) return `the proxy added over ${ADDED_LIMIT_MS * FAR_BEYOND} ms at p99`;
  if (proxied.up.lost + proxied.down.lost > 0 || proxied.lostSessions > 0) return 'the proxy lost messages';
  if (Math.max(direct.generatorBusy, proxied.generatorBusy) > GENERATOR_SATURATED || !direct.fullRate || !proxied.fullRate) {
    return 'the load generator already used its whole core';
  }
  return undefined;
}

/** Whether the load generator kept up in both runs at this N: otherwise "added" compares two of its own queues. */
function judged(direct, proxied) {
  return Math.max(direct.generatorBusy, proxied.generatorBusy) <= GENERATOR_SATURATED && direct.fullRate && proxied.fullRate;
}

function holds(direct, proxied) {
  const lost = proxied.up.lost + proxied.down.lost + proxied.lostSessions;
  return (
    judged(direct, proxied) &&
    lost === 0 &&
    proxied.upP99 - direct.upP99 <= ADDED_LIMIT_MS &&
    proxied.downP99 - direct.downP99 <= ADDED_LIMIT_MS
  );
}

const sentLost = ({ sent, lost }) => `${thousands(sent)} / ${thousands(lost)}`;

async function benchProxy() {
  console.log('## Vertex proxy: one core, N voice sessions\n');
  console.log(
    `Each session: microphone audio up at ${UP.perSecond} messages/s (${UP.ms} ms of ${UP.rate / 1000} kHz PCM16, ` +
      `base64 in \`realtimeInput\` JSON, text frames), model audio down at ${DOWN.perSecond} messages/s ` +
      `(${DOWN.ms} ms of ${DOWN.rate / 1000} kHz PCM16 in \`serverContent\` JSON, binary frames). Per N: ` +
      `${WARMUP_MS / 1000} s warm-up, ${MEASURE_MS / 1000} s measured. "direct": the same clients straight to the ` +
      'upstream stand-in, no proxy.\n',
  );
  const results = [];
  let skipped;
  for (const [index, n] of SESSIONS.entries()) {
    progress(`${n} sessions, direct`);
    const direct = DIRECT ? await measureSessions(n, undefined) : UNMEASURED;
    progress(`${n} sessions, through the proxy`);
    const proxied = await measureSessions(n, PROXY);
    if (proxied.errors) progress(`the proxy reported ${proxied.errors} errors: ${proxied.firstErrors.join('; ')}`);
    let pipe;
    if (PIPE) {
      progress(`${n} sessions, through a byte pipe`);
      pipe = await measureSessions(n, 'pipe-child.mjs');
    }
    results.push({ n, direct, proxied, pipe });
    const reason = DIRECT ? noPointGoingOn(direct, proxied) : undefined;
    if (reason && index < SESSIONS.length - 1) {
      skipped = { counts: SESSIONS.slice(index + 1), reason };
      break;
    }
  }
  if (PROFILE) return;
  printProxyTables(results, skipped);
}

function printProxyTables(results, skipped) {
  const latencyRow = (n, label, r) => [
    n,
    label,
    fixed(r.upP50, 2),
    fixed(r.upP99, 2),
    fixed(r.downP50, 2),
    fixed(r.downP99, 2),
    sentLost(r.up),
    sentLost(r.down),
    percent(r.generatorBusy),
  ];
  console.log('### One-way latency (ms)\n');
  console.log(
    table(
      ['sessions', 'path', 'up p50', 'up p99', 'down p50', 'down p99', 'up sent / lost', 'down sent / lost', 'load generator core busy'],
      results.flatMap(({ n, direct, proxied }) => [
        ...(DIRECT ? [latencyRow(n, 'direct', direct)] : []),
        latencyRow(n, 'proxy', proxied),
      ]),
    ),
  );
  console.log('\n### What the proxy adds and costs\n');
  console.log(
    table(
      ['sessions', 'added up p50 (ms)', 'added up p99 (ms)', 'added down p50 (ms)', 'added down p99 (ms)', 'proxy CPU (ms/s per session)', 'proxy core busy', 'of it in the kernel', 'RSS per session (KiB)', 'messages lost', 'sessions dropped'],
      results.map(({ n, direct, proxied }) => [
        n,
        fixed(proxied.upP50 - direct.upP50, 2),
        fixed(proxied.upP99 - direct.upP99, 2),
        fixed(proxied.downP50 - direct.downP50, 2),
        fixed(proxied.downP99 - direct.downP99, 2),
        fixed(proxied.cpuPerSession, 3),
        percent(proxied.proxyBusy),
        percent(proxied.kernelShare),
        fixed(proxied.rssPerSessionKiB, 0),
        thousands(proxied.up.lost + proxied.down.lost),
        proxied.lostSessions,
      ]),
    ),
  );
  const held = results.filter(({ direct, proxied }) => holds(direct, proxied)).map(({ n }) => n);
  const measured = results.map(({ n }) => n).join(', ');
  const largest = held.length ? Math.max(...held) : undefined;
  const unjudged = results.filter(({ direct, proxied }) => !judged(direct, proxied)).map(({ n }) => n);
  console.log(
    `\nLargest N one core holds with p99 added latency ≤ ${ADDED_LIMIT_MS} ms each way and no loss: ` +
      `${largest === undefined ? 'none' : `**${largest}**`} (of ${measured} measured` +
      `${unjudged.length ? `; not judged at ${unjudged.join(', ')}, where the load generator could not keep up` : ''}).`,
  );
  if (skipped) {
    console.log(`\nNot measured: ${skipped.counts.join(', ')} sessions; at ${results.at(-1).n}, ${skipped.reason}.`);
  }
  printFloor(results);
  const saturated = results.filter(({ direct, proxied }) => Math.max(direct.generatorBusy, proxied.generatorBusy) > GENERATOR_SATURATED);
  if (saturated.length) {
    console.log(
      `\nLimit of the bench: the load generator's own core was over ${percent(GENERATOR_SATURATED)} busy at ` +
        `${saturated.map(({ n }) => n).join(', ')} sessions, so latencies there (the direct baseline included) ` +
        'are partly its own queueing.',
    );
  }
  const short = results.filter(({ direct, proxied }) => !direct.fullRate || !proxied.fullRate);
  if (DIRECT && short.length) {
    console.log(
      `\nAt ${short.map(({ n }) => n).join(', ')} sessions the load generator sent under ` +
        `${percent(FULL_RATE)} of the planned messages: the proxy was not loaded as planned there.`,
    );
  }
  if (!pinned) console.log('\nNot pinned: taskset or a second core is missing, so both sides shared the cores.');
  console.log('');
}

/**
 * The byte pipe against the proxy: what any relay pays here for moving the same messages through one process (the
 * kernel's socket work, on loopback both ends of each TCP write, and Node's streams), and what the proxy's
 * WebSocket framing, masking and checks add on top.
 */
function printFloor(results) {
  const piped = results.filter(({ pipe }) => pipe);
  if (!piped.length) return;
  console.log(
    '\n### The floor: a byte pipe in the proxy\'s place\n\n' +
      'A TCP pass-through (`bench/server/pipe-child.mjs`) on the same core, copying bytes between each client and ' +
      'the upstream stand-in: one read and one write per message each way, as in the proxy, with no WebSocket ' +
      'framing, masking or checks.\n',
  );
  console.log(
    table(
      ['sessions', 'pipe CPU (ms/s per session)', 'pipe core busy', 'of it in the kernel', 'pipe added up p99 (ms)', 'pipe added down p99 (ms)', 'proxy CPU over pipe CPU'],
      piped.map(({ n, direct, proxied, pipe }) => [
        n,
        fixed(pipe.cpuPerSession, 3),
        percent(pipe.proxyBusy),
        percent(pipe.kernelShare),
        fixed(pipe.upP99 - direct.upP99, 2),
        fixed(pipe.downP99 - direct.downP99, 2),
        `${fixed(proxied.cpuPerSession / pipe.cpuPerSession, 2)}×`,
      ]),
    ),
  );
}

/** A folder of its own for one child's profile: under --profile-dir, kept; else temporary. */
function profileFolder(name) {
  if (!PROFILE_DIR) return mkdtempSync(path.join(os.tmpdir(), `gemini-live-${name}-profile-`));
  mkdirSync(PROFILE_DIR, { recursive: true });
  return mkdtempSync(path.join(path.resolve(PROFILE_DIR), `${name}-`));
}

function printProfile(dir, what) {
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: thread 0 is the main thread (module hooks run in another).
  const file = readdirSync(dir).find((name) => /\.0\.\d+\.cpuprofile$/.test(name));
  if (!file) {
    console.log(`No CPU profile was written in ${dir}.`);
    return;
  }
  const { busyMs, rows } = selfTimes(path.join(dir, file));
  console.log(`### Where the time of ${what} goes (self time, of ${fixed(busyMs / 1000, 2)} s busy)\n`);
  console.log(
    table(
      ['function', 'self ms', 'share'],
      rows.slice(0, 25).map(({ name, ms }) => [name.replaceAll('|', '\\|'), fixed(ms, 0), percent(ms / busyMs)]),
    ),
  );
  console.log(PROFILE_DIR ? `Profile: ${path.join(dir, file)}\n` : '');
  if (!PROFILE_DIR) rmSync(dir, { recursive: true, force: true });
}

// ---- token endpoint --------------------------------------------------------------------------------------------

async function measureTokens(service, redisPort) {
  const profileDir = PROFILE ? profileFolder('tokens') : undefined;
  const child = await startChild('token-child.mjs', {
    core: serverCore,
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    env: { ...SERVER_ENV, TOKEN_SERVICE_URL: service.url, CLIENT_HEADER, ...(redisPort ? { REDIS_PORT: String(redisPort) } : {}) },
  });
  try {
    const probe = async () => ({ ...(await child.ask({ type: 'stats' })), at: performance.now() });
    const run = await runTokenLoad({ url: child.ready.url, warmupMs: TOKEN_WARMUP_MS, measureMs: TOKEN_MEASURE_MS, probe });
    const sorted = Float64Array.from(run.latencies).sort();
    const ok = run.statuses.get(200) ?? 0;
    const other = [...run.statuses].filter(([status]) => status !== 200);
    if (run.end.errors) progress(`the token handler reported ${run.end.errors} errors: ${run.end.firstErrors.join('; ')}`);
    return {
      perSecond: ok / run.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      ok,
      other: other.length ? other.map(([status, count]) => `${count} × ${status}`).join(', ') : '0',
      busy: cpuMs(run.start.cpu, run.end.cpu) / (run.end.at - run.start.at),
      // CPU per token: steadier than tokens/s when something else on the machine takes turns on the server's core.
      cpuPerToken: ok ? cpuMs(run.start.cpu, run.end.cpu) / ok : Number.NaN,
      generatorBusy: run.generatorBusy,
    };
  } finally {
    await child.stop();
    if (profileDir) printProfile(profileDir, `the token endpoint (${redisPort ? 'Redis' : 'memory'} limiter)`);
  }
}

async function benchTokens() {
  console.log('## Token endpoint: one core\n');
  console.log(
    `\`toNodeHandler(createTokenHandler(…))\` on Node's http server, minting through a stand-in token service that ` +
      `answers at once; keep-alive clients POST \`{}\` naming 4,096 client addresses in turn (trusted header). ` +
      `${TOKEN_WARMUP_MS / 1000} s warm-up, ${TOKEN_MEASURE_MS / 1000} s measured.\n`,
  );
  const service = await startTokenService();
  let redis;
  let untrack;
  try {
    progress('tokens, memory limiter');
    const memory = await measureTokens(service);
    progress('tokens, Redis limiter');
    redis = await startRedis();
    untrack = track(redis.pid);
    if (pinned) pin(redis.pid, LOAD_CORE);
    const shared = await measureTokens(service, redis.port);
    const row = (label, r) => [
      label,
      thousands(r.perSecond),
      fixed(r.p50, 2),
      fixed(r.p99, 2),
      thousands(r.ok),
      r.other,
      percent(r.busy),
      percent(r.generatorBusy),
      fixed(r.cpuPerToken, 3),
    ];
    console.log(
      table(
        ['rate limiter', 'tokens/s', 'p50 (ms)', 'p99 (ms)', '200', 'not 200', 'server core busy', 'load generator core busy', 'server CPU per token (ms)'],
        [row('memory', memory), row('Redis', shared)],
      ),
    );
    console.log('');
  } finally {
    await redis?.stop();
    untrack?.();
    await service.close();
  }
}

// ---- main --------------------------------------------------------------------------------------------------------

function wsVersion() {
  return createRequire(import.meta.url)('ws/package.json').version;
}

async function main() {
  if (pinned) pin(process.pid, LOAD_CORE);
  const cpu = os.cpus();
  console.log('# gemini-live/server: one instance\n');
  console.log(
    `Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${os.platform()} ${os.release()}, ` +
      `Node ${process.version}, ws ${wsVersion()}. ` +
      (pinned
        ? `Server under test on core ${SERVER_CORE}; load generator, stand-ins and redis-server on core ${LOAD_CORE}.`
        : 'Not pinned (taskset or a second core missing).') +
      (QUICK ? ' Quick run: short windows, for CI.' : '') +
      '\n',
  );
  if (ONLY.includes('proxy')) await benchProxy();
  if (ONLY.includes('tokens')) await benchTokens();
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
// Stops whatever is left (the exit handler kills remaining children by their ids) rather than waiting on sockets.
process.exit();
