// Reads a V8 CPU profile (`node --cpu-prof`) and lists where the time went: self time per function, the
// heaviest first, as a share of the time the process was not idle.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './processes.mjs';

const IDLE = '(idle)';

/** Self time per function (ms) from one `.cpuprofile` file, with the total busy time. */
export function selfTimes(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const perNode = new Map();
  profile.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const perFunction = new Map();
  let busy = 0;
  for (const [id, micros] of perNode) {
    const name = describe(nodes.get(id).callFrame);
    if (name === IDLE) continue;
    busy += micros;
    perFunction.set(name, (perFunction.get(name) ?? 0) + micros);
  }
  const rows = [...perFunction].map(([name, micros]) => ({ name, ms: micros / 1000 }));
  return { busyMs: busy / 1000, rows: rows.sort((a, b) => b.ms - a.ms) };
}

/** `name (file:line)`, with paths inside the repository made relative and node internals kept short. */
function describe({ functionName, url, lineNumber }) {
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const file = url.replace(/^file:\/\//, '');
  const where = file.startsWith(root) ? path.relative(root, file) : file;
  return `${name} (${where}:${lineNumber + 1})`;
}
