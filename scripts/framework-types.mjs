// Writes types/: the `<gemini-live>` tag's types for JSX (React 19, Preact), Vue, Svelte and Solid templates, made
// from custom-elements.json by the custom-element-*-integration generators.
//
// `npm run build` runs this after `cem analyze`, as a script of its own rather than as analyzer plugins: the
// analyzer also runs on a bare copy of the sources (test/node/manifest/public-api.test.ts), where these packages
// cannot be imported, and the types import dist/types/, which only exists once tsc has run. types/ is made anew
// on every build and not committed, like the dist/ it points into.
//
// The generators' output is kept, with the few edits below where it does not fit this element or a framework as
// it is today; each edit insists on finding what it changes, so a generator that writes something else stops the
// build instead of shipping wrong types.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateJsxTypes } from 'custom-element-jsx-integration';
import { generateSolidJsTypes } from 'custom-element-solidjs-integration';
import { generateSvelteTypes } from 'custom-element-svelte-integration';
import { generateVuejsTypes } from 'custom-element-vuejs-integration';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'types');

/** Where the generated files take the element and event classes from: the package entry's declarations. */
const ENTRY_TYPES = '../dist/types/gemini-live.js';

const BANNER = [
  '// Made by scripts/framework-types.mjs from custom-elements.json (npm run build): do not edit.',
  '/* eslint-disable */',
  '',
].join('\n');

/** `gemini-live-state` → `geminiLiveState`. */
const camelize = (name) => name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every match of `pattern` in `text`, insisting there are `count` of them. */
function replaceExactly(text, pattern, replacement, count = 1) {
  const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
  const found = text.match(global)?.length ?? 0;
  if (found !== count) throw new Error(`framework types: expected ${count} × ${pattern}, found ${found}`);
  return text.replace(global, replacement);
}

/**
 * The manifest as a template sees it: without the read-only members and attributes (`state`, `transcript`, …).
 * A template can only set things, and React 19 assigns a prop the element has as a property, which throws for a
 * property that has only a getter.
 */
function settableOnly(manifest) {
  const copy = structuredClone(manifest);
  for (const declaration of copy.modules.flatMap((mod) => mod.declarations ?? [])) {
    if (!declaration.customElement) continue;
    declaration.members = declaration.members?.filter((member) => !member.readonly);
    declaration.attributes = declaration.attributes?.filter((attribute) => !attribute.readonly);
  }
  return copy;
}

/**
 * The generators read an event's type in the manifest as the type of its `detail` and write `CustomEvent<Type>`.
 * This manifest names the event's own class, as the schema means it (each an `Event` with a typed `detail`), so
 * a handler is given that class.
 */
function eventClasses(text, element) {
  for (const { type } of element.events) {
    text = replaceExactly(text, new RegExp(escape(`CustomEvent<${type.text}>`)), type.text);
  }
  return text;
}

/** The Solid generator leaves adding its tags to Solid's JSX to the user; the file does it, as the Vue one does. */
const forSolid = (text) => `${text}
declare module 'solid-js' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}
`;

/**
 * Vue's tooling matches a template's attributes and listeners to a component's props in camelCase
 * (`response-modality` → `responseModality`, `@gemini-live-state` → `onGeminiLiveState`); the generator writes
 * them as the attributes are spelled, which Vue never checks.
 */
function forVue(text, element) {
  for (const { name } of element.attributes.filter((attribute) => attribute.name.includes('-'))) {
    text = replaceExactly(text, new RegExp(escape(`"${name}"?:`)), `${camelize(name)}?:`);
  }
  for (const { name } of element.events) {
    text = replaceExactly(text, new RegExp(escape(`"on${name}"?:`)), `${camelize(`on-${name}`)}?:`);
  }
  return text;
}

/**
 * The Svelte generator writes for Svelte 4 with a global script in mind. This file imports the element's types, so
 * it is a module, where its `declare namespace svelteHTML` would stay local: the namespace goes into
 * `declare global`. Svelte sets a custom element's property from a plain attribute (`tools={tools}`), and
 * `bind:` only takes the bindings Svelte knows. Svelte 5 listens through `on<event>` attributes besides Svelte 4's
 * `on:<event>`. And Svelte has no `JSX` namespace: `style` is a string, children are markup, not a prop.
 */
function forSvelte(text, element) {
  const properties = element.members.filter((member) => member.kind === 'field' && !member.static && !member.attribute);
  text = replaceExactly(text, /"bind:(\w+)"\?:/, '$1?:', properties.length);
  text = replaceExactly(text, /^( *)"on:([\w-]+)"\?: (.*)$/m, '$1"on:$2"?: $3\n$1"on$2"?: $3', element.events.length);
  text = replaceExactly(text, /^ *children\?: JSX\.Element;\n/m, '');
  text = replaceExactly(text, /style\?: JSX\.CSSProperties;/, 'style?: string;');
  const global = (_, body) => `declare global {\n  namespace svelteHTML ${body.replaceAll('\n', '\n  ')}\n}\n`;
  return replaceExactly(text, /declare namespace svelteHTML (\{[\s\S]*\})\s*$/, global);
}

/** A file that adds the tags of jsx.d.ts to the `IntrinsicElements` of the JSX namespace of `module`. */
const jsxAugmentation = (module) => `${BANNER}import type { CustomElements } from './jsx.js';

declare module '${module}' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}
`;

const GENERATED = [
  { file: 'jsx.d.ts', generate: generateJsxTypes, adapt: (text) => text },
  { file: 'solid.d.ts', generate: generateSolidJsTypes, adapt: forSolid },
  { file: 'vue.d.ts', generate: generateVuejsTypes, adapt: forVue },
  { file: 'svelte.d.ts', generate: generateSvelteTypes, adapt: forSvelte },
];

export function writeFrameworkTypes() {
  const manifest = settableOnly(JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8')));
  const elements = manifest.modules.flatMap((mod) => mod.declarations ?? []).filter((d) => d.customElement);
  if (elements.length !== 1) throw new Error(`framework types: expected one custom element, found ${elements.length}`);
  const [element] = elements;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir);

  const log = console.log;
  // Some generators announce each file even with `hideLogs`; the build is otherwise quiet.
  console.log = () => {};
  try {
    for (const { file, generate } of GENERATED) {
      generate(structuredClone(manifest), { outdir, fileName: file, globalTypePath: ENTRY_TYPES, hideLogs: true });
    }
  } finally {
    console.log = log;
  }
  for (const { file, adapt } of GENERATED) {
    const target = path.join(outdir, file);
    const text = adapt(eventClasses(readFileSync(target, 'utf8'), element), element);
    // The banner turns ESLint off for the whole file, which leaves the generators' own directives unused.
    writeFileSync(target, BANNER + text.replace(/^ *\/\/ eslint-disable-next-line .*\n/gm, ''));
  }
  writeFileSync(path.join(outdir, 'react.d.ts'), jsxAugmentation('react'));
  writeFileSync(path.join(outdir, 'preact.d.ts'), jsxAugmentation('preact'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFrameworkTypes();
