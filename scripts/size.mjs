// Prints the gzip size of the entry chunk and of everything dist/ can load in a browser, against the budget.
// `--check` exits non-zero when a budget is exceeded (the size check in CI); plain runs only report.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = { entry: 20.5 * 1024, total: 100 * 1024 };
const dist = path.resolve('dist');

function browserFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'server' || name === 'types' ? [] : browserFiles(file);
    return file.endsWith('.js') ? [file] : [];
  });
}

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

let files;
try {
  files = browserFiles(dist);
} catch {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}
const rows = files.map((file) => ({ file: path.relative(dist, file), raw: statSync(file).size, gzip: gz(file) }));
rows.sort((a, b) => b.gzip - a.gzip);
const entry = rows.find((row) => row.file === 'gemini-live.js');
const total = rows.reduce((sum, row) => sum + row.gzip, 0);

console.log('file'.padEnd(44), 'raw'.padStart(10), 'gzip'.padStart(10));
for (const row of rows) console.log(row.file.padEnd(44), kb(row.raw).padStart(10), kb(row.gzip).padStart(10));
const verdict = (size, budget) => `${kb(size)} of ${kb(budget)} budget: ${size <= budget ? 'ok' : 'OVER'}`;
console.log(`entry chunk (gemini-live.js), gzip: ${verdict(entry?.gzip ?? 0, BUDGET.entry)}`);
console.log(`everything dist/ can load, gzip:  ${verdict(total, BUDGET.total)}`);

if (process.argv.includes('--check') && (!entry || entry.gzip > BUDGET.entry || total > BUDGET.total)) {
  console.error('Size budget exceeded.');
  process.exit(1);
}
