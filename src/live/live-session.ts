import type { LiveErrorDetail, LiveState, Turn } from './types.js';
import type { LiveSessionCallbacks, LiveSessionOptions, VideoSource } from './options.js';
import type { TranscriptModel } from './transcript.js';

export interface LiveSessionResources {
  audioContext: AudioContext;
  transcript: TranscriptModel;
}

export class LiveSession {
  lastError: LiveErrorDetail | null = null;
  muted = false;
  readonly inputLevel = 0;
  readonly outputLevel = 0;
  readonly outputStream: MediaStream | null = null;
  readonly videoSource: VideoSource | null = null;
  readonly videoStream: MediaStream | null = null;
  readonly state: LiveState = 'idle';
  constructor(
    readonly options: LiveSessionOptions,
    readonly callbacks: LiveSessionCallbacks,
    readonly resources: LiveSessionResources,
  ) {}
  get transcript(): readonly Turn[] {
    return this.resources.transcript.snapshot;
  }
  async start(): Promise<void> {
    throw new Error('not available yet');
  }
  sendText(_text: string): void {}
  activityStart(): void {}
  activityEnd(): void {}
  async startVideo(_source: VideoSource): Promise<void> {}
  stopVideo(): void {}
  async dispose(): Promise<void> {
    await this.resources.audioContext.close().catch(() => undefined);
  }
}
