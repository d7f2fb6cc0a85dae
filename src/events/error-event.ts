import type { LiveErrorDetail } from '../live/types.js';

/** Fired for every error; `detail.code` is a short stable string such as `mic-denied` or `connection-lost`. */
export class GeminiLiveErrorEvent extends Event {
  static readonly eventName = 'gemini-live-error';
  readonly detail: LiveErrorDetail;
  constructor(detail: LiveErrorDetail) {
    super(GeminiLiveErrorEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}
