// Builds the React demo page's script (demo/react-app.jsx) on request, as a site's bundler would: JSX, React and
// `gemini-live/react` (with the element's lazily loaded code) in one file. The worklets and workers stay in dist/:
// the bundle's `import.meta.url` is dist/'s entry, so the element finds them there as it does unbundled.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `gemini-live` and `gemini-live/react` from dist/, through the package's browser exports. */
const packageSelf = {
  name: 'gemini-live-self',
  setup(build) {
    build.onResolve({ filter: /^gemini-live(\/react)?$/ }, ({ path: specifier }) => ({
      path: path.join(root, 'dist', specifier === 'gemini-live' ? 'gemini-live.js' : 'react.js'),
    }));
  },
};

/** The bundled script, as text. esbuild is a development dependency: `npm start` runs from a checkout. */
export async function bundleReactDemo() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(root, 'demo', 'react-app.jsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    minify: true,
    // React's production build: its development build greets every page in the console.
    define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': '__distEntryUrl' },
    banner: { js: 'const __distEntryUrl = new URL("/dist/gemini-live.js", location.href).href;' },
    plugins: [packageSelf],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
