// Three builds: the browser bundle (a small entry chunk plus lazily loaded chunks), one self-contained module
// per AudioWorklet processor and worker, and the Node/Fetch-API token server.
import { existsSync } from 'node:fs';
import path from 'node:path';
import esbuild from 'esbuild';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { ecma, target, tsconfigRaw } from './scripts/tsconfig-flags.mjs';

/** Compiles TypeScript with esbuild, and resolves `./x.js` imports to `./x.ts` sources. */
function typescript() {
  return {
    name: 'typescript-esbuild',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.') || !source.endsWith('.js')) return null;
      const candidate = path.resolve(path.dirname(importer), `${source.slice(0, -3)}.ts`);
      return existsSync(candidate) ? candidate : null;
    },
    async transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const result = await esbuild.transform(code, {
        loader: 'ts',
        format: 'esm',
        target,
        sourcefile: id,
        sourcemap: true,
        tsconfigRaw,
      });
      return { code: result.code, map: result.map };
    },
  };
}

// Several compress passes and getters treated as free of side effects (none of ours or the SDK's relies on a
// bare property read) take about 0.3 KB gzip off the bundle.
/**
 * Lit's css`` templates reach the bundle as written, indentation and comments included (terser leaves template
 * text alone). This strips both from the element's styles, keeping every line break so source maps stay right.
 */
function compactStyles() {
  const sources = path.resolve('src') + path.sep;
  const cssTemplate = /\bcss`([^`]*)`/g;
  // Quoted strings keep their spaces; only what lies between them is compacted.
  const quoted = /("[^"\n]*"|'[^'\n]*')/;
  const compactRun = (run) =>
    run
      .replace(/[ \t]*\n[ \t]*/g, '\n')
      .replace(/[ \t]+/g, ' ')
      .replace(/ ?([{};]) ?/g, '$1');
  const compact = (text) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ''))
      .split(quoted)
      .map((part, i) => (i % 2 ? part : compactRun(part)))
      .join('');
  return {
    name: 'compact-styles',
    transform(code, id) {
      if (!id.startsWith(sources) || !code.includes('css`')) return null;
      // A template with substitutions or escapes is left as written.
      const compacted = code.replace(cssTemplate, (whole, text) => (text.includes('${') || text.includes('\\') ? whole : `css\`${compact(text)}\``));
      return { code: compacted, map: null };
    },
  };
}

const minify = terser({ ecma, module: true, compress: { passes: 3, pure_getters: true }, format: { comments: false } });

// AudioWorklet processors and workers are loaded by URL (src/worklet-urls.ts, src/worker-urls.ts), so each
// becomes one self-contained module file at the path those URLs name.
const standalone = ['worklets/capture-processor', 'worklets/playback-processor', 'workers/jpeg-encoder', 'pipeline/socket-worker'].map((name) => ({
  input: `src/${name}.ts`,
  file: `dist/${name}.js`,
}));

const browser = {
  // `react` and `react-server` are `gemini-live/react` in a browser and where there is no DOM; React and
  // @lit/react stay imports, resolved by the site's bundler (React is the site's own).
  input: { 'gemini-live': 'src/gemini-live.ts', react: 'src/react/index.ts', 'react-server': 'src/react/server.ts' },
  external: ['react', '@lit/react'],
  // Lazily loaded chunks may import shared helpers from the entry itself rather than through a facade chunk,
  // which would cost the page one more request before the element registers.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    // Every chunk sits in dist/ itself, so `new URL('./worklets/…', import.meta.url)` is right from any of them.
    // UI languages are named as such (`locale-ar-….js`), the rest after their module.
    chunkFileNames: (chunk) => (chunk.facadeModuleId?.includes('/element/locales/') ? 'locale-[name]-[hash].js' : '[name]-[hash].js'),
    sourcemap: true,
  },
  plugins: [
    compactStyles(),
    typescript(),
    nodeResolve({ browser: true, exportConditions: ['browser', 'module', 'import', 'default'] }),
    commonjs(),
    minify,
  ],
  onwarn(warning, warn) {
    // The SDK's browser build contains `this` at module level in code we never run.
    if (warning.code === 'THIS_IS_UNDEFINED') return;
    // A chunk left empty lost code the build thought free of side effects: fail rather than ship it.
    if (warning.code === 'EMPTY_BUNDLE') throw new Error(warning.message);
    warn(warning);
  },
};

const selfContained = standalone.map(({ input, file }) => ({
  input,
  output: {
    file,
    format: 'es',
    inlineDynamicImports: true,
    sourcemap: true,
  },
  plugins: [typescript(), minify],
}));

const server = {
  input: 'src/server/index.ts',
  output: { dir: 'dist/server', format: 'es', entryFileNames: '[name].js', sourcemap: true },
  external: (id) => /^(node:|@google\/genai|google-auth-library|rate-limiter-flexible)/.test(id),
  plugins: [typescript(), nodeResolve({ exportConditions: ['node'] })],
};

export default [browser, ...selfContained, server];
