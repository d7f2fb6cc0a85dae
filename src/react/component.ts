/**
 * The React component, made by `@lit/react` for a given element class. The browser entry hands it the real
 * `GeminiLiveElement`; the server entry, which must load where there is no DOM, hands it a stand-in (see there).
 */
import { createComponent, type EventName } from '@lit/react';
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

/** The element's properties that have an attribute (a test holds both lists to custom-elements.json). */
export const ATTRIBUTE_PROPERTIES = [
  'tokenEndpoint', 'apiKey', 'apiBaseUrl', 'apiVersion', 'model', 'voice', 'responseModality', 'language',
  'systemInstruction', 'transcription', 'mode', 'video', 'videoFps', 'chunkMs', 'noAudioProcessing', 'googleSearch',
  'textInput', 'textOnly', 'termsKey', 'layout', 'open', 'resume', 'muted', 'volume', 'startSensitivity',
  'endSensitivity', 'silenceMs', 'prefixPaddingMs', 'bargeIn',
] as const satisfies ReadonlyArray<keyof GeminiLiveElement>;

/** Its properties without an attribute. */
export const PROPERTY_ONLY = [
  'tools', 'audioConstraints', 'microphoneId', 'speakerId', 'cameraId', 'tokenProvider', 'config', 'strings',
] as const satisfies ReadonlyArray<
  keyof GeminiLiveElement
>;

/** What a page may set: not the read-only state, the methods or Lit's own members. */
type Settable = Pick<GeminiLiveElement, (typeof ATTRIBUTE_PROPERTIES)[number] | (typeof PROPERTY_ONLY)[number]>;

type Listeners = { [K in keyof GeminiLiveEvents]?: (event: GeminiLiveEvents[K]['__eventType']) => void };

/** The props `<GeminiLive>` takes: the settable properties, the `on…` events, HTML's own props, and `ref`. */
export type GeminiLiveProps = Omit<ReactModule.HTMLAttributes<GeminiLiveElement>, keyof Listeners | keyof Settable> &
  Listeners &
  Partial<Settable> &
  ReactModule.RefAttributes<GeminiLiveElement>;

/** `<GeminiLive>`: the element's properties and events as props, and `ref` to the element. */
export type GeminiLiveComponent = ReactModule.ForwardRefExoticComponent<GeminiLiveProps>;

export function geminiLiveComponent(react: typeof ReactModule, elementClass: typeof GeminiLiveElement): GeminiLiveComponent {
  return createComponent({ react, tagName: 'gemini-live', elementClass, events, displayName: 'GeminiLive' }) as unknown as GeminiLiveComponent;
}
