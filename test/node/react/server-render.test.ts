// `gemini-live/react` where there is no DOM: importing it throws nothing and registers nothing, and server
// rendering gives the element's tag with its attributes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
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

test('every attribute of the element is its property name in kebab case, as the server render assumes', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8'));
  const declaration = manifest.modules
    .flatMap((module: { declarations?: unknown[] }) => module.declarations ?? [])
    .find((item: { tagName?: string }) => item.tagName === 'gemini-live');
  const attributes: Array<{ name: string; fieldName?: string }> = declaration.attributes;
  assert.ok(attributes.length >= 15, `${attributes.length} attributes`);
  for (const attribute of attributes) {
    if (attribute.fieldName) assert.equal(entry.attributeName(attribute.fieldName), attribute.name, attribute.fieldName);
  }
});

test('a browser gets the entry that registers the element', () => {
  const exports = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).exports['./react'];
  assert.equal(exports.browser, './dist/react.js');
  const browserEntry = readFileSync(path.join(root, exports.browser), 'utf8');
  assert.match(browserEntry, /from"\.\/gemini-live\.js"/);
  assert.doesNotMatch(readFileSync(path.join(root, exports.default), 'utf8'), /from"\.\/gemini-live\.js"/);
});
