/**
 * Defensive reading of Live server messages. The SDK hands over whatever JSON arrived; a field of the wrong type
 * must never throw into the page, so every field is checked and anything unexpected is dropped.
 */

export interface AudioPiece {
  data: string;
  sampleRate: number;
}

export interface ToolCallRequest {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface ServerEvent {
  audio: AudioPiece[];
  text: string[];
  inputTranscription?: string;
  outputTranscription?: string;
  interrupted: boolean;
  turnComplete: boolean;
  usage?: Record<string, unknown>;
  toolCalls: ToolCallRequest[];
  toolCancellations: string[];
  goAway?: { timeLeftMs: number };
  resumption?: { handle: string; resumable: boolean };
}

const obj = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Parses protobuf-JSON durations such as "50s", "0.5s" or "1.250s" into milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  const text = str(value);
  if (!text) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(text);
  return match ? Number(match[1]) * 1000 : undefined;
}

/** Reads the sample rate of `audio/pcm;rate=24000`; the Live API's 24 kHz when absent. */
export function pcmRate(mimeType: string | undefined): number | undefined {
  if (!mimeType || !/^audio\/(pcm|l16)/i.test(mimeType)) return undefined;
  const match = /rate=(\d+)/i.exec(mimeType);
  const rate = match ? Number(match[1]) : 24000;
  return rate >= 8000 && rate <= 192000 ? rate : undefined;
}

export function readServerMessage(message: unknown): ServerEvent {
  const event: ServerEvent = {
    audio: [],
    text: [],
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
        const inline = obj(p.inlineData);
        const data = str(inline?.data);
        const rate = pcmRate(str(inline?.mimeType));
        if (data && rate) event.audio.push({ data, sampleRate: rate });
        const text = str(p.text);
        // Thought summaries are not part of the answer.
        if (text && p.thought !== true) event.text.push(text);
      }
    }
    event.inputTranscription = str(obj(content.inputTranscription)?.text);
    event.outputTranscription = str(obj(content.outputTranscription)?.text);
    event.interrupted = content.interrupted === true;
    event.turnComplete = content.turnComplete === true;
  }

  const usage = obj(root.usageMetadata);
  if (usage) event.usage = usage;

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
