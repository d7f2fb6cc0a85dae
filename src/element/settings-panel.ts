import { html, nothing, type TemplateResult } from 'lit';
import type { DeviceKind } from '../live/device-memory.js';
import type { GeminiLiveStrings } from './strings.js';

/** What the settings show: the devices there are, the ones chosen or in use, and the volume. */
export interface SettingsView {
  strings: GeminiLiveStrings;
  devices: readonly MediaDeviceInfo[];
  selected: Record<DeviceKind, string | undefined>;
  volume: number;
  /** `video="camera"`: the camera can be chosen. */
  camera: boolean;
  choose(kind: DeviceKind, id: string): void;
  setVolume(volume: number): void;
}

const MEDIA_KINDS: ReadonlyArray<[DeviceKind, MediaDeviceKind]> = [
  ['microphone', 'audioinput'],
  ['speaker', 'audiooutput'],
  ['camera', 'videoinput'],
];

/** Chromium lists the system's default and communications devices again under these ids: "Default" stands for them. */
const ALIASES = new Set(['default', 'communications']);

/** Where the voice's speaker can be chosen: `AudioContext.setSinkId` (Chromium). */
export const speakerChoice = typeof AudioContext === 'function' && 'setSinkId' in AudioContext.prototype;

/**
 * The devices the browser lists, kept up to date while the settings are open (`devicechange`). Labels are empty
 * until the page may use a device of that kind; those show as "Microphone 1" and so on.
 */
export class DeviceList {
  devices: MediaDeviceInfo[] = [];
  readonly reload = () => void this.load();

  constructor(private readonly onChange: () => void) {
    navigator.mediaDevices?.addEventListener?.('devicechange', this.reload);
    this.reload();
  }

  dispose(): void {
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.reload);
  }

  private async load(): Promise<void> {
    try {
      this.devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    } catch {
      this.devices = [];
    }
    this.onChange();
  }
}

function deviceSelect(view: SettingsView, kind: DeviceKind, mediaKind: MediaDeviceKind): TemplateResult {
  const { strings } = view;
  const devices = view.devices.filter((device) => device.kind === mediaKind && device.deviceId && !ALIASES.has(device.deviceId));
  const selected = view.selected[kind] ?? '';
  const known = devices.some((device) => device.deviceId === selected);
  const label = strings[kind];
  return html`<label class="setting"
    ><span>${label}</span>
    <select
      part="${kind}-select"
      @change=${(event: Event) => view.choose(kind, (event.target as HTMLSelectElement).value)}
    >
      <option value="" .selected=${!known}>${strings.defaultDevice}</option>
      ${devices.map(
        (device, i) => html`<option value=${device.deviceId} .selected=${known && device.deviceId === selected}>
          ${device.label || `${label} ${i + 1}`}
        </option>`,
      )}
    </select></label
  >`;
}

/** The settings group: microphone, speaker (where it can be chosen), camera (with `video="camera"`) and volume. */
export function settingsTemplate(view: SettingsView): TemplateResult {
  return html`<style>
      .settings { display: grid; gap: 0.5rem; padding: 0.5rem 0; }
      .setting { display: grid; gap: 0.25rem; font-size: 0.875em; }
      .setting select, .setting input { font: inherit; min-height: 2rem; max-width: 100%; }
    </style>
    <div part="settings-panel" id="settings" class="settings" role="group" aria-label=${view.strings.settings}>
      ${MEDIA_KINDS.map(([kind, mediaKind]) =>
        (kind === 'speaker' && !speakerChoice) || (kind === 'camera' && !view.camera) ? nothing : deviceSelect(view, kind, mediaKind),
      )}
      <label class="setting"
        ><span>${view.strings.volume}</span>
        <input
          part="volume"
          type="range"
          min="0"
          max="1"
          step="0.05"
          .value=${String(view.volume)}
          @input=${(event: Event) => view.setVolume(Number((event.target as HTMLInputElement).value))}
      /></label>
    </div>`;
}
