import { GeminiLiveErrorEvent } from './error-event.js';
import { GeminiLiveInterruptedEvent } from './interrupted-event.js';
import { GeminiLiveStateEvent } from './state-event.js';
import { GeminiLiveToolCallEvent } from './tool-call-event.js';
import { GeminiLiveTranscriptEvent } from './transcript-event.js';
import { GeminiLiveUsageEvent } from './usage-event.js';

export {
  GeminiLiveErrorEvent,
  GeminiLiveInterruptedEvent,
  GeminiLiveStateEvent,
  GeminiLiveToolCallEvent,
  GeminiLiveTranscriptEvent,
  GeminiLiveUsageEvent,
};
export type { GeminiLiveStateDetail } from './state-event.js';
export type { GeminiLiveTranscriptDetail } from './transcript-event.js';
export type { GeminiLiveToolCallDetail } from './tool-call-event.js';

declare global {
  interface HTMLElementEventMap {
    'gemini-live-state': GeminiLiveStateEvent;
    'gemini-live-transcript': GeminiLiveTranscriptEvent;
    'gemini-live-tool-call': GeminiLiveToolCallEvent;
    'gemini-live-interrupted': GeminiLiveInterruptedEvent;
    'gemini-live-usage': GeminiLiveUsageEvent;
    'gemini-live-error': GeminiLiveErrorEvent;
  }
}
