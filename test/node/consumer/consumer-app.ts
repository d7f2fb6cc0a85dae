// A site that consumes the packed package: `npm pack` of this project, installed with npm into a folder of its
// own (so a runtime import missing from `dependencies` fails there), then built by Vite or webpack.
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureBuilt } from '../../../scripts/ensure-built.mjs';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

export type Bundler = 'vite' | 'webpack';

export interface BuiltApp {
  /** The folder the bundler wrote: what the site serves. */
  output: string;
  /** The site's own folder, where `gemini-live` is installed. */
  folder: string;
  /** What the bundler printed (warnings and errors only). */
  log: string;
}

/**
 * What each site installs besides the package, pinned to the versions in this project's node_modules: its
 * bundler, and for the Vite site React and `@lit/react`, which it is written with (`gemini-live/react`); the webpack site uses
 * the plain tag.
 */
const PACKAGES: Record<Bundler, string[]> = {
  vite: ['vite', 'react', 'react-dom', '@lit/react'],
  webpack: ['webpack', 'webpack-cli'],
};

function pinned(name: string): string {
  const { version } = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return `${name}@${version}`;
}

async function quietly(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, maxBuffer: 16 << 20 });
    return `${stdout}${stderr}`.trim();
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`, { cause: error });
  }
}

/** Builds dist/ if it is stale, and packs the project into `folder`; returns the tarball's path. */
export async function packProject(folder: string): Promise<string> {
  ensureBuilt({ log: () => undefined, quiet: true });
  const output = await quietly('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], root);
  const [{ filename }] = JSON.parse(output.slice(output.indexOf('['))) as Array<{ filename: string }>;
  return path.join(folder, filename);
}

/**
 * Makes a site in `folder`: the module in app/src and the bundler's page, `gemini-live` from `tarball` and the
 * bundler from npm (its cache is warm after `npm ci`; install scripts are not needed), then builds it.
 */
export async function buildApp(bundler: Bundler, folder: string, tarball: string): Promise<BuiltApp> {
  cpSync(path.join(here, 'app', 'src'), path.join(folder, 'src'), { recursive: true });
  writeFileSync(path.join(folder, 'package.json'), `${JSON.stringify({ name: `${bundler}-site`, private: true, type: 'module' })}\n`);
  const npmFlags = ['--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--loglevel=error'];
  await quietly('npm', ['install', ...npmFlags, tarball, ...PACKAGES[bundler].map(pinned)], folder);
  const bin = (name: string) => path.join(folder, 'node_modules', '.bin', name);
  const output = path.join(folder, 'dist');
  let log: string;
  if (bundler === 'vite') {
    copyFileSync(path.join(here, 'app', 'vite', 'index.html'), path.join(folder, 'index.html'));
    log = await quietly(bin('vite'), ['build', '--logLevel', 'warn'], folder);
  } else {
    log = await quietly(bin('webpack'), ['--mode', 'production', '--stats', 'errors-warnings'], folder);
    // webpack writes scripts only: the page is the site's own.
    copyFileSync(path.join(here, 'app', 'webpack', 'index.html'), path.join(output, 'index.html'));
  }
  return { output, folder, log };
}
