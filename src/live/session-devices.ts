import type { AudioEngine } from '../audio/audio-engine.js';
import type { LiveErrorDetail } from './types.js';
import {
  MEDIA_KIND,
  listDevices,
  matchDevice,
  rememberDevice,
  rememberedDevice,
  trackDeviceId,
  type DeviceKind,
} from './device-memory.js';

export type { DeviceKind } from './device-memory.js';

/** What the session's devices need from it. */
export interface SessionDevicesHost {
  engine(): AudioEngine | undefined;
  /** Opens (or switches) the microphone on `deviceId` (undefined: the default); rejects as `startCapture` does. */
  openMicrophone(deviceId: string | undefined): Promise<void>;
  /** The camera's stream while the camera (not the screen) is shared. */
  cameraStream(): MediaStream | null;
  /** Shares the camera again, on the device now chosen. */
  restartCamera(): Promise<void>;
  stopVideo(): void;
  /** A device in use went away or could not be had: the session goes on with the default (the camera stops). */
  onFallback(kind: DeviceKind): void;
  onError(detail: LiveErrorDetail): void;
  ended(): boolean;
}

/** The chosen ids a session starts with: the page's, else those remembered for the site. */
export interface DeviceChoice {
  microphoneId?: string;
  speakerId?: string;
  cameraId?: string;
}

/**
 * A session's microphone, speaker and camera: which are chosen, switching them without a new connection, and
 * falling back to the default when one goes away. Browsers signal a lost device differently: Chromium ends the
 * track, Safari may keep an AirPods track alive and only fire `devicechange`, Firefox fires no event when the
 * default changes. So both the track's `ended` and `devicechange` are watched.
 */
export class SessionDevices {
  private readonly chosen: Record<DeviceKind, string | undefined>;
  private readonly onDeviceChange = () => void this.checkDevices();
  private replacing?: Promise<void>;

  constructor(
    private readonly host: SessionDevicesHost,
    choice: DeviceChoice,
  ) {
    this.chosen = {
      microphone: choice.microphoneId ?? rememberedDevice('microphone')?.id,
      speaker: choice.speakerId ?? rememberedDevice('speaker')?.id,
      camera: choice.cameraId ?? rememberedDevice('camera')?.id,
    };
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
  }

  /** The id to ask for: `ideal`, so a device that is gone gives the default. */
  id(kind: DeviceKind): string | undefined {
    return this.chosen[kind] || undefined;
  }

  /** Once the microphone is open: a remembered device whose id changed is found again by its label. */
  async microphoneOpened(stream: MediaStream | null): Promise<void> {
    const wanted = this.chosen.microphone ? rememberedDevice('microphone') : undefined;
    const track = stream?.getAudioTracks()[0];
    if (!wanted || !track || wanted.id !== this.chosen.microphone) {
      await this.checkChosen('microphone', trackDeviceId(track));
      return;
    }
    const device = matchDevice(await listDevices(), 'microphone', wanted);
    if (!device || device.deviceId === wanted.id || this.host.ended()) return;
    this.chosen.microphone = device.deviceId;
    rememberDevice('microphone', device.deviceId, device.label);
    if (device.deviceId !== trackDeviceId(track)) await this.host.openMicrophone(device.deviceId).catch(() => undefined);
  }

  /** The speaker chosen at start, once the engine exists. */
  async applySpeaker(): Promise<void> {
    if (this.chosen.speaker) await this.useSpeaker(this.chosen.speaker);
  }

  /** The visitor or the page chose a device ('' or undefined: the default). */
  async choose(kind: DeviceKind, id: string | undefined): Promise<void> {
    if ((id || undefined) === this.id(kind)) return;
    this.chosen[kind] = id || undefined;
    if (kind === 'microphone') {
      if (this.host.engine()?.capturing) {
        const wanted = this.id(kind);
        if (!(await this.switchMicrophone(wanted))) return;
        // A later choice has taken over (here or while the devices are listed): what is in use and remembered is
        // its business.
        if (this.id(kind) !== wanted) return;
        const track = this.host.engine()?.microphoneStream?.getAudioTracks()[0];
        await this.checkChosen(kind, trackDeviceId(track));
        if (this.id(kind) !== wanted) return;
        this.remember(kind, track);
      } else {
        this.remember(kind);
      }
    } else if (kind === 'speaker') {
      if (await this.useSpeaker(this.id(kind))) this.remember(kind);
    } else {
      if (this.host.cameraStream()) await this.host.restartCamera();
      this.remember(kind, this.host.cameraStream()?.getVideoTracks()[0]);
    }
  }

  /**
   * Opens the chosen microphone in place of the one in use. One that cannot be opened (busy in another app, say)
   * gives way to the default, and the visitor is told; if the default cannot be opened either, the microphone in
   * use stays. The choice that failed is dropped, so choosing it again tries it again. False when the chosen one is
   * not in use.
   */
  private async switchMicrophone(wanted: string | undefined): Promise<boolean> {
    // Superseded by a later choice (which may fail otherwise than by aborting this one), or the session ended.
    const current = () => !this.host.ended() && this.id('microphone') === wanted;
    try {
      await this.host.openMicrophone(wanted);
      return true;
    } catch (error) {
      if (aborted(error) || !current() || !wanted) return false;
      await this.host.openMicrophone(undefined).then(
        () => {
          if (!current()) return;
          this.chosen.microphone = undefined;
          this.host.onFallback('microphone');
        },
        () => undefined,
      );
      return false;
    }
  }

  /** The microphone's track ended (unplugged, permission withdrawn): the default one takes over. */
  microphoneEnded(): void {
    void this.replaceMicrophone();
  }

  dispose(): void {
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
  }

  private async replaceMicrophone(): Promise<void> {
    if (this.replacing) return this.replacing;
    this.replacing = (async () => {
      const inputs = (await listDevices()).filter((device) => device.kind === 'audioinput');
      if (this.host.ended()) return;
      try {
        if (!inputs.length) throw new DOMException('No microphone is left.', 'NotFoundError');
        await this.host.openMicrophone(undefined);
        if (!this.host.ended()) this.host.onFallback('microphone');
      } catch {
        if (this.host.ended()) return;
        this.host.engine()?.stopCapture();
        this.host.onError({ code: 'mic-lost', message: 'The microphone went away and no other could be opened.', recoverable: true });
      }
    })().finally(() => (this.replacing = undefined));
    return this.replacing;
  }

  /** After `devicechange`: a device in use that is no longer listed is replaced by the default. */
  private async checkDevices(): Promise<void> {
    if (this.host.ended()) return;
    const devices = await listDevices();
    if (this.host.ended()) return;
    // A kind the page may not use yet is listed without ids: nothing to compare.
    const listed = (kind: DeviceKind, id: string | undefined) => {
      const ofKind = devices.filter((device) => device.kind === MEDIA_KIND[kind]);
      return !id || ofKind.some((device) => !device.deviceId || device.deviceId === id);
    };
    const microphone = this.host.engine()?.microphoneStream?.getAudioTracks()[0];
    if (microphone && !listed('microphone', trackDeviceId(microphone))) void this.replaceMicrophone();
    const speaker = this.host.engine()?.speakerId;
    if (speaker && !listed('speaker', speaker)) {
      await this.host.engine()?.setSpeaker('').catch(() => undefined);
      this.host.onFallback('speaker');
    }
    const camera = this.host.cameraStream()?.getVideoTracks()[0];
    if (camera && !listed('camera', trackDeviceId(camera))) this.cameraLost();
  }

  /** The chosen device could not be had (an unknown id): the default is in use, and the visitor is told. */
  private async checkChosen(kind: DeviceKind, inUse: string | undefined): Promise<void> {
    const wanted = this.id(kind);
    if (!wanted || !inUse || wanted === inUse || wanted === 'default') return;
    const devices = await listDevices();
    if (this.host.ended() || this.id(kind) !== wanted) return;
    if (!devices.some((device) => device.deviceId === wanted)) this.host.onFallback(kind);
  }

  /** The camera went away: video stops, and the visitor is told. */
  cameraLost(): void {
    if (this.host.ended()) return;
    this.host.stopVideo();
    this.host.onFallback('camera');
  }

  private async useSpeaker(id: string | undefined): Promise<boolean> {
    const engine = this.host.engine();
    if (!engine) return false;
    try {
      return await engine.setSpeaker(id ?? '');
    } catch {
      // An unknown or refused speaker: the default plays on.
      await engine.setSpeaker('').catch(() => undefined);
      if (!this.host.ended()) this.host.onFallback('speaker');
      return false;
    }
  }

  private remember(kind: DeviceKind, track?: MediaStreamTrack): void {
    const id = this.id(kind) ?? '';
    if (track?.label || !id) {
      rememberDevice(kind, id, track?.label ?? '');
      return;
    }
    void listDevices().then((devices) => {
      const label = devices.find((device) => device.kind === MEDIA_KIND[kind] && device.deviceId === id)?.label;
      rememberDevice(kind, id, label ?? '');
    });
  }
}

/** Whether `error` (or the error it wraps) is an `AbortError`: a later switch took this one's place. */
function aborted(error: unknown): boolean {
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { name?: unknown } };
  return name === 'AbortError' || cause?.name === 'AbortError';
}
