// `npm run bench:server` in its quick form, as CI runs it: the bench must start its servers, measure, print every
// figure and exit 0 (it stops everything it started by process id on its way out).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const NUMBER = String.raw`-?\d[\d,]*(?:\.\d+)?`;

/** The cells of the Markdown table rows whose first cell matches `first`. */
function rows(output: string, first: RegExp): string[][] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.slice(2, -2).split(' | '))
    .filter((cells) => first.test(cells[0]));
}

function assertNumbers(cells: string[], what: string): void {
  for (const cell of cells) assert.match(cell, new RegExp(`^${NUMBER}( %)?$`), `${what}: ${cells.join(' | ')}`);
}

function runQuickBench(): Promise<{ code: number | null; output: string; errors: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bench/server.mjs', '--quick'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    // The bench stops its own children when it is told to stop; never left behind if this test times out.
    const timer = setTimeout(() => child.kill('SIGTERM'), 55_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, errors });
    });
  });
}

it('npm run bench:server -- --quick prints every figure and exits 0', { timeout: 60_000 }, async () => {
  const { code, output, errors } = await runQuickBench();
  assert.equal(code, 0, `exit ${code}\n${output}\n${errors}`);

  // One-way latency: a direct and a proxied row for every session count, p50 and p99 each way.
  const latency = rows(output, /^\d+$/).filter((cells) => cells[1] === 'direct' || cells[1] === 'proxy');
  const counts = [...new Set(latency.map((cells) => cells[0]))];
  assert.ok(counts.length > 0, output);
  for (const n of counts) {
    for (const path of ['direct', 'proxy']) {
      const row = latency.find((cells) => cells[0] === n && cells[1] === path);
      assert.ok(row, `no ${path} row for ${n} sessions`);
      assertNumbers(row.slice(2, 6), `${path} latency at ${n}`);
      assert.match(row[6], new RegExp(`^${NUMBER} / 0$`), `${path} up: ${row[6]}`);
      assert.match(row[7], new RegExp(`^${NUMBER} / 0$`), `${path} down: ${row[7]}`);
    }
  }

  // What the proxy adds, its CPU time and memory per session, for every session count.
  assert.match(output, /proxy CPU \(ms\/s per session\)/);
  assert.match(output, /RSS per session \(KiB\)/);
  const costs = rows(output, /^\d+$/).filter((cells) => cells.length === 11);
  assert.deepEqual(
    costs.map((cells) => cells[0]),
    counts,
  );
  for (const cells of costs) assertNumbers(cells.slice(1), `costs at ${cells[0]}`);
  assert.match(output, /^Largest N one core holds with p99 added latency ≤ 10 ms each way and no loss: (\*\*\d+\*\*|none) \(of /m);

  // The floor: the byte pipe's CPU per session beside the proxy's, for every session count.
  assert.match(output, /pipe CPU \(ms\/s per session\)/);
  const floor = rows(output, /^\d+$/).filter((cells) => cells.length === 7);
  assert.deepEqual(
    floor.map((cells) => cells[0]),
    counts,
  );
  for (const cells of floor) {
    assertNumbers(cells.slice(1, 6), `floor at ${cells[0]}`);
    assert.match(cells[6], new RegExp(`^${NUMBER}×$`), `proxy over pipe at ${cells[0]}: ${cells[6]}`);
  }

  // The token endpoint with each limiter: tokens per second and latency, every answer a 200.
  for (const limiter of ['memory', 'Redis']) {
    const [row] = rows(output, new RegExp(`^${limiter}$`));
    assert.ok(row, `no ${limiter} row\n${output}`);
    assertNumbers([row[1], row[2], row[3], row[4], row[6], row[7], row[8]], `${limiter} tokens`);
    assert.ok(Number(row[1].replaceAll(',', '')) > 0, `${limiter}: no tokens`);
    assert.equal(row[5], '0', `${limiter}: answers other than 200`);
  }
});
