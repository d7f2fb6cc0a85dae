/** Shared, Lit-free types of the public contract. */

/** Where the conversation is. Reflected on the element as the `state` attribute. */
export type LiveState = 'idle' | 'connecting' | 'listening' | 'speaking' | 'reconnecting' | 'error';

/** One turn of the conversation, as shown in the transcript. */
export interface Turn {
  /** Stable id, unique within the element's lifetime. */
  readonly id: string;
  readonly role: 'user' | 'model';
  /** When the turn began, in milliseconds since the epoch. */
  readonly at: number;
  /** The text so far: transcription pieces, typed text or model text parts, concatenated. */
  readonly text: string;
  /** False while pieces may still be appended. */
  readonly final: boolean;
  /** Set on a model turn cut off by the user; its text is trimmed to roughly what was heard. */
  readonly interrupted?: boolean;
  /** Set on a model turn the service ended for a reason other than a normal end: its `turnCompleteReason`. */
  readonly endReason?: string;
}

/** A function the model may call, declared to it as a function declaration. */
export interface LiveTool<Args = Record<string, unknown>, Result = unknown> {
  name: string;
  description?: string;
  /** A JSON Schema object describing the arguments. */
  parameters?: Record<string, unknown>;
  /** Runs when the model calls the function; its return value goes back as `response.result`. */
  handler: (args: Args, context: { signal: AbortSignal; id: string }) => Result | Promise<Result>;
  /** Whether the model waits for the result (`BLOCKING`) or talks on (`NON_BLOCKING`), where the model lets it choose. */
  behavior?: 'blocking' | 'non-blocking';
  /** For a call that runs non-blocking: when the model takes up the result. Default `'when-idle'`. */
  scheduling?: ToolScheduling;
}

/** When the model takes up a non-blocking call's result: at once, after its current answer, or silently. */
export type ToolScheduling = 'interrupt' | 'when-idle' | 'silent';

/** Stable, short error codes carried by `gemini-live-error`. */
export type LiveErrorCode =
  | 'mic-denied'
  | 'mic-missing'
  | 'mic-lost'
  | 'mic-failed'
  | 'audio-failed'
  | 'token-failed'
  | 'auth-failed'
  | 'invalid-request'
  | 'quota-exceeded'
  | 'model-not-found'
  | 'setup-timeout'
  | 'connection-failed'
  | 'connection-lost'
  | 'server-closed'
  | 'video-denied'
  | 'video-failed'
  | 'not-connected'
  | 'config-invalid';

export interface LiveErrorDetail {
  code: LiveErrorCode;
  message: string;
  /** True when the element recovers by itself or the user can simply try again. */
  recoverable: boolean;
}

/** Token usage reported by the server at the end of a turn. */
export interface LiveUsage {
  promptTokenCount?: number;
  responseTokenCount?: number;
  totalTokenCount?: number;
  [key: string]: unknown;
}

/** A function call that no `tools` handler takes, handed to the page. */
export interface GeminiLiveToolCallDetail {
  readonly id: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
  /**
   * Sends the function's result to the model. Only the first call counts. For a call that runs non-blocking,
   * `scheduling` says when the model takes it up (default: the tool's, or `'when-idle'`).
   */
  readonly respond: (result: unknown, options?: { scheduling?: ToolScheduling }) => void;
}
