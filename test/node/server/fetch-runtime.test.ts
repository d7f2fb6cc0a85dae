import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const serverDir = new URL('../../../src/server/', import.meta.url);
const sharedDir = new URL('../../../src/shared/', import.meta.url);

describe('gemini-live/server on Fetch-API runtimes', () => {
  it('imports nothing Node-specific at module load: node:, ws and google-auth-library are loaded on demand', () => {
    const files = readdirSync(serverDir).filter((file) => file.endsWith('.ts'));
    assert.ok(files.includes('index.ts'));
    // The server may use the helpers in src/shared, which are held to the same rule.
    const shared = readdirSync(sharedDir).filter((file) => file.endsWith('.ts'));
    const sources = [...files.map((file) => new URL(file, serverDir)), ...shared.map((file) => new URL(file, sharedDir))];
    for (const url of sources) {
      const file = url.pathname.split('/src/')[1];
      const source = readFileSync(url, 'utf8');
      // Static value imports and re-exports (type-only ones are erased at build time).
      const statements = source.match(/^(?:import|export)\s(?!type\s)[^;]*?\sfrom\s+'[^']+'/gm) ?? [];
      for (const statement of statements) {
        const specifier = /'([^']+)'$/.exec(statement)?.[1] ?? '';
        const local = specifier.startsWith('./') || (file.startsWith('server/') && specifier.startsWith('../shared/'));
        assert.ok(local, `${file} statically imports "${specifier}"`);
      }
    }
  });
});
