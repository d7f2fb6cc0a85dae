import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const serverDir = new URL('../../../src/server/', import.meta.url);

describe('gemini-live/server on Fetch-API runtimes', () => {
  it('imports nothing Node-specific at module load: node:, ws and google-auth-library are loaded on demand', () => {
    const files = readdirSync(serverDir).filter((file) => file.endsWith('.ts'));
    assert.ok(files.includes('index.ts'));
    for (const file of files) {
      const source = readFileSync(new URL(file, serverDir), 'utf8');
      // Static value imports and re-exports (type-only ones are erased at build time).
      const statements = source.match(/^(?:import|export)\s(?!type\s)[^;]*?\sfrom\s+'[^']+'/gm) ?? [];
      for (const statement of statements) {
        const specifier = /'([^']+)'$/.exec(statement)?.[1] ?? '';
        assert.ok(specifier.startsWith('./'), `${file} statically imports "${specifier}"`);
      }
    }
  });
});
