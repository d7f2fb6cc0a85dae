import type { LiveUsage } from '../live/types.js';

/** Fired with the server's `usageMetadata`, usually at the end of each turn. */
export class GeminiLiveUsageEvent extends Event {
  static readonly eventName = 'gemini-live-usage';
  readonly detail: LiveUsage;
  constructor(detail: LiveUsage) {
    super(GeminiLiveUsageEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}
