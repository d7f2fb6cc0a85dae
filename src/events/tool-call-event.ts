import type { GeminiLiveToolCallDetail } from '../live/types.js';

export type { GeminiLiveToolCallDetail };

/**
 * Fired for a function call that no `tools` handler takes. Call `detail.respond(result)` (now or later) to answer;
 * `preventDefault()` without responding tells the element you will answer later, otherwise an error response
 * is sent for the unhandled call.
 */
export class GeminiLiveToolCallEvent extends Event {
  static readonly eventName = 'gemini-live-tool-call';
  readonly detail: GeminiLiveToolCallDetail;
  constructor(detail: GeminiLiveToolCallDetail) {
    super(GeminiLiveToolCallEvent.eventName, { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}
