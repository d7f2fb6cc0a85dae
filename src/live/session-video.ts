import type { VideoCapture } from './video-capture.js';
import type { LiveErrorDetail } from './types.js';
import type { VideoSource } from './live-session-options.js';
import { LiveError, videoError } from './errors.js';

export interface SessionVideoOptions {
  fps: number;
  send(jpegBase64: string): void;
  canSend(): boolean;
  /** Sharing started, stopped or switched. */
  onChange(): void;
  onError(detail: LiveErrorDetail): void;
  /** The session has ended. */
  ended(): boolean;
}

/** A session's camera or screen: the capture (a chunk of its own) is loaded the first time the visitor shares. */
export class SessionVideo {
  private capture?: VideoCapture;

  constructor(private readonly options: SessionVideoOptions) {}

  get source(): VideoSource | null {
    return this.capture?.source ?? null;
  }

  get stream(): MediaStream | null {
    return this.capture?.stream ?? null;
  }

  async start(source: VideoSource): Promise<void> {
    const { options } = this;
    if (options.ended()) throw new LiveError('not-connected', 'The session has ended.', true);
    try {
      if (!this.capture) {
        const { VideoCapture } = await import('./video-capture.js');
        // The session may have ended during the import: a capture created now would never be released.
        if (options.ended()) throw new LiveError('not-connected', 'The session has ended.', true);
        // start() calls racing through the import share one capture.
        this.capture ??= new VideoCapture({ fps: options.fps, send: options.send, canSend: options.canSend, onEnded: options.onChange });
      }
      await this.capture.start(source);
      options.onChange();
    } catch (error) {
      const liveError = videoError(error);
      if (!options.ended()) {
        options.onError(liveError.detail);
        options.onChange();
      }
      throw liveError;
    }
  }

  stop(): void {
    if (!this.capture?.source) return;
    this.capture.stop();
    this.options.onChange();
  }

  dispose(): void {
    this.capture?.dispose();
  }
}
