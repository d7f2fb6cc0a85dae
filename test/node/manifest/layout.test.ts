import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

/** The folder of src/ a file lives in ('.' for the top level). */
const folderOf = (file: string) => path.dirname(path.relative(src, file)).split(path.sep)[0];

/** Every relative import of `file`, static or dynamic, as a path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]);
  return specifiers.map((specifier) => path.resolve(path.dirname(file), specifier));
}

/** The folder graph: which folders of src/ import which. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(src)) {
    const from = folderOf(file);
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to === from || to === '.' || from === '.') continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

test('no two folders of src/ import each other, directly or round a loop', () => {
  const graph = folderGraph();
  const cycles: string[] = [];
  const visit = (node: string, trail: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) cycles.push([...trail.slice(at), next].join(' → '));
      else visit(next, [...trail, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  assert.deepEqual(cycles, []);
  // The graph is really read: the element uses the session layer, which uses the pipeline.
  assert.ok(graph.get('element')?.has('live'));
  assert.ok(graph.get('live')?.has('pipeline'));
});

test('no file in src/ is over 400 lines', () => {
  const long = sources(src)
    .map((file) => ({ file: path.relative(src, file), lines: readFileSync(file, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > 400);
  assert.deepEqual(long, []);
});
