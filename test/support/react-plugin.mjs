// Serves React to the browser tests as ES modules with one shared copy. React ships CommonJS only, and the
// CommonJS plugin bundles each file with what it requires, which would give `react-dom/client` a React of its own
// (and hooks would then throw). Here `react`, `react-dom` and `react-dom/client` resolve to thin modules over one esbuild
// bundle of both, with the named exports Node finds in each.
import { execFileSync } from 'node:child_process';
import esbuild from 'esbuild';

const MODULES = { react: 'react.js', 'react-dom': 'react-dom.js', 'react-dom/client': 'react-dom-client.js' };
const PREFIX = '/__react__/';

export function reactPlugin({ rootDir = process.cwd() } = {}) {
  // Read in a child process: loading React here would have it wrap the test runner's own console.
  const namesOf = (specifier) =>
    JSON.parse(
      execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`], {
        cwd: rootDir,
        encoding: 'utf8',
      }),
    );
  let vendor;
  const bundle = () =>
    (vendor ??= esbuild
      .build({
        stdin: {
          contents: [
            "import * as React from 'react';",
            "import * as ReactDOM from 'react-dom';",
            "import * as ReactDOMClient from 'react-dom/client';",
            'export { React, ReactDOM, ReactDOMClient };',
          ].join('\n'),
          resolveDir: rootDir,
        },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        define: { 'process.env.NODE_ENV': '"development"' },
        write: false,
        logLevel: 'silent',
      })
      .then((result) => result.outputFiles[0].text));
  /** A module that re-exports `name` from the bundle, its default and each of its own names. */
  const facade = (specifier, name) => {
    const keys = namesOf(specifier).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default');
    return [
      `import { ${name} } from '${PREFIX}vendor.js';`,
      `export default ${name};`,
      `export const { ${keys.join(', ')} } = ${name};`,
    ].join('\n');
  };
  return {
    name: 'react-once',
    resolveImport({ source }) {
      return source in MODULES ? PREFIX + MODULES[source] : undefined;
    },
    async serve(context) {
      if (!context.path.startsWith(PREFIX)) return undefined;
      const file = context.path.slice(PREFIX.length);
      if (file === 'vendor.js') return { body: await bundle(), type: 'js' };
      if (file === 'react.js') return { body: facade('react', 'React'), type: 'js' };
      if (file === 'react-dom.js') return { body: facade('react-dom', 'ReactDOM'), type: 'js' };
      if (file === 'react-dom-client.js') return { body: facade('react-dom/client', 'ReactDOMClient'), type: 'js' };
      return undefined;
    },
  };
}
