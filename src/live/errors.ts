import type { LiveErrorCode, LiveErrorDetail } from './types.js';
import { errorMessage } from '../shared/error-message.js';

/** An Error carrying a classified `LiveErrorDetail`, thrown inside the session and reported as one event. */
export class LiveError extends Error {
  readonly detail: LiveErrorDetail;
  constructor(code: LiveErrorCode, message: string, recoverable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LiveError';
    this.detail = { code, message, recoverable };
  }
}

/** Classifies a `getUserMedia` failure. */
export function microphoneError(cause: unknown): LiveError {
  const name = cause instanceof DOMException || cause instanceof Error ? cause.name : '';
  const text = errorMessage(cause);
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return new LiveError('mic-denied', `Microphone access was denied (${name}).`, true, { cause });
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') {
    return new LiveError('mic-missing', `No usable microphone was found (${name}).`, true, { cause });
  }
  if (name === 'TypeError' && /getUserMedia|mediaDevices/.test(text)) {
    return new LiveError('mic-failed', 'This page cannot use the microphone (it needs a secure context: https or localhost).', false, {
      cause,
    });
  }
  return new LiveError('mic-failed', `The microphone could not be opened: ${text}`, true, { cause });
}

/** Classifies a close that happened before `setupComplete`. */
export function setupCloseError(code: number | undefined, reason: string): LiveError {
  const why = reason || 'no reason given';
  if (code === 1007) return new LiveError('auth-failed', `The service refused the credentials: ${why}`, false);
  if (code === 1008) {
    if (/not found|not supported/i.test(reason)) return new LiveError('model-not-found', `The model is not available: ${why}`, false);
    return new LiveError('server-closed', `The service refused the setup (1008): ${why}`, false);
  }
  return new LiveError('connection-failed', `The connection closed during setup (code ${code ?? 1006}): ${why}`, true);
}

/** Close codes after which reconnecting cannot help. */
export function isFatalClose(code: number): boolean {
  return code === 1007 || code === 1008 || code === 1003;
}

export function toLiveError(cause: unknown, fallback: LiveErrorCode = 'connection-failed'): LiveError {
  if (cause instanceof LiveError) return cause;
  const message = errorMessage(cause);
  return new LiveError(fallback, message, true, { cause });
}
