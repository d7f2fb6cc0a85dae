// Runs the Vertex proxy (test/support/proxy-server.mjs) next to web-test-runner, so that browser tests can open
// WebSockets through it with each engine's own WebSocket stack. Tests import `/__proxy__.js` for its URL. The
// process is started when the dev server starts and stopped by its id when it stops.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export function proxyPlugin({ rootDir }) {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  let url = '';
  return {
    name: 'vertex-proxy',
    async serverStart() {
      child = spawn(process.execPath, ['--import', 'tsx', path.join(rootDir, 'test/support/proxy-server.mjs')], {
        cwd: rootDir,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout });
      url = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the Vertex proxy for the browser tests did not start')), 30_000);
        lines.on('line', (line) => {
          if (!line.startsWith('ready ')) return;
          clearTimeout(timer);
          resolve(line.slice(6));
        });
        child.once('exit', (code) => reject(new Error(`the Vertex proxy for the browser tests exited (${code})`)));
      });
    },
    async serverStop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    serve(context) {
      if (context.path === '/__proxy__.js') return { body: `export const proxyUrl = ${JSON.stringify(url)};`, type: 'js' };
      return undefined;
    },
  };
}
