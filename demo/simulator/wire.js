// @ts-check
/**
 * Wire-level constants and helpers shared by the simulator: close codes and the service's reason texts,
 * frame encoding and protobuf-JSON durations.
 */

/** WebSocket close codes the Live service uses. */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  /** Invalid payload data: bad credentials, malformed or out-of-order messages. */
  INVALID: 1007,
  /** Policy violation: unknown model, unknown resumption handle. */
  POLICY: 1008,
  INTERNAL: 1011,
});

export const Reason = Object.freeze({
  BAD_KEY: 'API key not valid. Please pass a valid API key.',
  EXPIRED_KEY: 'API key expired. Please renew the API key.',
  INTERNAL: 'Internal error encountered.',
  INVALID_ARGUMENT: 'Request contains an invalid argument.',
  FIRST_NOT_SETUP: 'Request contains an invalid argument. The first message must be a setup message.',
  SECOND_SETUP: 'Request contains an invalid argument. Setup may only be sent once per connection.',
  INVALID_JSON: 'Invalid JSON payload received.',
  EXPLICIT_ACTIVITY:
    'Explicit activity control is not supported when automatic activity detection is enabled.',
  UNKNOWN_HANDLE: 'Session resumption handle is not valid or has expired.',
  /** The Gemini API's close at the end of a connection's lifetime (google/adk-python#4140). */
  LIFETIME_ENDED: 'Deadline expired before operation could complete.',
  /** Vertex AI's close at the end of a connection's lifetime (pipecat-ai/pipecat#3112). */
  VERTEX_LIFETIME_ENDED: 'The operation was cancelled.',
  QUOTA: 'You exceeded your current quota, please check your plan and billing details.',
  PROACTIVE_AUDIO_ALWAYS_ON: 'Request contains an invalid argument. Proactive audio cannot be turned off for this model.',
});

/**
 * The reason the service gives for a model it does not serve.
 * @param {string} model as sent in `setup.model`
 * @param {string} apiVersion
 */
export function modelNotFoundReason(model, apiVersion) {
  const name = model.startsWith('models/') ? model : `models/${model}`;
  return `${name} is not found for API version ${apiVersion}, or is not supported for bidiGenerateContent.`;
}

/**
 * @param {string} key the unknown field
 * @param {string} [at] the message path it was found at, e.g. "setup.generation_config"
 */
export function unknownFieldReason(key, at) {
  return `Invalid JSON payload received. Unknown name "${key}"${at ? ` at '${at}'` : ''}: Cannot find field.`;
}

/** RFC 6455 limits a close reason to 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;

/**
 * Cuts a close reason to what fits in a close frame without splitting a UTF-8 sequence.
 * @param {string} reason
 */
export function fitCloseReason(reason) {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  let end = MAX_REASON_BYTES;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * Close codes a server may put in a close frame (1005/1006 are reserved for "no code" and "no frame").
 * @param {number} code
 */
export function isSendableCloseCode(code) {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/**
 * Formats milliseconds as a protobuf JSON Duration: whole seconds as "50s", otherwise 3, 6 or 9 fractional
 * digits ("0.500s"), which is how Google's JSON transcoding writes `google.protobuf.Duration`.
 * @param {number} ms
 */
export function formatDuration(ms) {
  const nanos = Math.max(0, Math.round(ms * 1e6));
  const seconds = Math.floor(nanos / 1e9);
  const fraction = nanos % 1e9;
  if (fraction === 0) return `${seconds}s`;
  let digits = String(fraction).padStart(9, '0');
  if (digits.endsWith('000000')) digits = digits.slice(0, 3);
  else if (digits.endsWith('000')) digits = digits.slice(0, 6);
  return `${seconds}.${digits}s`;
}

/**
 * Encodes a server message the way the service does: UTF-8 JSON in a binary frame.
 * @param {unknown} message
 */
export function encodeMessage(message) {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

/**
 * A short name for a server message, used in records and logs.
 * @param {Record<string, any>} message
 */
export function describeServerMessage(message) {
  if (!message || typeof message !== 'object') return 'unknown';
  if (message.setupComplete) return 'setupComplete';
  if (message.toolCall) return 'toolCall';
  if (message.toolCallCancellation) return 'toolCallCancellation';
  if (message.goAway) return 'goAway';
  if (message.usageMetadata && !message.serverContent) return 'usageMetadata';
  if (message.sessionResumptionUpdate) return 'sessionResumptionUpdate';
  const content = message.serverContent;
  if (content && typeof content === 'object') {
    if (content.interrupted) return 'interrupted';
    if (content.turnComplete) return 'turnComplete';
    if (content.generationComplete) return 'generationComplete';
    if (content.inputTranscription) return 'inputTranscription';
    if (content.outputTranscription) return 'outputTranscription';
    const parts = content.modelTurn?.parts;
    if (Array.isArray(parts) && parts.length > 0) {
      if (parts.every((/** @type {any} */ p) => p?.inlineData)) return 'audio';
      if (parts.every((/** @type {any} */ p) => typeof p?.text === 'string')) return 'text';
      return 'modelTurn';
    }
    return 'serverContent';
  }
  return Object.keys(message)[0] ?? 'unknown';
}
