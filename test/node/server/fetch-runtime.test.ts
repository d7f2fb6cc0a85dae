import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const serverDir = new URL('../../../src/server/', import.meta.url);
const sharedDir = new URL('../../../src/shared/', import.meta.url);

describe('gemini-live/server on Fetch-API runtimes', () => {
  it('imports nothing Node-specific at module load: node:, ws and google-auth-library are loaded on demand', () => {
    const files = [
      ...readdirSync(serverDir).map((file) => new URL(file, serverDir)),
      ...readdirSync(sharedDir).map((file) => new URL(file, sharedDir)),
    ].filter((file) => file.pathname.endsWith('.ts'));
    assert.ok(files.some((file) => file.pathname.endsWith('/server/index.ts')));
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      // Static value imports and re-exports (type-only ones are erased at build time).
      const statements = source.match(/^(?:import|export)\s(?!type\s)[^;]*?\sfrom\s+'[^']+'/gm) ?? [];
      for (const statement of statements) {
        const specifier = /'([^']+)'$/.exec(statement)?.[1] ?? '';
        // Siblings, and the dependency-free helpers the element shares with the server.
        assert.ok(/^\.\/|^\.\.\/shared\//.test(specifier), `${file.pathname} statically imports "${specifier}"`);
      }
    }
  });
});
