import type { LiveConnectConfig } from '@google/genai';
import type { LiveTool } from './types.js';
import type { LiveSessionOptions } from './live-session-options.js';
import { DEFAULT_MODEL } from '../shared/default-model.js';

/** The element's attributes and properties a session is built from, as the page set them. */
export interface SessionSettings {
  tokenEndpoint?: string;
  tokenProvider?: () => Promise<string>;
  apiKey?: string;
  apiBaseUrl?: string;
  apiVersion?: string;
  model?: string;
  voice?: string;
  responseModality?: string;
  language?: string;
  systemInstruction?: string;
  transcription: LiveSessionOptions['transcription'];
  mode?: string;
  googleSearch: boolean;
  tools?: readonly LiveTool[] | null;
  config?: Partial<LiveConnectConfig>;
  chunkMs: number;
  noAudioProcessing: boolean;
  audioConstraints?: MediaTrackConstraints;
  resume: boolean;
  videoFps: number;
  muted: boolean;
  textOnly: boolean;
}

/** Which element on which page: what keeps two elements' stored conversations apart. */
export interface SessionPlace {
  /** The page's `location.pathname`. */
  path: string;
  /** The element's id, or its position among the `<gemini-live>` elements of its root. */
  element: string;
}

/** One stored conversation per element: keyed by the page, the model and the element. */
export function resumeKey(model: string | undefined, place: SessionPlace): string {
  return `gemini-live:resume:${place.path}:${model || DEFAULT_MODEL}:${place.element}`;
}

/** The options a session starts with, from the element's settings; values outside an enum fall back to the default. */
export function sessionOptions(settings: SessionSettings, place: SessionPlace): LiveSessionOptions {
  return {
    tokenEndpoint: settings.tokenEndpoint,
    tokenProvider: settings.tokenProvider,
    apiKey: settings.apiKey,
    apiBaseUrl: settings.apiBaseUrl,
    apiVersion: settings.apiVersion,
    model: settings.model || DEFAULT_MODEL,
    voice: settings.voice,
    responseModality: settings.responseModality === 'text' ? 'text' : 'audio',
    language: settings.language,
    systemInstruction: settings.systemInstruction,
    transcription: settings.transcription,
    mode: settings.mode === 'push-to-talk' ? 'push-to-talk' : 'auto',
    googleSearch: settings.googleSearch,
    tools: settings.tools ?? [],
    config: settings.config,
    chunkMs: settings.chunkMs,
    audioProcessing: !settings.noAudioProcessing,
    audioConstraints: settings.audioConstraints,
    resume: settings.resume,
    videoFps: settings.videoFps,
    muted: settings.muted,
    textOnly: settings.textOnly,
    resumeKey: resumeKey(settings.model, place),
  };
}
