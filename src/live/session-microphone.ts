import type { AudioEngine } from '../audio/audio-engine.js';
import type { LiveSessionCallbacks, LiveSessionOptions } from './live-session-options.js';
import type { SessionVideo } from './session-video.js';
import { LiveError, toLiveError } from './errors.js';
import { SessionDevices, type DeviceKind } from './session-devices.js';
import { startMicrophone } from './session-audio.js';
import { holdPlayAndRecord } from '../audio/audio-session.js';

/** What a session's microphone and devices need from it. */
export interface SessionMicrophoneHost {
  readonly options: LiveSessionOptions;
  readonly callbacks: LiveSessionCallbacks;
  readonly signal: AbortSignal;
  readonly video: SessionVideo;
  engine(): AudioEngine | undefined;
  engineLoading(): Promise<AudioEngine> | undefined;
}

/**
 * A session's microphone and the devices around it: opened once audio starts (or when a typed conversation moves
 * to speaking), switched or replaced on the same connection (see {@link SessionDevices}), with the phone's audio
 * session set for a call while it is open.
 */
export class SessionMicrophone {
  readonly devices: SessionDevices;
  /** The microphone being opened or open; a typed conversation (`textOnly`) has none until the visitor speaks. */
  private opening?: Promise<void>;
  private releaseAudioSession?: () => void;

  constructor(private readonly host: SessionMicrophoneHost) {
    const { video, callbacks } = host;
    this.devices = new SessionDevices(
      {
        engine: () => host.engine(),
        openMicrophone: (deviceId) => this.open(deviceId),
        cameraStream: () => video.cameraStream,
        restartCamera: () => video.start('camera', true),
        stopVideo: () => video.stop(),
        onFallback: (kind) => callbacks.onDeviceFallback?.(kind),
        onError: (detail) => callbacks.onError(detail),
        ended: () => host.signal.aborted,
      },
      host.options,
    );
  }

  /** Whether the microphone was asked for (always, unless the conversation is typed: `textOnly`). */
  get wanted(): boolean {
    return this.opening !== undefined;
  }

  /** The first microphone of the session, on `engine`; resolves once audio flows. */
  start(engine: AudioEngine): Promise<void> {
    this.opening = this.openFirst(engine);
    return this.opening;
  }

  /** A typed conversation moves to speaking: the microphone is asked for now, once. */
  async use(): Promise<void> {
    const engineLoading = this.host.engineLoading();
    if (this.host.signal.aborted || !engineLoading) throw new LiveError('not-connected', 'The session has ended.', true);
    this.opening ??= engineLoading.then((engine) => this.openFirst(engine));
    try {
      await this.opening;
    } catch (error) {
      this.opening = undefined;
      const liveError = toLiveError(error);
      if (!this.host.signal.aborted) this.host.callbacks.onError(liveError.detail);
      throw liveError;
    }
  }

  /** The device of `kind` in use now (undefined where none is open, or the browser does not say). */
  inUse(kind: DeviceKind): string | undefined {
    const engine = this.host.engine();
    if (kind === 'speaker') return engine?.speakerId || undefined;
    const stream = kind === 'microphone' ? engine?.microphoneStream : this.host.video.cameraStream;
    return stream?.getTracks()[0]?.getSettings?.().deviceId || undefined;
  }

  /** The microphone for a new engine (one revived on a new context): the one in use, else the one chosen. */
  reopenOn(engine: AudioEngine): Promise<void> {
    return startMicrophone(engine, this.host.options, this.host.signal, this.inUse('microphone') ?? this.devices.id('microphone'));
  }

  dispose(): void {
    this.devices.dispose();
    this.releaseAudioSession?.();
  }

  private async openFirst(engine: AudioEngine): Promise<void> {
    // Before the microphone opens: on iOS the voice then plays at call volume, on the loudspeaker.
    if (!this.host.signal.aborted) this.releaseAudioSession ??= holdPlayAndRecord();
    await startMicrophone(engine, this.host.options, this.host.signal, this.devices.id('microphone'));
    void this.devices.microphoneOpened(engine.microphoneStream);
  }

  /** Opens or switches the microphone on the running engine. */
  private async open(deviceId: string | undefined): Promise<void> {
    const engine = this.host.engine();
    if (!engine || this.host.signal.aborted) return;
    await startMicrophone(engine, this.host.options, this.host.signal, deviceId);
  }
}
