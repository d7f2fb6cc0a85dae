// The processes `npm run bench:server` starts, pinned to a core each, and their cleanup: every one is stopped by
// its own process id when the bench ends, whether it finishes, throws or is interrupted.
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');

const STOP_GRACE_MS = 5000;

/** Process ids still running, for the last-resort cleanup on exit. */
const running = new Set();

process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(130));
}

/** Registers a process started elsewhere (redis-server) so that it is killed if the bench dies first. */
export function track(pid) {
  running.add(pid);
  return () => running.delete(pid);
}

/** Whether `taskset` can pin processes here: a second core is needed for the load generator. */
export function canPin() {
  if (os.availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins a running process, all its threads included (libuv's pool, V8's GC helpers), to one core. */
export function pin(pid, core) {
  execFileSync('taskset', ['-a', '-cp', String(core), String(pid)], { stdio: 'ignore' });
}

/**
 * Starts `node --import tsx <script>` (so it can load src/server's TypeScript), on `core` when given, with an IPC
 * channel. Resolves once the child sends `{ type: 'ready' }`, with that message and a handle to talk to and stop it.
 */
export async function startChild(script, { core, nodeArgs = [], env = {} } = {}) {
  const node = [process.execPath, ...nodeArgs, '--import', 'tsx', path.join(here, script)];
  const [command, ...args] = core === undefined ? node : ['taskset', '-c', String(core), ...node];
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  running.add(child.pid);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => running.delete(child.pid));

  const replies = [];
  const waiting = [];
  child.on('message', (message) => (waiting.length ? waiting.shift()(message) : replies.push(message)));
  const next = () =>
    new Promise((resolve, reject) => {
      if (replies.length) return resolve(replies.shift());
      waiting.push(resolve);
      void exited.then(({ code, signal }) => reject(new Error(`${script} exited (${signal ?? code})`)));
    });

  const ready = await next();
  if (ready?.type !== 'ready') throw new Error(`${script} did not start: ${JSON.stringify(ready)}`);
  return {
    pid: child.pid,
    ready,
    /** Sends a request and resolves with the child's answer (the child answers in order). */
    ask(message) {
      child.send(message);
      return next();
    },
    /** Asks the child to exit (so that --cpu-prof writes its profile), then kills it by its id if it lingers. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
