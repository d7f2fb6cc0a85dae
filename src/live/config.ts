import type { LiveConnectConfig } from '@google/genai';
import type { LiveSessionOptions } from './options.js';

type Json = Record<string, unknown>;

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
  // Output transcription only makes sense for spoken answers; text answers are their own transcript.
  if ((transcription === 'both' || transcription === 'output') && options.responseModality !== 'text') {
    config.outputAudioTranscription = {};
  }

  if (options.mode === 'push-to-talk') {
    config.realtimeInputConfig = { automaticActivityDetection: { disabled: true } };
  }

  const tools: Json[] = [];
  const declarations = (options.tools ?? [])
    .filter((tool) => tool && typeof tool.name === 'string' && tool.name)
    .map((tool) => {
      const declaration: Json = { name: tool.name };
      if (tool.description) declaration.description = tool.description;
      if (tool.parameters) declaration.parametersJsonSchema = tool.parameters;
      return declaration;
    });
  if (declarations.length) tools.push({ functionDeclarations: declarations });
  if (options.googleSearch) tools.push({ googleSearch: {} });
  if (tools.length) config.tools = tools;

  const merged = deepMerge(config, options.config as Json | undefined);
  // The newest resumption handle wins over one given in `config`, or a reconnect would rewind the conversation.
  if (resumptionHandle) merged.sessionResumption = { ...(merged.sessionResumption as Json), handle: resumptionHandle };
  return merged as LiveConnectConfig;
}
