/**
 * Incoming frames as the SDK may see them. The SDK calls `JSON.parse` on every frame inside a promise it does not
 * catch, so a malformed frame would surface as an unhandled rejection in the page; such frames are dropped (and
 * counted) before it sees them.
 */
import type { Json } from '../shared/json.js';

/** Frames larger than this are dropped unread: real Live messages are a few kilobytes. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** A frame, or a piece of one, that was dropped, and why. */
export interface DroppedFrame {
  reason: 'not-json' | 'not-an-object' | 'too-large' | 'unreadable';
  bytes: number;
}

/** A frame that passed screening: its text, and the object it holds. */
export interface ScreenedFrame {
  text: string;
  message: Json;
}

const decoder = new TextDecoder();

/** One incoming frame: the text of a JSON object, or why it was dropped. */
export function screenFrame(data: unknown): ScreenedFrame | DroppedFrame {
  let text: string;
  if (typeof data === 'string') {
    if (data.length > MAX_FRAME_BYTES) return { reason: 'too-large', bytes: data.length };
    text = data;
  } else if (data instanceof ArrayBuffer) {
    if (data.byteLength > MAX_FRAME_BYTES) return { reason: 'too-large', bytes: data.byteLength };
    text = decoder.decode(data);
  } else {
    return { reason: 'unreadable', bytes: 0 };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { reason: 'not-json', bytes: text.length };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { reason: 'not-an-object', bytes: text.length };
  }
  return { text, message: parsed as Json };
}

/** Closes `ws` with `code` and `reason` unless it is closing already; a code the browser refuses closes it plainly. */
export function closeSocket(ws: WebSocket, code?: number, reason?: string): void {
  if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
  try {
    ws.close(code, reason);
  } catch {
    ws.close();
  }
}
