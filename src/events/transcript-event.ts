import type { Turn } from '../live/types.js';

export interface GeminiLiveTranscriptDetail {
  /** The turn that changed. */
  readonly turn: Turn;
  /** The whole transcript after the change, oldest first. */
  readonly transcript: readonly Turn[];
}

/** Fired on every change of the transcript: a new turn, appended text, a turn made final or interrupted. */
export class GeminiLiveTranscriptEvent extends Event {
  static readonly eventName = 'gemini-live-transcript';
  readonly detail: GeminiLiveTranscriptDetail;
  constructor(detail: GeminiLiveTranscriptDetail) {
    super(GeminiLiveTranscriptEvent.eventName, { bubbles: true, composed: true });
    this.detail = detail;
  }
}
