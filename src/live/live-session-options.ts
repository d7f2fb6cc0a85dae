import type { LiveConnectConfig } from '@google/genai';
import type { LiveErrorDetail, LiveState, LiveTool, LiveUsage } from './types.js';
import type { GeminiLiveToolCallDetail } from './types.js';
import type { TranscriptModel } from './transcript.js';

export type VideoSource = 'camera' | 'screen';

/** Everything a session needs, read from the element's attributes and properties when it starts. */
export interface LiveSessionOptions {
  tokenEndpoint?: string;
  tokenProvider?: () => Promise<string>;
  apiKey?: string;
  apiBaseUrl?: string;
  apiVersion?: string;
  model: string;
  voice?: string;
  responseModality: 'audio' | 'text';
  language?: string;
  systemInstruction?: string;
  transcription: 'both' | 'input' | 'output' | 'none';
  mode: 'auto' | 'push-to-talk';
  /**
   * Turn-taking attributes as the page set them (`low` / `high`, milliseconds): `buildLiveConfig` sends the valid
   * ones as `realtimeInputConfig.automaticActivityDetection` and leaves out the rest.
   */
  startSensitivity?: string;
  endSensitivity?: string;
  silenceMs?: number | null;
  prefixPaddingMs?: number | null;
  googleSearch: boolean;
  tools: readonly LiveTool[];
  config?: Partial<LiveConnectConfig>;
  chunkMs: number;
  audioProcessing: boolean;
  /** `barge-in` as the page set it: checked by the capture worklet (an unknown value is `auto`). */
  bargeIn?: string;
  /** Merged over the default microphone constraints: a `deviceId`, a sample rate… */
  audioConstraints?: MediaTrackConstraints;
  /** The devices chosen (`MediaDeviceInfo.deviceId`); unset: the one remembered for the site, else the default. */
  microphoneId?: string;
  speakerId?: string;
  cameraId?: string;
  /** Loudness of the model's voice through the speakers, 0–1 (default 1). */
  volume?: number;
  /** Keep the resumption handle in sessionStorage (under a key derived from the model and page). */
  resume: boolean;
  videoFps: number;
  muted: boolean;
  /** A typed conversation: no microphone until {@link LiveSession.useMicrophone} is called. */
  textOnly?: boolean;
  /** Milliseconds to wait for `setupComplete` (the SDK has no timeout of its own). */
  setupTimeoutMs?: number;
  /** Reconnection attempts after an unexpected close, and the first back-off delay. */
  reconnectAttempts?: number;
  reconnectDelayMs?: number;
  /** Storage key for `resume`; defaults to one derived from the model and the page path. */
  resumeKey?: string;
  /**
   * Sockets, microphone chunks and the level meter in a worker, off the page's main thread (default true; the
   * session falls back to the page by itself where a worker cannot run).
   */
  socketWorker?: boolean;
}

/** How a session reports back to its owner (the element's controller). */
export interface LiveSessionCallbacks {
  onStateChange(state: LiveState, previous: LiveState): void;
  onError(detail: LiveErrorDetail): void;
  onInterrupted(): void;
  onUsage(usage: LiveUsage): void;
  /** Returns true when the page took the call (it will respond itself). */
  onToolCall(call: GeminiLiveToolCallDetail): boolean;
  /** Video sharing started, stopped or switched. */
  onVideoChange(): void;
  /** A device in use went away or could not be had: the default took over (the camera: video stopped). */
  onDeviceFallback?(kind: 'microphone' | 'speaker' | 'camera'): void;
}

export interface LiveSessionResources {
  /**
   * Created (or resumed) by the caller inside the user's gesture. The session hands it to its `AudioEngine`, which
   * owns it from then on (resumes it when the system suspends it, closes it on dispose).
   */
  audioContext: AudioContext;
  /** Shared with the caller, so the transcript outlives the session. */
  transcript: TranscriptModel;
}
