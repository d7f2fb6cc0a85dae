// `gemini-live/react` where there is no DOM: importing it throws nothing and registers nothing, and server
// rendering gives the element's tag with its attributes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElement, type ComponentProps } from 'react';
import { renderToString } from 'react-dom/server';
import { ensureBuilt } from '../../../scripts/ensure-built.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
type ReactEntry = typeof import('../../../src/react/server.js');
let entry: ReactEntry;

before(async () => {
  ensureBuilt({ quiet: true });
  // By the package's own name, as an app would: Node takes the export without the `browser` condition. (A
  // variable, so that type checking before a build does not look for dist/'s declarations.)
  const specifier = 'gemini-live/react';
  entry = (await import(specifier)) as ReactEntry;
});

test('imports without a DOM, and registers nothing', () => {
  assert.equal(typeof entry.GeminiLive, 'object');
  for (const name of ['window', 'document', 'customElements', 'HTMLElement']) assert.equal(name in globalThis, false, name);
});

test('renderToString gives the <gemini-live> tag with the props as its attributes', () => {
  assert.equal(renderToString(createElement(entry.GeminiLive, { voice: 'Kore' })), '<gemini-live voice="Kore"></gemini-live>');
  const html = renderToString(
    createElement(entry.GeminiLive, {
      tokenEndpoint: '/api/token',
      responseModality: 'text',
      videoFps: 2,
      resume: true,
      muted: false,
      className: 'talk',
      'aria-label': 'Assistant',
      tools: [{ name: 'get_colour', description: 'Reads the page colour', handler: () => 'teal' }],
      tokenProvider: async () => 'token',
      onState: () => undefined,
    }),
  );
  assert.equal(
    html,
    '<gemini-live token-endpoint="/api/token" response-modality="text" video-fps="2" resume="" class="talk" aria-label="Assistant"></gemini-live>',
  );
});

test("the server entry knows the element's settable properties, as custom-elements.json lists them", () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8'));
  const declaration = manifest.modules
    .flatMap((module: { declarations?: unknown[] }) => module.declarations ?? [])
    .find((item: { tagName?: string }) => item.tagName === 'gemini-live');
  type Field = { kind: string; name: string; static?: boolean; readonly?: boolean; privacy?: string; attribute?: string };
  const settable = (declaration.members as Field[]).filter(
    (member) => member.kind === 'field' && !member.static && !member.readonly && (member.privacy ?? 'public') === 'public',
  );
  assert.deepEqual([...entry.ATTRIBUTE_PROPERTIES].sort(), settable.filter((field) => field.attribute).map((field) => field.name).sort());
  assert.deepEqual([...entry.PROPERTY_ONLY].sort(), settable.filter((field) => !field.attribute).map((field) => field.name).sort());
  // Every attribute is its property's name in kebab case, which is how the server names them.
  for (const field of settable.filter((item) => item.attribute)) assert.equal(entry.attributeName(field.name), field.attribute, field.name);
});

test("props that are not the element's go to React unchanged", () => {
  const html = renderToString(createElement(entry.GeminiLive, { tabIndex: 0, id: 'assistant', voice: 'Puck', ...{ 'data-x': 'y' } }));
  assert.doesNotMatch(html, /tab-index/);
  assert.equal(html, '<gemini-live tabIndex="0" id="assistant" voice="Puck" data-x="y"></gemini-live>');
});

test('browsers get the entry that registers the element; server runtimes, even those that claim browser, the other', () => {
  const exports = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).exports['./react'];
  const conditions = Object.keys(exports);
  assert.equal(exports.browser, './dist/react.js');
  for (const runtime of ['react-server', 'edge-light', 'workerd', 'worker']) {
    assert.equal(exports[runtime], './dist/react-server.js', runtime);
    assert.ok(conditions.indexOf(runtime) < conditions.indexOf('browser'), `${runtime} before browser`);
  }
  assert.equal(exports.default, './dist/react-server.js');
  assert.match(readFileSync(path.join(root, exports.browser), 'utf8'), /from"\.\/gemini-live\.js"/);
  const server = readFileSync(path.join(root, exports.default), 'utf8');
  assert.doesNotMatch(server, /from"\.\/gemini-live\.js"/);
  // The server entry, loaded by a browser anyway, registers the element through a chunk that imports the entry.
  const register = /import\("\.\/(register-[\w-]+\.js)"\)/.exec(server)?.[1];
  assert.ok(register, 'the server entry loads a register chunk in a browser');
  assert.match(readFileSync(path.join(root, 'dist', register), 'utf8'), /from"\.\/gemini-live\.js"/);
});

test('the props type takes what a page may set, and refuses read-only members, methods and wrong values', () => {
  // Checked by `tsc` (npm run lint): each marked line must stay an error.
  type Props = ComponentProps<typeof entry.GeminiLive>;
  const good: Props = { voice: 'Kore', responseModality: 'text', tools: [], onState: (event) => void event.detail.state, tabIndex: 0 };
  // @ts-expect-error read-only: the element's own state
  const readOnly: Props = { state: 'idle' };
  // @ts-expect-error a method, not a prop
  const method: Props = { start: async () => undefined };
  // @ts-expect-error not one of the element's modalities
  const wrongValue: Props = { responseModality: 'banana' };
  // @ts-expect-error Lit's own member
  const litMember: Props = { updateComplete: Promise.resolve(true) };
  assert.equal(
    renderToString(createElement(entry.GeminiLive, good)),
    '<gemini-live voice="Kore" response-modality="text" tabIndex="0"></gemini-live>',
  );
  assert.equal([readOnly, method, wrongValue, litMember].length, 4);
});
