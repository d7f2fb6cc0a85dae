/**
 * `gemini-live/react` where there is no DOM (server rendering, Next.js, tests in Node): the same component, made
 * without the element class, which cannot load there. `renderToString(<GeminiLive voice="Kore" />)` gives
 * `<gemini-live voice="Kore"></gemini-live>`: each of the element's properties with a string, number or `true`
 * value becomes its attribute (`responseModality` → `response-modality`); properties without an attribute
 * (`tools`, `config`, `tokenProvider`) and the event props are left out, for the browser to set when it renders.
 * Other props (`className`, `tabIndex`, `aria-*`) go to React unchanged. Nothing registers here, and nothing here
 * touches `window`, `document` or `customElements`.
 *
 * A bundler that hands this file to a browser (one that ignores the `browser` export condition) still gets a
 * working element: the element's module is loaded and registers, and until then Lit keeps the properties set on
 * the element, so every prop, object and listener arrives.
 */
import * as React from 'react';
import type { GeminiLiveElement } from '../element/gemini-live-element.js';
import { ATTRIBUTE_PROPERTIES, PROPERTY_ONLY, geminiLiveComponent, type GeminiLiveComponent, type GeminiLiveProps } from './component.js';

export type { GeminiLiveComponent, GeminiLiveEvents, GeminiLiveProps } from './component.js';
export { ATTRIBUTE_PROPERTIES, PROPERTY_ONLY } from './component.js';

const attributeProperties = new Set<string>(ATTRIBUTE_PROPERTIES);
const elementProperties = new Set<string>([...ATTRIBUTE_PROPERTIES, ...PROPERTY_ONLY]);

/** `responseModality` → `response-modality`, as every attribute of the element is named. */
export function attributeName(prop: string): string {
  return prop.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The props as the server renders them: the element's as attributes, its property-only ones left out. */
export function toAttributes(props: Record<string, unknown>): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [prop, value] of Object.entries(props)) {
    if (!elementProperties.has(prop)) rendered[prop] = value;
    else if (!attributeProperties.has(prop)) continue;
    else if (typeof value === 'string' || typeof value === 'number') rendered[attributeName(prop)] = value;
    else if (value === true) rendered[attributeName(prop)] = '';
  }
  return rendered;
}

const inBrowser = typeof window !== 'undefined' && typeof customElements !== 'undefined';

/**
 * What `@lit/react` asks `prop in elementClass.prototype` of. In a browser: the element's properties, so that they
 * are set as properties even before the element's module has registered it. On a server: nothing, so that every
 * prop reaches React.
 */
const standIn = { prototype: Object.fromEntries((inBrowser ? [...elementProperties] : []).map((name) => [name, undefined])) };
const Inner = geminiLiveComponent(React, standIn as unknown as typeof GeminiLiveElement);

export const GeminiLive: GeminiLiveComponent = inBrowser
  ? Inner
  : (React.forwardRef<GeminiLiveElement, GeminiLiveProps>(function GeminiLive(props, ref) {
      return React.createElement(Inner, { ...toAttributes(props), ref } as GeminiLiveProps);
    }) as GeminiLiveComponent);

// Through a module of its own: a dynamic import of the entry itself would make the entry carry its namespace.
if (inBrowser) void import('./register.js');
