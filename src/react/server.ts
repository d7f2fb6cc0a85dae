/**
 * `gemini-live/react` where there is no DOM (server rendering, Next.js, tests in Node): the same component, made
 * without the element class, which cannot load there. `renderToString(<GeminiLive voice="Kore" />)` gives
 * `<gemini-live voice="Kore"></gemini-live>`: each prop with a string, number or boolean value becomes the
 * element's attribute, its name in kebab case (`responseModality` → `response-modality`, as every attribute of
 * the element is named), and props that only exist as properties (`tools`, `config`, `tokenProvider`) and the
 * event props are left out; the browser sets them when it renders. Nothing registers here, and nothing here
 * touches `window`, `document` or `customElements`.
 *
 * A bundler that hands this file to a browser (one that ignores the `browser` export condition) still gets a
 * working element: it is loaded, and registers, as soon as this module runs in a browser.
 */
import * as React from 'react';
import type { GeminiLiveElement } from '../element/gemini-live-element.js';
import { geminiLiveComponent, type GeminiLiveComponent, type GeminiLiveProps } from './component.js';

export type { GeminiLiveComponent, GeminiLiveEvents, GeminiLiveProps } from './component.js';

/** Props React passes through unchanged (as `@lit/react` does). */
const REACT_PROPS = new Set(['children', 'className', 'style', 'ref', 'key', 'suppressHydrationWarning']);

/** `responseModality` → `response-modality`; `aria-label` and `data-x` stay as they are. */
export function attributeName(prop: string): string {
  return prop.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The props as the server renders them: attributes under their own names, and no properties or listeners. */
export function toAttributes(props: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [prop, value] of Object.entries(props)) {
    if (REACT_PROPS.has(prop)) attributes[prop] = value;
    else if (typeof value === 'string' || typeof value === 'number') attributes[attributeName(prop)] = value;
    else if (value === true) attributes[attributeName(prop)] = '';
  }
  return attributes;
}

/** A class without the element's properties: every prop reaches React, as an attribute. */
const noProperties = class {} as unknown as typeof GeminiLiveElement;
const Inner = geminiLiveComponent(React, noProperties);

export const GeminiLive = React.forwardRef<GeminiLiveElement, GeminiLiveProps>(function GeminiLive(props, ref) {
  return React.createElement(Inner, { ...toAttributes(props), ref } as GeminiLiveProps);
}) as GeminiLiveComponent;

// Through a module of its own: a dynamic import of the entry itself would make the entry carry its namespace.
if (typeof window !== 'undefined' && typeof customElements !== 'undefined') void import('./register.js');
