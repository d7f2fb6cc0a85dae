/**
 * The React component, made by `@lit/react` for a given element class. The browser entry hands it the real
 * `GeminiLiveElement`; the server entry, which must load where there is no DOM, hands it a class with no
 * properties, so that every prop reaches React and is rendered as an attribute.
 */
import { createComponent, type EventName, type ReactWebComponent } from '@lit/react';
import type * as ReactModule from 'react';
import type { GeminiLiveElement } from '../element/gemini-live-element.js';
import type {
  GeminiLiveErrorEvent,
  GeminiLiveInterruptedEvent,
  GeminiLiveStateEvent,
  GeminiLiveToolCallEvent,
  GeminiLiveTranscriptEvent,
  GeminiLiveUsageEvent,
} from '../events/index.js';

/** The element's events as React props, each with its event class. */
export const events = {
  onState: 'gemini-live-state' as EventName<GeminiLiveStateEvent>,
  onTranscript: 'gemini-live-transcript' as EventName<GeminiLiveTranscriptEvent>,
  onToolCall: 'gemini-live-tool-call' as EventName<GeminiLiveToolCallEvent>,
  onInterrupted: 'gemini-live-interrupted' as EventName<GeminiLiveInterruptedEvent>,
  onUsage: 'gemini-live-usage' as EventName<GeminiLiveUsageEvent>,
  onError: 'gemini-live-error' as EventName<GeminiLiveErrorEvent>,
};

export type GeminiLiveEvents = typeof events;

/** `<GeminiLive>`: the element's properties and events as props, and `ref` to the element. */
export type GeminiLiveComponent = ReactWebComponent<GeminiLiveElement, GeminiLiveEvents>;

/** The props `<GeminiLive>` takes. */
export type GeminiLiveProps = ReactModule.ComponentProps<GeminiLiveComponent>;

export function geminiLiveComponent(react: typeof ReactModule, elementClass: typeof GeminiLiveElement): GeminiLiveComponent {
  return createComponent({ react, tagName: 'gemini-live', elementClass, events, displayName: 'GeminiLive' });
}
