// The manifest documents the package's public API only: what `src/gemini-live.ts` exports (the element, its
// events and the public constants), never the modules behind them.
import path from 'node:path';

const ENTRY = 'src/gemini-live.ts';

/** A module reference of the analyzer (`./x.js`, `src/x.js`, `src/x.ts`) as the module's path in the manifest. */
function modulePath(from, reference) {
  const joined = reference.startsWith('.') ? path.posix.join(path.posix.dirname(from), reference) : reference;
  return joined.replace(/\.js$/, '.ts');
}

/** Drops every module, declaration and member the entry does not make public. */
function publicApiOnly() {
  return {
    name: 'public-api-only',
    packageLinkPhase({ customElementsManifest: manifest }) {
      const byPath = new Map(manifest.modules.map((mod) => [mod.path, mod]));
      const names = new Set();
      const hubs = new Set();
      const collect = (modPath) => {
        if (hubs.has(modPath) || !byPath.has(modPath)) return;
        hubs.add(modPath);
        for (const exported of byPath.get(modPath).exports ?? []) {
          if (exported.name === '*') collect(modulePath(modPath, exported.declaration.module));
          else names.add(exported.name);
        }
      };
      collect(ENTRY);
      const isPublic = (item) => names.has(item.name) || item.kind === 'custom-element-definition';
      manifest.modules = manifest.modules.flatMap((mod) => {
        const declarations = (mod.declarations ?? []).filter(isPublic);
        if (!hubs.has(mod.path) && declarations.length === 0) return [];
        for (const declaration of declarations) {
          if (declaration.members) declaration.members = declaration.members.filter((m) => m.privacy !== 'private');
          // What the element inherits from its internal base class is documented as its own.
          for (const item of [...(declaration.members ?? []), ...(declaration.attributes ?? [])]) {
            if (item.inheritedFrom && !item.inheritedFrom.package) delete item.inheritedFrom;
          }
          if (declaration.superclass?.name === 'GeminiLiveProperties') {
            declaration.superclass = { name: 'LitElement', package: 'lit' };
          }
        }
        return [{ ...mod, declarations, exports: (mod.exports ?? []).filter((e) => e.name === '*' || isPublic(e)) }];
      });
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/worklets/**', 'src/workers/**', 'src/server/**', 'src/audio/**', 'src/**/*.d.ts'],
  outdir: '.',
  litelement: true,
  plugins: [publicApiOnly()],
};
