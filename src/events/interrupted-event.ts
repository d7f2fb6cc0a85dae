/** Fired when the model's speech is cut off by the user. */
export class GeminiLiveInterruptedEvent extends Event {
  static readonly eventName = 'gemini-live-interrupted';
  readonly detail: Record<string, never> = {};
  constructor() {
    super(GeminiLiveInterruptedEvent.eventName, { bubbles: true, composed: true });
  }
}
