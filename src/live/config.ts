import type { LiveConnectConfig } from '@google/genai';
import type { LiveSessionOptions } from './live-session-options.js';
import { fitConfigToModel } from './model-config.js';
import { modelProfile, type ModelProfile } from './models.js';
import { toolDeclarations } from './tool-schema.js';
import type { Json } from '../shared/json.js';


function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges plain objects; arrays and other values from `override` replace those of `base`. */
export function deepMerge<T extends Json>(base: T, override: Json | undefined): T {
  if (!override) return base;
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Json, value) : value;
  }
  return out as T;
}

/**
 * The longest `silence-ms` / `prefix-padding-ms` sent. Ten seconds is far beyond any pause or noise a turn should
 * wait out (3.1 ends a turn after about one), and keeps the value well inside the fields' int32.
 */
export const MAX_ACTIVITY_MS = 10_000;

/** Whole milliseconds from 0 to {@link MAX_ACTIVITY_MS}, or undefined for anything else (the service's default). */
function activityMs(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 && value !== Infinity ? Math.min(Math.round(value), MAX_ACTIVITY_MS) : undefined;
}

/** `START_SENSITIVITY_LOW` from `low` and `START`, or undefined for anything but `low` / `high`. */
function sensitivity(value: unknown, edge: 'START' | 'END'): string | undefined {
  return value === 'low' || value === 'high' ? `${edge}_SENSITIVITY_${value.toUpperCase()}` : undefined;
}

/**
 * `realtimeInputConfig.automaticActivityDetection` from the turn-taking attributes: only the valid ones, so that
 * a misspelt value means the service's default rather than a refused setup.
 */
export function activityDetection(
  options: Pick<LiveSessionOptions, 'startSensitivity' | 'endSensitivity' | 'silenceMs' | 'prefixPaddingMs'>,
): Json {
  const fields: Json = {
    startOfSpeechSensitivity: sensitivity(options.startSensitivity, 'START'),
    endOfSpeechSensitivity: sensitivity(options.endSensitivity, 'END'),
    prefixPaddingMs: activityMs(options.prefixPaddingMs),
    silenceDurationMs: activityMs(options.silenceMs),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * Turns the element's attributes into the SDK's `LiveConnectConfig`, then merges the `config` escape hatch over
 * it. Session resumption is always requested (with the newest handle when there is one), and context window
 * compression is on by default, so sessions are not capped at 15 minutes.
 */
export function buildLiveConfig(options: LiveSessionOptions, resumptionHandle?: string): LiveConnectConfig {
  const config: Json = {
    responseModalities: [options.responseModality === 'text' ? 'TEXT' : 'AUDIO'],
    sessionResumption: resumptionHandle ? { handle: resumptionHandle } : {},
    contextWindowCompression: { slidingWindow: {} },
  };

  const speechConfig: Json = {};
  if (options.voice) speechConfig.voiceConfig = { prebuiltVoiceConfig: { voiceName: options.voice } };
  if (options.language) speechConfig.languageCode = options.language;
  if (Object.keys(speechConfig).length) config.speechConfig = speechConfig;

  if (options.systemInstruction) {
    config.systemInstruction = { parts: [{ text: options.systemInstruction }], role: 'user' };
  }

  const transcription = options.transcription ?? 'both';
  if (transcription === 'both' || transcription === 'input') config.inputAudioTranscription = {};
  // Text answers are their own transcript (a model that answers only in audio gets it back from the profile).
  if ((transcription === 'both' || transcription === 'output') && options.responseModality !== 'text') {
    config.outputAudioTranscription = {};
  }

  if (options.mode === 'push-to-talk') {
    config.realtimeInputConfig = { automaticActivityDetection: { disabled: true } };
  } else if (options.config?.realtimeInputConfig?.automaticActivityDetection?.disabled !== true) {
    // Tuning means nothing once detection is off, whether by push-to-talk or by the page's `config`.
    const detection = activityDetection(options);
    if (Object.keys(detection).length) config.realtimeInputConfig = { automaticActivityDetection: detection };
  }

  const profile = modelProfile(options.model);
  const tools = buildTools(options, profile);
  if (tools.length) config.tools = tools;

  const merged = deepMerge(config, options.config as Json | undefined);
  // The newest resumption handle wins over one given in `config`, or a reconnect would rewind the conversation.
  if (resumptionHandle) merged.sessionResumption = { ...(merged.sessionResumption as Json), handle: resumptionHandle };
  // Last, so that nothing the model refuses is sent, whether from an attribute or from `config`.
  return fitConfigToModel(merged as LiveConnectConfig, profile, options.responseModality);
}

/**
 * The `tools` of a setup or a context update: the page's functions in the API's schema vocabulary, and Google
 * Search. Throws a `config-invalid` LiveError for a tool schema that cannot be converted.
 */
export function buildTools(options: Pick<LiveSessionOptions, 'tools' | 'googleSearch'>, profile: ModelProfile | undefined): Json[] {
  const tools: Json[] = [];
  const declarations = toolDeclarations(options.tools ?? [], profile);
  if (declarations.length) tools.push({ functionDeclarations: declarations });
  if (options.googleSearch) tools.push({ googleSearch: {} });
  return tools;
}
