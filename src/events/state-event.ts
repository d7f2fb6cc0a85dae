import type { LiveState } from '../live/types.js';

export interface GeminiLiveStateDetail {
  readonly state: LiveState;
  readonly previous: LiveState;
}

/** Fired on every change of the element's `state`. */
export class GeminiLiveStateEvent extends Event {
  static readonly eventName = 'gemini-live-state';
  readonly detail: GeminiLiveStateDetail;
  constructor(detail: GeminiLiveStateDetail) {
    super(GeminiLiveStateEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}
