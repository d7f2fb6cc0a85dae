/** The kinds of device a visitor chooses. */
export type DeviceKind = 'microphone' | 'speaker' | 'camera';

/** A chosen device as remembered: its id, and its label for when the browser hands out new ids. */
export interface RememberedDevice {
  id: string;
  label: string;
}

const KEY = 'gemini-live:devices';

/** The `MediaDeviceInfo.kind` of each. */
export const MEDIA_KIND: Readonly<Record<DeviceKind, MediaDeviceKind>> = {
  microphone: 'audioinput',
  speaker: 'audiooutput',
  camera: 'videoinput',
};

function read(): Partial<Record<DeviceKind, RememberedDevice>> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Partial<Record<DeviceKind, RememberedDevice>>) : {};
  } catch {
    // Blocked storage, or something else under the key: nothing remembered.
    return {};
  }
}

/** The device of `kind` chosen on this site before, if any. */
export function rememberedDevice(kind: DeviceKind): RememberedDevice | undefined {
  const device = read()[kind];
  return device && typeof device.id === 'string' && typeof device.label === 'string' ? device : undefined;
}

/** Remembers the choice for this site ('' forgets it: the default device). Storage that fails is done without. */
export function rememberDevice(kind: DeviceKind, id: string, label: string): void {
  const devices = read();
  if (id) devices[kind] = { id, label };
  else delete devices[kind];
  try {
    localStorage.setItem(KEY, JSON.stringify(devices));
  } catch {
    // Full or blocked (private mode, a sandboxed frame): the choice holds for this session only.
  }
}

/**
 * The device that stands for `wanted` in `devices` now: the same id, else the same label (ids change when a site's
 * data is cleared, and some browsers rotate them), else none.
 */
export function matchDevice(devices: readonly MediaDeviceInfo[], kind: DeviceKind, wanted: RememberedDevice): MediaDeviceInfo | undefined {
  const ofKind = devices.filter((device) => device.kind === MEDIA_KIND[kind]);
  return ofKind.find((device) => device.deviceId === wanted.id) ?? (wanted.label ? ofKind.find((device) => device.label === wanted.label) : undefined);
}

/** The devices the browser lists now; none where it cannot list them. */
export async function listDevices(): Promise<MediaDeviceInfo[]> {
  try {
    return (await navigator.mediaDevices?.enumerateDevices()) ?? [];
  } catch {
    return [];
  }
}

/** The id of the device a track comes from, where the browser says. */
export function trackDeviceId(track: MediaStreamTrack | undefined): string | undefined {
  return track?.getSettings?.().deviceId || undefined;
}
