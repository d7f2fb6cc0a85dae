// Plugins for @web/test-runner (and @web/dev-server) that let the browser run the TypeScript sources and the
// SDK's browser build unbundled.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import esbuild from 'esbuild';
import { target, tsconfigRaw } from './tsconfig-flags.mjs';

async function isFile(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves a request for `X.js` from `X.ts` when only the TypeScript file exists. Imports inside TS files are
 * rewritten by the esbuild plugin already; this covers URLs built at run time, such as worklet modules loaded
 * with `new URL('./worklets/capture-processor.js', import.meta.url)`.
 */
export function tsSiblingPlugin({ rootDir = process.cwd() } = {}) {
  return {
    name: 'ts-sibling',
    async serve(context) {
      if (!context.path.endsWith('.js') || context.path.includes('/node_modules/')) return undefined;
      const jsFile = path.join(rootDir, decodeURIComponent(context.path));
      if (!jsFile.startsWith(rootDir) || (await isFile(jsFile))) return undefined;
      const tsFile = `${jsFile.slice(0, -3)}.ts`;
      if (!(await isFile(tsFile))) return undefined;
      const source = await readFile(tsFile, 'utf8');
      const { code } = await esbuild.transform(source, {
        loader: 'ts',
        format: 'esm',
        target,
        sourcefile: tsFile,
        tsconfigRaw,
      });
      return { body: code, type: 'js' };
    },
  };
}

const cjsCache = new Map();

/**
 * Serves CommonJS files from node_modules as ES modules (the SDK's browser build imports `p-retry`, which is
 * CommonJS) by bundling them with esbuild on request.
 */
export function commonJsPlugin({ rootDir = process.cwd() } = {}) {
  return {
    name: 'commonjs-as-esm',
    async transform(context) {
      if (!context.path.includes('/node_modules/') || !context.path.endsWith('.js')) return undefined;
      const body = typeof context.body === 'string' ? context.body : undefined;
      if (!body || !/\b(module\.exports|exports\.\w+|require\()/.test(body) || /^\s*(import|export)\s/m.test(body)) {
        return undefined;
      }
      const file = context.path.startsWith('/__wds-outside-root__/')
        ? undefined
        : path.join(rootDir, decodeURIComponent(context.path));
      if (!file || !(await isFile(file))) return undefined;
      if (!cjsCache.has(file)) {
        cjsCache.set(
          file,
          esbuild
            .build({ entryPoints: [file], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' })
            .then((result) => result.outputFiles[0].text),
        );
      }
      return { body: await cjsCache.get(file) };
    },
  };
}
