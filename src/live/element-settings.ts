import type { LiveConnectConfig } from '@google/genai';
import type { LiveTool } from './types.js';
import type { LiveSessionOptions } from './live-session-options.js';
import { DEFAULT_MODEL } from '../shared/default-model.js';
import { resumeKey, type SessionPlace } from './resume-key.js';

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
  startSensitivity?: string;
  endSensitivity?: string;
  silenceMs?: number | null;
  prefixPaddingMs?: number | null;
  googleSearch: boolean;
  tools?: readonly LiveTool[] | null;
  config?: Partial<LiveConnectConfig>;
  chunkMs: number;
  noAudioProcessing: boolean;
  bargeIn?: string;
  audioConstraints?: MediaTrackConstraints;
  microphoneId?: string;
  speakerId?: string;
  cameraId?: string;
  volume?: number;
  resume: boolean;
  videoFps: number;
  muted: boolean;
  textOnly: boolean;
}

export { resumeKey, type SessionPlace } from './resume-key.js';

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
    // Checked where the setup is built (the lazily loaded session code), to keep the page's entry small.
    startSensitivity: settings.startSensitivity,
    endSensitivity: settings.endSensitivity,
    silenceMs: settings.silenceMs,
    prefixPaddingMs: settings.prefixPaddingMs,
    googleSearch: settings.googleSearch,
    tools: settings.tools ?? [],
    config: settings.config,
    chunkMs: settings.chunkMs,
    audioProcessing: !settings.noAudioProcessing,
    bargeIn: settings.bargeIn,
    audioConstraints: settings.audioConstraints,
    microphoneId: settings.microphoneId || undefined,
    speakerId: settings.speakerId || undefined,
    cameraId: settings.cameraId || undefined,
    volume: settings.volume,
    resume: settings.resume,
    videoFps: settings.videoFps,
    muted: settings.muted,
    textOnly: settings.textOnly,
    resumeKey: resumeKey(settings.model, place),
  };
}
