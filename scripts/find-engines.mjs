// Finds what the Firefox and WebKitGTK test runs need: the browsers, their drivers and the helper programs
// (a PulseAudio sound server for Firefox, an Xvfb display for WebKitGTK's MiniBrowser). With `--install`, a root
// user on Debian gets the missing packages with apt; anyone else gets one line naming what to install.
//   node scripts/find-engines.mjs            report what is missing (exit 1 if anything is)
//   node scripts/find-engines.mjs --install  install what is missing with apt (root on Debian), then report
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The first of `candidates` that exists, or one found on PATH by name. */
function findProgram(names, candidates = []) {
  const fromPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of fromPath) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
  }
  return candidates.find((file) => existsSync(file));
}

const MINIBROWSER_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  '/usr/lib/x86_64-linux-gnu/webkitgtk-6.0/MiniBrowser',
  '/usr/lib/aarch64-linux-gnu/webkitgtk-6.0/MiniBrowser',
  '/usr/libexec/webkit2gtk-4.1/MiniBrowser',
  '/usr/libexec/webkitgtk-6.0/MiniBrowser',
];

/**
 * What each engine needs, as `{ programs, packages }`: `programs` maps a role to the file found (or undefined),
 * `packages` names the Debian packages that provide the missing ones.
 */
export function locateEngine(engine, env = process.env) {
  if (engine === 'firefox') {
    const firefox = env.FIREFOX_PATH ?? findProgram(['firefox-esr', 'firefox']);
    const pulseaudio = findProgram(['pulseaudio']);
    const pacat = findProgram(['pacat']);
    return describe(
      { firefox, pulseaudio, pacat },
      { firefox: 'firefox-esr', pulseaudio: 'pulseaudio', pacat: 'pulseaudio-utils' },
    );
  }
  if (engine === 'webkit') {
    const driver = findProgram(['WebKitWebDriver']);
    const minibrowser = env.MINIBROWSER_PATH ?? MINIBROWSER_CANDIDATES.find((file) => existsSync(file));
    const xvfb = findProgram(['Xvfb']);
    const xauth = findProgram(['xauth']);
    const pulseaudio = findProgram(['pulseaudio']);
    const pacat = findProgram(['pacat']);
    return describe(
      { driver, minibrowser, xvfb, xauth, pulseaudio, pacat },
      {
        driver: 'webkit2gtk-driver',
        minibrowser: 'webkit2gtk-driver',
        xvfb: 'xvfb',
        xauth: 'xauth',
        pulseaudio: 'pulseaudio',
        pacat: 'pulseaudio-utils',
      },
    );
  }
  throw new Error(`Unknown engine ${engine}`);
}

function describe(programs, packageOf) {
  const packages = [
    ...new Set(
      Object.entries(programs)
        .filter(([, file]) => !file)
        .map(([role]) => packageOf[role]),
    ),
  ];
  return { programs, packages, ready: packages.length === 0 };
}

const LABELS = { firefox: 'Firefox', webkit: 'WebKitGTK' };

/** One line saying what a missing engine needs, for a developer's machine. */
export function missingMessage(engine, packages) {
  return (
    `${LABELS[engine]} tests skipped: install ${packages.join(', ')} ` +
    `(Debian/Ubuntu: apt-get install ${packages.join(' ')}); the other engines still run.`
  );
}

/** Installs the missing packages with apt when root on Debian; returns the engines still missing something. */
export function ensureEngines(engines = ['firefox', 'webkit'], { log = (msg) => console.error(msg) } = {}) {
  const wanted = engines.flatMap((engine) => locateEngine(engine).packages);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (wanted.length > 0 && isRoot && existsSync('/etc/debian_version')) {
    const packages = [...new Set(wanted)];
    log(`Installing ${packages.join(', ')} with apt-get …`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  }
  return engines
    .map((engine) => ({ engine, ...locateEngine(engine) }))
    .filter((found) => !found.ready);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const install = process.argv.includes('--install');
  const missing = install
    ? ensureEngines()
    : ['firefox', 'webkit'].map((engine) => ({ engine, ...locateEngine(engine) })).filter((found) => !found.ready);
  for (const engine of ['firefox', 'webkit']) {
    const found = missing.find((m) => m.engine === engine);
    if (found) console.error(missingMessage(engine, found.packages));
    else console.log(`${LABELS[engine]}: ${Object.values(locateEngine(engine).programs).join(' ')}`);
  }
  process.exit(missing.length > 0 ? 1 : 0);
}
