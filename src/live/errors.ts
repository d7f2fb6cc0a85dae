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

/** What a failure to share the camera or the screen means (a `LiveError` stays as it is). */
export function videoError(cause: unknown): LiveError {
  if (cause instanceof LiveError) return cause;
  if (cause instanceof DOMException && (cause.name === 'NotAllowedError' || cause.name === 'SecurityError')) {
    return new LiveError('video-denied', `Sharing was not allowed (${cause.name}).`, true);
  }
  return new LiveError('video-failed', `Video could not be shared: ${errorMessage(cause)}`, true);
}

/** Reasons that say the credentials themselves were refused (as opposed to some other invalid argument). */
const CREDENTIALS_REASON = /api key|access token|auth_?token|credential|unauthenticated|permission denied|expired/i;
/** Reasons that say a quota or the concurrent-session limit was hit. */
const QUOTA_REASON = /quota|resource[_ ]exhausted|rate limit|too many (concurrent )?(sessions|requests)/i;
/** Reasons the service gives when a connection reaches the end of its lifetime. */
const LIFETIME_REASON = /deadline expired|operation was cancell?ed/i;

/**
 * What a close means for the session: the end of a connection's life or a drop (`resume` with the newest
 * handle, no error shown), or an error to report (`fail`, never retried in a loop).
 */
export type CloseVerdict = { action: 'resume' } | { action: 'fail'; error: LiveError };

/**
 * Classifies a close by code and reason. `afterGoAway`: the server announced the end first, so whatever code it
 * closes with, the conversation goes on on a new connection.
 */
export function classifyClose(code: number | undefined, reason: string, { afterGoAway = false } = {}): CloseVerdict {
  const why = reason || 'no reason given';
  if (afterGoAway || LIFETIME_REASON.test(reason)) return { action: 'resume' };
  switch (code) {
    case 1007:
      return {
        action: 'fail',
        error: CREDENTIALS_REASON.test(reason)
          ? new LiveError('auth-failed', `The service refused the credentials: ${why}`, false)
          : new LiveError('invalid-request', `The service refused the request: ${why}`, false),
      };
    case 1008:
      return {
        action: 'fail',
        error: /not found|not supported/i.test(reason)
          ? new LiveError('model-not-found', `The model is not available: ${why}`, false)
          : new LiveError('server-closed', `The service closed the conversation (1008): ${why}`, false),
      };
    case 1003:
      return { action: 'fail', error: new LiveError('server-closed', `The service closed the conversation (1003): ${why}`, false) };
    case 1011:
      if (QUOTA_REASON.test(reason)) {
        // Not recoverable: a page that restarts on recoverable errors would otherwise retry against the quota.
        return { action: 'fail', error: new LiveError('quota-exceeded', `The service's quota is used up: ${why}`, false) };
      }
      return { action: 'resume' };
    default:
      return { action: 'resume' };
  }
}

/** Classifies a close that happened before `setupComplete`. */
export function setupCloseError(code: number | undefined, reason: string): LiveError {
  const verdict = classifyClose(code, reason);
  if (verdict.action === 'fail') return verdict.error;
  return new LiveError('connection-failed', `The connection closed during setup (code ${code ?? 1006}): ${reason || 'no reason given'}`, true);
}

export function toLiveError(cause: unknown, fallback: LiveErrorCode = 'connection-failed'): LiveError {
  if (cause instanceof LiveError) return cause;
  const message = errorMessage(cause);
  return new LiveError(fallback, message, true, { cause });
}
