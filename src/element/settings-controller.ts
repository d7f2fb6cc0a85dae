import { nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { DeviceKind } from '../live/device-memory.js';
import type { GeminiLiveStrings } from './strings.js';

/** The element's settings the panel shows and sets. */
interface Host extends ReactiveControllerHost, HTMLElement {
  microphoneId?: string;
  speakerId?: string;
  cameraId?: string;
  volume: number;
  video: string;
}
type SettingsModule = typeof import('./settings-panel.js');

/**
 * The `settings` control: device choice and volume, in a chunk of their own loaded the first time they are
 * opened (the entry stays small). The device list is watched only while they are open.
 */
export class SettingsController implements ReactiveController {
  open = false;
  private module?: SettingsModule;
  private list?: InstanceType<SettingsModule['DeviceList']>;
  private state: string | null = null;

  constructor(
    private readonly host: Host,
    /** The device of a kind in use now, where one is open. */
    private readonly inUse: (kind: DeviceKind) => string | undefined,
    private readonly strings: () => GeminiLiveStrings,
    /** The device of a kind that fell back to the default in this session, if any. */
    private readonly fellBack: () => DeviceKind | null,
    /** Tries a chosen device again (the element's property already names it). */
    private readonly chooseAgain: (kind: DeviceKind, id: string | undefined) => void,
  ) {
    host.addController(this);
  }

  readonly toggle = (): void => {
    this.open = !this.open;
    if (this.open) void this.watch();
    else this.unwatch();
    this.host.requestUpdate();
  };

  render(): TemplateResult | typeof nothing {
    if (!this.open || !this.module || !this.list) return nothing;
    const { host } = this;
    return this.module.settingsTemplate({
      strings: this.strings(),
      devices: this.list.devices,
      // After a fallback, the device in use: the chosen one could not be had.
      selected: {
        microphone: this.chosen('microphone'),
        speaker: this.chosen('speaker'),
        camera: this.chosen('camera'),
      },
      volume: host.volume,
      camera: host.video === 'camera',
      choose: (kind, id) => {
        const key = `${kind}Id` as const;
        const value = id || undefined;
        if (host[key] === value) this.chooseAgain(kind, value);
        else host[key] = value;
      },
      setVolume: (volume) => (host.volume = volume),
    });
  }

  private chosen(kind: DeviceKind): string | undefined {
    return this.fellBack() === kind ? this.inUse(kind) : (this.host[`${kind}Id`] ?? this.inUse(kind));
  }

  /** Labels come once a device of the kind may be used: the list is read again when the conversation's state moves. */
  hostUpdated(): void {
    const state = this.host.getAttribute('state');
    if (state === this.state) return;
    this.state = state;
    this.list?.reload();
  }

  hostDisconnected(): void {
    this.open = false;
    this.unwatch();
  }

  private async watch(): Promise<void> {
    try {
      this.module ??= await import('./settings-panel.js');
    } catch {
      // The chunk could not be loaded: the control stays, and the next click tries again.
      this.open = false;
      this.host.requestUpdate();
      return;
    }
    if (!this.open || this.list) return;
    this.list = new this.module.DeviceList(() => this.host.requestUpdate());
  }

  private unwatch(): void {
    this.list?.dispose();
    this.list = undefined;
  }
}
