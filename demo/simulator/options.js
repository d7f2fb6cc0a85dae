// @ts-check
/**
 * Simulator options, their defaults, and the subset that can be changed while it runs.
 */

import { MODEL_PROFILES } from './models.js';

/**
 * Models the simulator serves (names without "models/"): the Gemini API's Live models of late 2026, plus the
 * simulator's own text-answering test model. Shut-down ids (`gemini-live-2.5-flash-preview`,
 * `gemini-2.0-flash-live-001`) are not among them, so they are refused as "not found", as the service does.
 */
export const KNOWN_MODELS = Object.freeze(Object.keys(MODEL_PROFILES));

/**
 * @typedef {'espeak' | 'tone' | 'silence'} VoiceMode
 */

/**
 * @typedef {object} SimulatorOptions
 * @property {number} [port] for `startSimulator` (default 0: any free port)
 * @property {string} [host] for `startSimulator` (default "127.0.0.1")
 * @property {string[]} [apiKeys] accepted API keys (default ["sim-key"])
 * @property {string[]} [models] served models without "models/" (default {@link KNOWN_MODELS})
 * @property {number} [connectionLifetimeMs] a connection is closed after this long (default 10 min; 0 = never)
 * @property {number} [goAwayBeforeMs] `goAway` comes this long before that close (default 60 s)
 * @property {number} [lifetimeCloseCode] close code at the end of a connection's lifetime (default 1011, with
 *   "Deadline expired before operation could complete."; 1000 gives Vertex's "The operation was cancelled.")
 * @property {'after-audio' | 'before-audio'} [inputTranscriptionOrder] the user's transcription arrives after the
 *   model's first audio (default, as the service sends it now) or before the answer
 * @property {boolean | VoiceMode} [voice] true/"espeak": espeak-ng speech; false/"tone": a speech-like tone of the
 *   same length; "silence": zeros (default true)
 * @property {number} [speed] pacing of everything the model does; 1 = real time, 10 = ten times faster,
 *   0 = as fast as possible (default 1)
 * @property {number} [chunkMs] audio per output message (default 40)
 * @property {number} [sendAheadMs] how far output runs ahead of real time (default 250)
 * @property {number} [responseDelayMs] end of user turn → first output, at speed 1 (default 300)
 * @property {number} [setupDelayMs] setup → setupComplete (default 20)
 * @property {{ thresholdDb?: number, startMs?: number, silenceMs?: number }} [activity] energy activity detection:
 *   RMS threshold in dBFS (default -36), voiced time to start (default 120 ms), silence to end (default 600 ms).
 *   The defaults keep Chromium's fake-microphone beep (20 ms; about 90 ms above -36 dBFS after the browser's
 *   echo cancellation and gain control) from counting as speech.
 * @property {number} [handleTtlMs] resumption handles stay valid this long (default 2 h)
 * @property {'close' | 'fresh'} [unknownHandle] an unknown/expired resumption handle closes with 1008 ("close",
 *   default) or starts a fresh session ("fresh")
 * @property {'override' | 'reject'} [tokenConstraintMode] setup fields locked by a token: replaced by the token's
 *   values (default, as the SDK documents) or refused with close 1007
 * @property {'name' | 'full'} [tokenResponse] `auth_tokens` response: `{ name }` as the service returns
 *   (default), or also the effective expireTime/newSessionExpireTime/uses
 * @property {boolean} [controlRoutes] serve `/__sim/*` HTTP routes (default true)
 * @property {boolean} [cors] answer CORS preflights and add CORS headers (default true)
 * @property {false | ((line: string) => void)} [log] where to write a line per notable event (default: nowhere)
 * @property {() => number} [now] clock for token and handle expiry (default Date.now)
 */

/**
 * @typedef {object} Settings resolved options
 * @property {string[]} apiKeys
 * @property {string[]} models
 * @property {number} connectionLifetimeMs
 * @property {number} goAwayBeforeMs
 * @property {number} lifetimeCloseCode
 * @property {'after-audio' | 'before-audio'} inputTranscriptionOrder
 * @property {VoiceMode} voice
 * @property {number} speed
 * @property {number} chunkMs
 * @property {number} sendAheadMs
 * @property {number} responseDelayMs
 * @property {number} setupDelayMs
 * @property {{ thresholdDb: number, startMs: number, silenceMs: number }} activity
 * @property {number} handleTtlMs
 * @property {'close' | 'fresh'} unknownHandle
 * @property {'override' | 'reject'} tokenConstraintMode
 * @property {'name' | 'full'} tokenResponse
 * @property {boolean} controlRoutes
 * @property {boolean} cors
 */

/**
 * @param {boolean | VoiceMode | undefined} voice
 * @returns {VoiceMode}
 */
function voiceMode(voice) {
  if (voice === undefined || voice === true || voice === 'espeak') return 'espeak';
  if (voice === false || voice === 'tone') return 'tone';
  if (voice === 'silence') return 'silence';
  throw new TypeError(`Unknown voice option ${JSON.stringify(voice)}`);
}

/**
 * @param {SimulatorOptions} options
 * @returns {Settings}
 */
export function resolveSettings(options) {
  return {
    apiKeys: [...(options.apiKeys ?? ['sim-key'])],
    models: (options.models ?? KNOWN_MODELS).map((model) => model.replace(/^models\//, '')),
    connectionLifetimeMs: options.connectionLifetimeMs ?? 10 * 60_000,
    goAwayBeforeMs: options.goAwayBeforeMs ?? 60_000,
    lifetimeCloseCode: options.lifetimeCloseCode ?? 1011,
    inputTranscriptionOrder: options.inputTranscriptionOrder === 'before-audio' ? 'before-audio' : 'after-audio',
    voice: voiceMode(options.voice),
    speed: options.speed ?? 1,
    chunkMs: options.chunkMs ?? 40,
    sendAheadMs: options.sendAheadMs ?? 250,
    responseDelayMs: options.responseDelayMs ?? 300,
    setupDelayMs: options.setupDelayMs ?? 20,
    activity: {
      thresholdDb: options.activity?.thresholdDb ?? -36,
      startMs: options.activity?.startMs ?? 120,
      silenceMs: options.activity?.silenceMs ?? 600,
    },
    handleTtlMs: options.handleTtlMs ?? 2 * 60 * 60_000,
    unknownHandle: options.unknownHandle ?? 'close',
    tokenConstraintMode: options.tokenConstraintMode ?? 'override',
    tokenResponse: options.tokenResponse ?? 'name',
    controlRoutes: options.controlRoutes ?? true,
    cors: options.cors ?? true,
  };
}

/** Options `configure` may change at run time (affects later connections and, for pacing, running ones). */
export const CONFIGURABLE = Object.freeze([
  'apiKeys', 'models', 'connectionLifetimeMs', 'goAwayBeforeMs', 'lifetimeCloseCode', 'inputTranscriptionOrder', 'voice', 'speed', 'chunkMs',
  'sendAheadMs', 'responseDelayMs', 'setupDelayMs', 'activity', 'handleTtlMs', 'unknownHandle',
  'tokenConstraintMode', 'tokenResponse',
]);

/**
 * Applies a partial options object to live settings.
 * @param {Settings} settings
 * @param {Record<string, any>} changes
 * @returns {string[]} the keys changed
 */
export function applySettings(settings, changes) {
  const unknown = Object.keys(changes).filter((key) => !CONFIGURABLE.includes(key));
  if (unknown.length > 0) throw new TypeError(`Cannot configure ${unknown.join(', ')}`);
  const next = resolveSettings({ ...settings, ...changes, activity: { ...settings.activity, ...changes.activity } });
  Object.assign(settings, next);
  return Object.keys(changes);
}
