// The framework types in types/ (scripts/framework-types.mjs) as a consumer's compiler sees them. Each framework
// has a small project whose node_modules holds this package and the framework, checked by the framework's own
// checker: TypeScript for React 19, Preact and Solid, vue-tsc for Vue, svelte-check for Svelte. In each, Good
// compiles cleanly and Bad fails exactly where it gives an attribute a value the element does not take, hands
// a listener the wrong event class, or sets a read-only attribute.
//
// The projects are copied from fixtures/ to a temporary folder. Their TypeScript files are kept in fixtures/ as
// `.txt`: under their own names the repository's type check (`npm run lint`) would compile them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { ensureBuilt } from '../../../scripts/ensure-built.mjs';
import { writeFrameworkTypes } from '../../../scripts/framework-types.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
const fixtures = path.join(import.meta.dirname, 'fixtures');
const modules = path.join(root, 'node_modules');

interface Diagnostic {
  file: string;
  line: number; // 1-based
  message: string;
}

interface Framework {
  /** Packages of the repository's node_modules that the project has in its own. */
  packages: string[];
  /** Every error the framework's checker finds in the project in `dir`, its file relative to `dir`. */
  check: (dir: string) => Diagnostic[] | Promise<Diagnostic[]>;
  good: string;
  bad: string;
  /** What fails in `bad`: the line holding `marker`, with an error matching `message`. */
  failures: { marker: string; message: RegExp }[];
}

/**
 * Declaration files parsed once for all the programs of this file: the JSX projects and the check of types/ all
 * read lib.dom, lit, @google/genai and dist/types/, most of their time. The TypeScript language service shares
 * them between programs the same way.
 */
const parsed = new Map<string, ts.SourceFile | undefined>();

function createHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    if (!file.endsWith('.d.ts')) return read(file, language, ...rest);
    const version = typeof language === 'object' ? `${language.languageVersion}:${language.impliedNodeFormat}` : language;
    const key = `${version} ${file}`;
    if (!parsed.has(key)) parsed.set(key, read(file, language, ...rest));
    return parsed.get(key);
  };
  return host;
}

function toDiagnostic(dir: string, diagnostic: ts.Diagnostic): Diagnostic {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file) return { file: '', line: 0, message };
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  return { file: path.relative(dir, diagnostic.file.fileName), line: line + 1, message };
}

/** What `tsc -p dir` reports, compiled in this process. */
function tsc(dir: string): Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(toDiagnostic(dir, diagnostic).message),
  })!;
  const { fileNames: rootNames, options } = config;
  const program = ts.createProgram({ rootNames, options, host: createHost(options) });
  return [...config.errors, ...ts.getPreEmitDiagnostics(program)].map((diagnostic) => toDiagnostic(dir, diagnostic));
}

/** Runs a command to its end in `dir`: everything it printed. */
function run(command: string[], dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', () => resolve(output));
  });
}

/** tsc's `--pretty false` output: `file(line,col): error TS1234: message`, the message going on indented. */
function parseTscOutput(output: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),\d+\): error TS\d+: (.*)$/.exec(line);
    if (match) diagnostics.push({ file: match[1], line: Number(match[2]), message: match[3] });
    else if (/^\s/.test(line) && diagnostics.length > 0) diagnostics.at(-1)!.message += `\n${line.trim()}`;
    else if (line.trim()) diagnostics.push({ file: '', line: 0, message: line });
  }
  return diagnostics;
}

/** svelte-check's `machine-verbose` output: a JSON object for each problem, its lines counted from 0. */
function parseSvelteCheckOutput(output: string): Diagnostic[] {
  return output
    .split('\n')
    .map((line) => /^\d+ (\{.*\})$/.exec(line)?.[1])
    .filter((json) => json !== undefined)
    .map((json) => JSON.parse(json) as { filename: string; start: { line: number }; message: string })
    .map(({ filename, start, message }) => ({ file: filename, line: start.line + 1, message }));
}

const wrongValue = {
  marker: '"banana"',
  message: /'"banana"' is not assignable to type '("audio" \| "text"|"text" \| "audio") \| undefined'/,
};
const wrongEvent = /Type 'GeminiLiveStateEvent' is not assignable to type 'GeminiLiveErrorEvent'/;
const jsx = {
  check: tsc,
  good: 'Good.tsx',
  bad: 'Bad.tsx',
  failures: [
    wrongValue,
    { marker: '(event: GeminiLiveErrorEvent) =>', message: wrongEvent },
    { marker: 'state="idle"', message: /Property 'state' does not exist/ },
  ],
};

// Vue and Svelte first: their checkers are processes of their own, started first so that they run while the
// JSX projects compile here.
const frameworks: Record<string, Framework> = {
  vue: {
    packages: ['vue'],
    check: async (dir) => {
      const vueTsc = path.join(modules, 'vue-tsc/bin/vue-tsc.js');
      return parseTscOutput(await run([vueTsc, '-p', 'tsconfig.json', '--pretty', 'false'], dir));
    },
    good: 'Good.vue',
    bad: 'Bad.vue',
    failures: [wrongValue, { marker: '@gemini-live-state="onError"', message: wrongEvent }],
  },
  svelte: {
    packages: ['svelte'],
    check: async (dir) => {
      const svelteCheck = path.join(modules, 'svelte-check/bin/svelte-check');
      return parseSvelteCheckOutput(await run([svelteCheck, '--tsconfig', './tsconfig.json', '--output', 'machine-verbose'], dir));
    },
    good: 'Good.svelte',
    bad: 'Bad.svelte',
    failures: [
      wrongValue,
      { marker: 'ongemini-live-state={onError}', message: wrongEvent },
      { marker: 'state="idle"', message: /'"state"' does not exist in type/ },
    ],
  },
  react: { ...jsx, packages: ['react', '@types/react'] },
  preact: { ...jsx, packages: ['preact'] },
  solid: { ...jsx, packages: ['solid-js'] },
};

/** Builds dist/ if needed, and types/ if it is older than what it is made from. */
function ensureTypes() {
  ensureBuilt({ log: (line: string) => console.error(line), quiet: true });
  const made = path.join(root, 'types/jsx.d.ts');
  const sources = ['custom-elements.json', 'dist/types/gemini-live.d.ts', 'scripts/framework-types.mjs'];
  const newer = (file: string) => statSync(path.join(root, file)).mtimeMs > statSync(made).mtimeMs;
  if (!existsSync(made) || sources.some(newer)) writeFrameworkTypes();
}

let work = '';
const results = new Map<string, Promise<Diagnostic[]>>();

before(() => {
  ensureTypes();
  work = mkdtempSync(path.join(tmpdir(), 'gemini-live-types-'));
  const consumerModules = path.join(work, 'node_modules');
  mkdirSync(path.join(consumerModules, '@types'), { recursive: true });
  symlinkSync(root, path.join(consumerModules, 'gemini-live'), 'dir');
  for (const [name, framework] of Object.entries(frameworks)) {
    for (const pkg of framework.packages) symlinkSync(path.join(modules, pkg), path.join(consumerModules, pkg), 'dir');
    const dir = path.join(work, name);
    cpSync(path.join(fixtures, name), dir, { recursive: true });
    for (const file of readdirSync(dir).filter((file) => file.endsWith('.txt'))) {
      renameSync(path.join(dir, file), path.join(dir, file.slice(0, -'.txt'.length)));
    }
    results.set(name, Promise.resolve(framework.check(dir)));
  }
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the generated declarations have no errors of their own', () => {
  // The projects skip checking declaration files, as most projects do. Here types/ is checked, with everything
  // it refers to, so that a type the generators name but nothing declares shows up.
  const dir = path.join(root, 'types');
  const files = readdirSync(dir).map((file) => path.join(dir, file));
  const names = ['jsx.d.ts', 'preact.d.ts', 'react.d.ts', 'solid.d.ts', 'svelte.d.ts', 'vue.d.ts'];
  assert.deepEqual(readdirSync(dir).sort(), names);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    types: [],
  };
  const program = ts.createProgram({ rootNames: files, options, host: createHost(options) });
  const errors = files.flatMap((file) => {
    const source = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  });
  assert.deepEqual(errors.map((diagnostic) => toDiagnostic(dir, diagnostic)), []);
});

for (const [name, framework] of Object.entries(frameworks)) {
  test(`${name}: the good snippet type-checks, the bad one fails where it is wrong`, async () => {
    const diagnostics = await results.get(name)!;
    const elsewhere = diagnostics.filter((diagnostic) => diagnostic.file !== framework.bad);
    assert.deepEqual(elsewhere, [], `${name}: errors outside ${framework.bad}`);

    const lines = readFileSync(path.join(work, name, framework.bad), 'utf8').split('\n');
    const expected = framework.failures.map(({ marker, message }) => {
      const at = lines.flatMap((text, index) => (text.includes(marker) ? [index + 1] : []));
      assert.equal(at.length, 1, `${framework.bad} has one line with ${marker}`);
      return { line: at[0], message };
    });
    for (const { line, message } of expected) {
      const found = diagnostics.some((diagnostic) => diagnostic.line === line && message.test(diagnostic.message));
      const all = JSON.stringify(diagnostics, null, 2);
      assert.ok(found, `${name}: no error matching ${message} at ${framework.bad}:${line}; the errors:\n${all}`);
    }
    const stray = diagnostics.filter((diagnostic) => !expected.some(({ line }) => line === diagnostic.line));
    assert.deepEqual(stray, [], `${name}: errors on lines of ${framework.bad} that are right`);
  });
}
