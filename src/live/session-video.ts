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
  /** The browser ended the camera (unplugged, taken by another app). */
  onCameraLost(): void;
  /** The camera to ask for. */
  cameraId(): string | undefined;
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

  /** The camera's stream, while the camera is what is shared. */
  get cameraStream(): MediaStream | null {
    return this.source === 'camera' ? this.stream : null;
  }

  /** Shares `source`; `restart` opens the camera again (another camera was chosen). */
  async start(source: VideoSource, restart = false): Promise<void> {
    const { options } = this;
    if (options.ended()) throw new LiveError('not-connected', 'The session has ended.', true);
    try {
      if (!this.capture) {
        const { VideoCapture } = await import('./video-capture.js');
        // The session may have ended during the import: a capture created now would never be released.
        if (options.ended()) throw new LiveError('not-connected', 'The session has ended.', true);
        // start() calls racing through the import share one capture.
        this.capture ??= new VideoCapture({
          fps: options.fps,
          send: options.send,
          canSend: options.canSend,
          onEnded: (ended) => (ended === 'camera' ? options.onCameraLost() : options.onChange()),
        });
      }
      this.capture.cameraId = options.cameraId();
      await this.capture.start(source, { restart });
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
