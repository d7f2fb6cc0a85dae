import type { LiveTool, ToolScheduling } from './types.js';
import type { GeminiLiveToolCallDetail } from './types.js';
import type { ToolCallRequest } from './server-message.js';

/** How the model takes up a non-blocking call's result, as the wire names it. */
export type WireScheduling = 'INTERRUPT' | 'WHEN_IDLE' | 'SILENT';

export interface FunctionResponse {
  id: string;
  name: string;
  response: ({ result: unknown } | { error: string }) & { scheduling?: WireScheduling };
}

const WIRE_SCHEDULING: Record<ToolScheduling, WireScheduling> = {
  interrupt: 'INTERRUPT',
  'when-idle': 'WHEN_IDLE',
  silent: 'SILENT',
};

/**
 * Runs the page's tool handlers for the model's function calls and sends each response back with the call's id
 * and name. Calls with no handler go to `onUnhandled` (the cancelable DOM event); cancellations abort pending
 * handlers through their `AbortSignal`, and their late results are not sent.
 */
export class ToolDispatcher {
  private readonly pending = new Map<string, AbortController>();

  constructor(
    private readonly tools: () => readonly LiveTool[],
    private readonly send: (response: FunctionResponse) => void,
    private readonly onUnhandled: (call: GeminiLiveToolCallDetail) => boolean,
    /** Whether calls of a function run non-blocking on this model (their results then carry `scheduling`). */
    private readonly nonBlocking: (tool: LiveTool | undefined) => boolean = () => false,
  ) {}

  /** How many calls are waiting for a result. */
  get size(): number {
    return this.pending.size;
  }

  dispatch(call: ToolCallRequest): void {
    const controller = new AbortController();
    this.pending.set(call.id, controller);
    let answered = false;
    const declared = this.tools().find((candidate) => candidate?.name === call.name);
    const nonBlocking = this.nonBlocking(declared);
    const respond = (response: FunctionResponse['response'], scheduling?: ToolScheduling) => {
      if (answered || controller.signal.aborted) return;
      answered = true;
      this.pending.delete(call.id);
      // Only a non-blocking call's result is scheduled; the model waits for a blocking one anyway.
      const wire = nonBlocking ? WIRE_SCHEDULING[scheduling ?? declared?.scheduling ?? 'when-idle'] ?? 'WHEN_IDLE' : undefined;
      this.send({ id: call.id, name: call.name, response: wire ? { ...response, scheduling: wire } : response });
    };

    const tool = declared && typeof declared.handler === 'function' ? declared : undefined;
    if (!tool) {
      const taken = this.onUnhandled({
        id: call.id,
        name: call.name,
        args: call.args,
        respond: (result: unknown, options?: { scheduling?: ToolScheduling }) =>
          respond({ result: result === undefined ? null : result }, options?.scheduling),
      });
      if (!taken && !answered) respond({ error: `No handler for function "${call.name}".` });
      return;
    }

    let outcome: unknown;
    try {
      outcome = tool.handler(call.args, { signal: controller.signal, id: call.id });
    } catch (error) {
      respond({ error: errorMessage(error) });
      return;
    }
    Promise.resolve(outcome).then(
      (result) => respond({ result: result === undefined ? null : result }),
      (error: unknown) => respond({ error: errorMessage(error) }),
    );
  }

  cancel(ids: readonly string[]): void {
    for (const id of ids) {
      this.pending.get(id)?.abort(new DOMException('The model cancelled this function call.', 'AbortError'));
      this.pending.delete(id);
    }
  }

  /** Aborts everything still running (end of the session). */
  dispose(): void {
    this.cancel([...this.pending.keys()]);
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'The function failed.';
}
