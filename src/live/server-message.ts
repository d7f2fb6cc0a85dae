/**
 * Defensive reading of Live server messages. The SDK hands over whatever JSON arrived; a field of the wrong type
 * must never throw into the page, so every field is checked and anything unexpected is dropped.
 */

import { normalizeUsage } from './usage.js';
import { isObject, type Json } from '../shared/json.js';

export interface ToolCallRequest {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/**
 * What one server message says. Its audio is not among it: the session's pipeline took that out on the way and
 * queued it for playback (see `pipeline/model-voice.ts`).
 */
export interface ServerEvent {
  text: string[];
  inputTranscription?: string;
  /** The user's side of the caption is complete. */
  inputFinished: boolean;
  /** Words of the user's that may still change (`interimInputTranscription`). */
  interimInput?: string;
  outputTranscription?: string;
  /** The model's side of the caption is complete. */
  outputFinished: boolean;
  interrupted: boolean;
  turnComplete: boolean;
  /** Why the turn ended, when the service says (e.g. "PROHIBITED_INPUT_CONTENT"). */
  turnCompleteReason?: string;
  usage?: Record<string, unknown>;
  toolCalls: ToolCallRequest[];
  toolCancellations: string[];
  goAway?: { timeLeftMs: number };
  resumption?: { handle: string; resumable: boolean };
}

const obj = (value: unknown): Json | undefined => (isObject(value) ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Parses protobuf-JSON durations such as "50s", "0.5s" or "1.250s" into milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  const text = str(value);
  if (!text) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(text);
  return match ? Number(match[1]) * 1000 : undefined;
}

export function readServerMessage(message: unknown): ServerEvent {
  const event: ServerEvent = {
    text: [],
    inputFinished: false,
    outputFinished: false,
    interrupted: false,
    turnComplete: false,
    toolCalls: [],
    toolCancellations: [],
  };
  const root = obj(message);
  if (!root) return event;

  const content = obj(root.serverContent);
  if (content) {
    const parts = obj(content.modelTurn)?.parts;
    if (Array.isArray(parts)) {
      for (const part of parts) {
        const p = obj(part);
        if (!p) continue;
        const text = str(p.text);
        // Thought summaries are not part of the answer.
        if (text && p.thought !== true) event.text.push(text);
      }
    }
    const input = obj(content.inputTranscription);
    const output = obj(content.outputTranscription);
    event.inputTranscription = str(input?.text);
    event.inputFinished = input?.finished === true;
    event.interimInput = str(obj(content.interimInputTranscription)?.text);
    event.outputTranscription = str(output?.text);
    event.outputFinished = output?.finished === true;
    event.interrupted = content.interrupted === true;
    event.turnComplete = content.turnComplete === true;
    event.turnCompleteReason = str(content.turnCompleteReason);
  }

  const usage = obj(root.usageMetadata);
  if (usage) event.usage = normalizeUsage(usage);

  const calls = obj(root.toolCall)?.functionCalls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      const c = obj(call);
      const name = str(c?.name);
      if (!c || !name) continue;
      const id = str(c.id) ?? '';
      event.toolCalls.push({ id, name, args: obj(c.args) ?? {} });
    }
  }
  const ids = obj(root.toolCallCancellation)?.ids;
  if (Array.isArray(ids)) event.toolCancellations = ids.filter((id): id is string => typeof id === 'string');

  const goAway = obj(root.goAway);
  if (goAway) event.goAway = { timeLeftMs: parseDuration(goAway.timeLeft) ?? 0 };

  const update = obj(root.sessionResumptionUpdate);
  const handle = str(update?.newHandle);
  if (update && handle) event.resumption = { handle, resumable: update.resumable !== false };

  return event;
}
