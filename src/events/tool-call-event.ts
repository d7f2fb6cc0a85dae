/** A function call that no `tools` handler takes, handed to the page. */
export interface GeminiLiveToolCallDetail {
  readonly id: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** Sends the function's result to the model. Only the first call counts. */
  readonly respond: (result: unknown) => void;
}

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
