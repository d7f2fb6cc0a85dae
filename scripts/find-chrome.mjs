// Finds a Chrome or Chromium binary for the browser tests; on a Debian machine where we are root and none is
// installed, installs Debian's `chromium` package with apt.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/**
 * Flags for headless Chromium here: quiet (no background networking, which this machine's closed network would
 * refuse), runnable as root, with a fake microphone and camera that need no permission prompt, and audio that
 * may start without a gesture (or an AudioContext stays suspended in headless mode).
 */
export const CHROME_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]);

/** Returns the path of a Chrome/Chromium binary, or undefined. */
export function locateChrome(env = process.env) {
  if (env.CHROME_PATH) {
    if (existsSync(env.CHROME_PATH)) return env.CHROME_PATH;
    throw new Error(`CHROME_PATH is set to ${env.CHROME_PATH}, but no file is there.`);
  }
  return CANDIDATES.find((path) => existsSync(path));
}

/** Like locateChrome, but installs Debian's chromium when possible, and otherwise throws one clear sentence. */
export function ensureChrome({ log = (msg) => console.error(msg) } = {}) {
  const found = locateChrome();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/etc/debian_version')) {
    log('No Chrome or Chromium found: installing Debian\'s chromium package with apt-get …');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    const installed = locateChrome();
    if (installed) return installed;
  }
  throw new Error(
    'The browser tests need Chrome or Chromium: install Debian\'s `chromium` package (or Google Chrome), or set CHROME_PATH to its binary.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureChrome());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
