// @ts-check
// A private redis-server (Debian's package) for the Redis rate-limiter tests and `npm run bench:server`: started on
// a free port with its files in a temporary folder, persistence off, and stopped by its process id, never by name.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './engine-services.mjs';

export { freePort };

/** Where Debian and a source build put the server; `undefined` when neither is there. */
export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((file) => existsSync(file));

const READY_TIMEOUT_MS = 10_000;

/**
 * @typedef {object} RedisServer
 * @property {number} port where it listens, on 127.0.0.1
 * @property {number} pid its process id
 * @property {() => Promise<void>} stop stops it by its process id and removes its folder
 */

/**
 * Starts redis-server and resolves once it accepts connections. A port taken by another process between the
 * check and the start makes it try another one, at most three times.
 * @returns {Promise<RedisServer>}
 */
export async function startRedis() {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed (apt-get install redis-server); .ci/run installs it');
  const dir = mkdtempSync(path.join(tmpdir(), 'gemini-live-redis-'));
  let output = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
    const child = spawn(REDIS_SERVER, [...args, '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    /** @type {(chunk: Buffer) => void} */
    let collect = () => {};
    const ready = await new Promise((resolve) => {
      collect = (chunk) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve(true);
      };
      child.stdout?.on('data', collect);
      void exited.then(() => resolve(false));
      setTimeout(() => resolve(false), READY_TIMEOUT_MS).unref();
    });
    child.stdout?.off('data', collect);
    // Keeps both pipes flowing, so that a chatty server never blocks on a full one.
    child.stdout?.resume();
    child.stderr?.resume();
    const pid = child.pid;
    if (ready && pid !== undefined) {
      return {
        port,
        pid,
        async stop() {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {
            // Gone already.
          }
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (pid !== undefined && child.exitCode === null) {
      process.kill(pid, 'SIGKILL');
      await exited;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`redis-server did not start: ${output}`);
}
