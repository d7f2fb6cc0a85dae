import type { RawData } from 'ws';

/** How a close received on one side is passed to the other. */
export type CloseToRelay =
  /** The peer sent no status code (1005): close without one. */
  | { kind: 'no-status' }
  /** The code can be sent on as it is. */
  | { kind: 'code'; code: number }
  /** The code may not appear in a close frame (1006 abnormal closure, 1015, reserved ranges). */
  | { kind: 'unsendable' };

/** Decides how a received close code can be relayed. */
export function closeToRelay(code: number): CloseToRelay {
  if (code === 1005) return { kind: 'no-status' };
  const sendable = (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1006) || (code >= 3000 && code <= 4999);
  return sendable ? { kind: 'code', code } : { kind: 'unsendable' };
}

/** Close reasons are limited to 123 bytes of UTF-8; cut on a character boundary. */
export function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.byteLength <= 123) return reason;
  let end = 123;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

export function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw);
}
