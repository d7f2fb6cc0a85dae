// Starts the helper processes that the Firefox and WebKitGTK test runs need, each private to this run: a
// PulseAudio null sink on a socket in a 0700 folder (without a sound server Firefox's AudioContext never runs),
// an Xvfb display with its own cookie and no TCP listener, and WebKitWebDriver on a free localhost port. Each
// service is stopped through its own process id (its process group), never by name.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, timeoutMs, what) {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Spawns `command` as the leader of its own process group (so that stopping it also stops what it started, such
 * as the driver's MiniBrowser) with its output in `logFile`, and returns a handle that stops it by that id.
 */
function startProcess(command, args, { env, logFile, extraStdio = [] }) {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log, ...extraStdio],
    detached: true,
  });
  let exited = false;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.on('error', (error) => {
      exited = true;
      resolve({ code: null, signal: null, error });
    });
  });
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    child,
    pid: child.pid,
    exit,
    get exited() {
      return exited;
    },
    /** Stops the process group: SIGTERM, then SIGKILL if it lingers. */
    async stop() {
      if (child.pid === undefined) return;
      signalGroup('SIGTERM');
      const settled = await Promise.race([exit.then(() => true), sleep(3000).then(() => false)]);
      if (!settled) signalGroup('SIGKILL');
      // Children of the leader (e.g. a MiniBrowser) may outlive it by a moment; the group id still reaches them.
      signalGroup('SIGKILL');
    },
  };
}

/**
 * A free TCP port on 127.0.0.1.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PulseAudio server with one null sink, reachable only through a socket in a private folder under `work`.
 * Returns `{ env, stop }`: `env.PULSE_SERVER` points clients at it.
 */
export async function startPulseAudio({ pulseaudio = 'pulseaudio', pacat = 'pacat', work }) {
  const runtimeDir = mkdtempSync(path.join(work, 'pulse-'));
  chmodSync(runtimeDir, 0o700);
  const socket = path.join(runtimeDir, 'pulse', 'native');
  const service = startProcess(
    pulseaudio,
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--use-pid-file=no',
      '--log-target=stderr', ...(process.env.PULSE_VERBOSE ? ['-v'] : []),
      '--load=module-null-sink sink_name=nullsink',
      // The socket's folder is 0700: only this user reaches it, so no cookie file needs to be shared.
      '--load=module-native-protocol-unix auth-anonymous=1',
    ],
    {
      env: { XDG_RUNTIME_DIR: runtimeDir, HOME: runtimeDir, XDG_CONFIG_HOME: runtimeDir },
      logFile: path.join(work, 'pulseaudio.log'),
    },
  );
  try {
    await until(() => service.exited || existsSync(socket), 15_000, 'the PulseAudio socket');
    if (service.exited) throw new Error(`PulseAudio exited at start (see ${path.join(work, 'pulseaudio.log')})`);
  } catch (error) {
    await service.stop();
    throw error;
  }
  const env = { PULSE_SERVER: `unix:${socket}` };
  // An idle null sink renders in 2 s blocks, so a new stream (each AudioContext) waits up to 2 s for its first
  // callback. One endless stream of silence with a short latency keeps the sink's blocks short: contexts then
  // start in about 30 ms.
  const keepAlive = startProcess(
    pacat,
    ['--playback', '--raw', '--format=s16le', '--rate=48000', '--channels=1', '--latency-msec=20', '/dev/zero'],
    { env, logFile: path.join(work, 'pacat.log') },
  );
  const stop = () => Promise.all([keepAlive.stop(), service.stop()]);
  return { pid: service.pid, pids: [service.pid, keepAlive.pid], env, stop };
}

/**
 * An Xvfb display that listens on its local socket only and admits clients holding a fresh cookie.
 * Returns `{ env, stop }` with `DISPLAY` and `XAUTHORITY` for its clients.
 */
export async function startXvfb({ xvfb = 'Xvfb', xauth = 'xauth', work }) {
  const authFile = path.join(mkdtempSync(path.join(work, 'x11-')), 'Xauthority');
  const cookie = randomBytes(16).toString('hex');
  // The server loads every cookie in its -auth file whatever display it names; clients look theirs up by display
  // number, which Xvfb picks itself (-displayfd) and is added below.
  execFileSync(xauth, ['-q', '-f', authFile, 'add', ':0', '.', cookie], { stdio: ['ignore', 'ignore', 'pipe'] });
  const service = startProcess(
    xvfb,
    ['-displayfd', '3', '-nolisten', 'tcp', '-auth', authFile, '-screen', '0', '1280x800x24', '-nocursor'],
    { logFile: path.join(work, 'xvfb.log'), extraStdio: ['pipe'] },
  );
  try {
    const display = await new Promise((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error('timed out waiting for Xvfb to pick a display')), 15_000);
      service.child.stdio[3].on('data', (data) => {
        text += data.toString();
        if (text.includes('\n')) {
          clearTimeout(timer);
          resolve(text.trim());
        }
      });
      void service.exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`Xvfb exited at start (see ${path.join(work, 'xvfb.log')})`));
      });
    });
    execFileSync(xauth, ['-q', '-f', authFile, 'add', `:${display}`, '.', cookie], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { pid: service.pid, env: { DISPLAY: `:${display}`, XAUTHORITY: authFile }, stop: () => service.stop() };
  } catch (error) {
    await service.stop();
    throw error;
  }
}

/**
 * WebKitWebDriver on a free localhost port, with `env` (the display, the sound server) passed on to the
 * MiniBrowser it launches. Returns `{ port, stop }`.
 */
export async function startWebKitDriver({ driver = 'WebKitWebDriver', env = {}, work }) {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const service = startProcess(driver, [`--port=${port}`, '--host=local'], {
      env,
      logFile: path.join(work, 'webkitwebdriver.log'),
    });
    const ready = async () => {
      if (service.exited) return true;
      try {
        const response = await fetch(`http://127.0.0.1:${port}/status`);
        return response.ok;
      } catch {
        return false;
      }
    };
    try {
      await until(ready, 15_000, 'WebKitWebDriver');
    } catch (error) {
      await service.stop();
      throw error;
    }
    if (!service.exited) return { pid: service.pid, port, stop: () => service.stop() };
    // Another process took the port between our check and the driver's start: try another.
    if (attempt >= 3) throw new Error(`WebKitWebDriver exited at start (see ${path.join(work, 'webkitwebdriver.log')})`);
  }
}
