// Builds dist/ when it is missing or older than src/: for the demo server and the scripts that serve dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Files every build writes; the oldest of them dates the build. */
const BUILT = ['gemini-live.js', 'workers/jpeg-encoder.js', 'server/index.js'].map((file) => path.join(root, 'dist', file));

/** The newest modification time of the files below `dir`. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/**
 * Runs `npm run build` unless dist/ is complete and newer than src/. `quiet` keeps the build's own output off
 * stdout (its errors still show), for scripts whose stdout is a report.
 */
export function ensureBuilt({ log = (line) => console.log(line), quiet = false } = {}) {
  const built = BUILT.every((file) => existsSync(file)) ? Math.min(...BUILT.map((file) => statSync(file).mtimeMs)) : 0;
  if (built && built >= newestMtime(path.join(root, 'src'))) return;
  log(built ? 'Sources changed: rebuilding dist/ …' : 'Building dist/ first …');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
}
