// custom-elements.json describes what the package entry exports and nothing behind it, as the sources say it now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '../../..');
const ENTRY = 'src/gemini-live.ts';

interface ManifestModule {
  path: string;
  declarations?: { name: string; members?: { name: string; privacy?: string }[] }[];
}

/** The entry's exported names, the files that declare them, and the files it re-exports from. */
function publicApi(): { names: Set<string>; files: Set<string> } {
  const entryFile = path.join(root, ENTRY);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    experimentalDecorators: true,
    noLib: true,
    noEmit: true,
    types: [],
  };
  // Only the package's own files matter to which names it exports: dependencies are read as empty, so the
  // program is quick to build.
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (file, languageVersion, ...rest) =>
    file.includes('/node_modules/') ? ts.createSourceFile(file, '', languageVersion) : read(file, languageVersion, ...rest);
  const program = ts.createProgram([entryFile], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entryFile)!;
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const names = new Set<string>();
  const files = new Set<string>([ENTRY]);
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
    names.add(exported.name);
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const declaration of target.declarations ?? []) files.add(relative(declaration.getSourceFile().fileName));
  }
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
    const reexported = checker.getSymbolAtLocation(statement.moduleSpecifier)?.valueDeclaration;
    if (reexported) files.add(relative(reexported.getSourceFile().fileName));
  }
  return { names, files };
}

test('custom-elements.json lists only public modules, declarations and members', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8')) as { modules: ManifestModule[] };
  const { names, files } = publicApi();
  assert.ok(names.has('GeminiLiveElement') && names.has('GeminiLiveErrorEvent'), 'the entry exports the element and its events');

  const listed = manifest.modules.map((mod) => mod.path);
  const internal = listed.filter((file) => !files.has(file));
  assert.deepEqual(internal, [], `non-public modules in custom-elements.json: ${internal.join(', ')}`);

  for (const mod of manifest.modules) {
    for (const declaration of mod.declarations ?? []) {
      assert.ok(names.has(declaration.name), `${mod.path}: ${declaration.name} is not exported by ${ENTRY}`);
      const hidden = (declaration.members ?? []).filter((member) => member.privacy === 'private').map((m) => m.name);
      assert.deepEqual(hidden, [], `${declaration.name} documents private members`);
    }
  }

  const element = manifest.modules.find((mod) => mod.path === 'src/element/gemini-live-element.ts');
  assert.ok(element?.declarations?.some((d) => d.name === 'GeminiLiveElement'), 'the element is documented');
  assert.ok(listed.includes('src/events/error-event.ts'), 'its events are documented');
});

test('custom-elements.json is what the analyzer makes of the sources now', async () => {
  // The build's own command (`cem analyze --litelement`, with the project's config), run on a copy: the analyzer
  // writes its manifest, and may rewrite package.json, in the directory it runs in.
  const work = mkdtempSync(path.join(tmpdir(), 'gemini-live-manifest-'));
  try {
    for (const entry of ['src', 'custom-elements-manifest.config.mjs', 'package.json']) {
      cpSync(path.join(root, entry), path.join(work, entry), { recursive: true });
    }
    const cli = path.join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js');
    await promisify(execFile)(process.execPath, [cli, 'analyze', '--litelement', '--quiet'], { cwd: work });
    const fresh: unknown = JSON.parse(readFileSync(path.join(work, 'custom-elements.json'), 'utf8'));
    const committed: unknown = JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8'));
    assert.deepEqual(committed, fresh, 'custom-elements.json is out of date: regenerate it with `npx cem analyze --litelement` (npm run build does)');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
