/**
 * `gemini-live/react` in a browser: `<GeminiLive>`, whose props are set on the element as properties and whose
 * `on…` props listen to its events. Importing it registers `<gemini-live>`. Where there is no DOM, the package's
 * exports give `./server.ts` instead.
 */
import * as React from 'react';
import { GeminiLiveElement } from '../gemini-live.js';
import { geminiLiveComponent } from './component.js';

export type { GeminiLiveComponent, GeminiLiveEvents, GeminiLiveProps } from './component.js';

export const GeminiLive = geminiLiveComponent(React, GeminiLiveElement);
